"""Cut pages: render a cut from a rush (a ``render`` job), the cut with a player per variant,
its versions (each render is version n+1; older ones are kept) and the QC report."""

from __future__ import annotations

import json
import secrets
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coulisses.errors import NotFoundError, UsageError
from coulisses.jobs import submit
from coulisses.store.media_tables import Approval, Comment, Cut, CutVersion, Rush, Variant
from coulisses.store.tables import AuditEvent, Membership, User
from coulisses.web.deps import get_db, render
from coulisses.web.media_access import (
    allowed,
    number,
    platform_choices,
    registry_for,
    scoped,
    settings_of,
    wants_json,
)
from coulisses.web.media_files import cuts_dir, relative, resolve
from coulisses.web.media_jobs import sync_version
from coulisses.web.media_text import register_all, timecode
from coulisses.web.request_state import release

register_all()
router = APIRouter()
PRIVATE = {"Cache-Control": "private, max-age=3600"}
PRESETS = ("final", "draft")


def version_json(v: CutVersion) -> dict[str, Any]:
    return {"id": v.id, "number": v.number, "status": v.status, "job_id": v.job_id,
            "platforms": v.platforms.split(","), "start": v.start, "end": v.end,
            "passed": v.passed, "error": v.error, "decision": v.decision,
            "variants": [{"id": x.id, "platform": x.platform, "passed": x.passed,
                          "video": f"/w/{v.workspace_id}/variants/{x.id}/video",
                          "qc": json.loads(x.qc or "{}")} for x in v.variants]}


async def _options(request: Request) -> dict[str, Any]:
    """Render options from the form (or JSON body), checked."""

    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.json()
        data: dict[str, Any] = body if isinstance(body, dict) else {}
        platforms = data.get("platforms") or []
        if isinstance(platforms, str):
            platforms = platforms.split(",")
    else:
        form = await request.form()
        data = {k: form.get(k) for k in form}
        platforms = [str(p) for p in form.getlist("platforms")]
    if not platforms:
        raise UsageError("Choose at least one platform.", hint="tick one or more platforms")
    registry = registry_for(tuple(settings_of(request).platform_dirs))
    specs = registry.select([str(p) for p in platforms])
    start = number(data.get("start"), "start")
    end = number(data.get("end"), "end")
    if start is not None and end is not None and end <= start:
        raise UsageError(f"end {end:g} s must come after start {start:g} s")
    preset = str(data.get("preset") or "final")
    if preset not in PRESETS:
        raise UsageError(f"quality {preset!r} is not final, master or draft")
    flags = {k: str(data.get(k) or "") in ("1", "on", "true", "True")
             for k in ("captions", "reframe", "trim", "extend")}
    return {"platforms": [s.id for s in specs], "start": start, "end": end, "preset": preset,
            "title": str(data.get("title") or "").strip()[:300], "nonce": str(
                data.get("nonce") or "")[:60], "rush_id": data.get("rush_id"), **flags}


def _queue(request: Request, db: Session, cut: Cut, rush: Rush, opts: dict[str, Any],
           user_id: int) -> CutVersion:
    """Add version n+1 of ``cut`` and its render job; a repeated nonce returns the first."""
    nonce = opts["nonce"]
    key = f"render:{rush.id}:{nonce}" if nonce else None  # the form's nonce: one per page
    number_ = (db.scalar(select(func.max(CutVersion.number))
                         .where(CutVersion.cut_id == cut.id)) or 0) + 1
    version = CutVersion(workspace_id=cut.workspace_id, number=number_,
                         platforms=",".join(opts["platforms"]), start=opts["start"],
                         end=opts["end"], options=json.dumps(
                             {k: opts[k] for k in ("preset", "captions", "reframe", "trim",
                                                   "extend")}),
                         status="queued", out_dir="", report="", error="", decision="pending",
                         created_by=user_id)
    cut.versions.append(version)
    db.flush()  # the cut (when new) and the version get their ids
    data_dir = settings_of(request).data_dir
    out = cuts_dir(data_dir, cut.workspace_id, cut.id, number_)
    payload = {"version_id": version.id, "source": rush.path,
               "out_dir": relative(data_dir, out),
               **{k: opts[k] for k in ("platforms", "start", "end", "preset", "captions",
                                       "reframe", "trim", "extend")}}
    job = submit(db, cut.workspace_id, "render", payload, dedupe_key=key, user_id=user_id)
    earlier = db.scalars(select(CutVersion).where(CutVersion.job_id == job.id)).first()
    if earlier is not None and earlier.id != version.id:  # a double click: keep the first
        db.rollback()
        return earlier
    version.job_id = job.id
    db.add(AuditEvent(workspace_id=cut.workspace_id, user_id=user_id, action="cut.render",
                      detail=f"{cut.id}:{number_}"))
    db.commit()
    return version


def _done(request: Request, version: CutVersion) -> Response:
    url = f"/w/{version.workspace_id}/cuts/{version.cut_id}?v={version.number}"
    if wants_json(request):
        return JSONResponse(version_json(version) | {"url": url}, status_code=202)
    return RedirectResponse(url, status_code=303)


@router.post("/w/{workspace_id}/cuts", name="cuts_create")
@router.post("/api/w/{workspace_id}/cuts", name="api_cuts_create")
async def cuts_create(request: Request, workspace_id: int, db: Session = Depends(get_db),
                      member: Membership = Depends(allowed("cut.create"))) -> Response:
    opts = await _options(request)
    try:
        rush_id = int(opts["rush_id"])
    except (TypeError, ValueError):
        raise UsageError("Name the rush to cut (rush_id).") from None
    rush = scoped(db, Rush, workspace_id, rush_id)
    cut = Cut(workspace_id=workspace_id, rush_id=rush.id, title=opts["title"] or rush.name,
              created_by=member.user_id)
    db.add(cut)
    version = await run_in_threadpool(_queue, request, db, cut, rush, opts, member.user_id)
    return _done(request, version)


@router.post("/w/{workspace_id}/cuts/{cut_id:int}/render", name="cuts_render")
async def cuts_render(request: Request, workspace_id: int, cut_id: int,
                      db: Session = Depends(get_db),
                      member: Membership = Depends(allowed("cut.render"))) -> Response:
    """Render a new version of the cut (the older ones stay)."""
    cut = scoped(db, Cut, workspace_id, cut_id)
    opts = await _options(request)
    rush = scoped(db, Rush, workspace_id, cut.rush_id)
    version = await run_in_threadpool(_queue, request, db, cut, rush, opts, member.user_id)
    return _done(request, version)


@router.get("/w/{workspace_id}/cuts", name="cuts_index")
def cuts_index(request: Request, workspace_id: int, db: Session = Depends(get_db),
               member: Membership = Depends(allowed("cut.view"))) -> Response:
    cuts = list(db.scalars(select(Cut).where(Cut.workspace_id == workspace_id)
                           .order_by(Cut.id.desc()).limit(500)))
    for c in cuts:
        for v in c.versions:
            sync_version(db, v)
    return render(request, "cuts_list.html", {"cuts": cuts})


def _version(db: Session, cut: Cut, number_: int | None) -> CutVersion:
    if not cut.versions:
        raise NotFoundError("This cut has no version yet.")
    if number_ is None:
        return cut.versions[-1]
    for v in cut.versions:
        if v.number == number_:
            return v
    raise NotFoundError(f"No version {number_} of this cut.")


@router.get("/w/{workspace_id}/cuts/{cut_id:int}", name="cuts_show")
def cuts_show(request: Request, workspace_id: int, cut_id: int, v: int | None = None,
              edit: int | None = None, db: Session = Depends(get_db),
              member: Membership = Depends(allowed("cut.view"))) -> Response:

    cut = scoped(db, Cut, workspace_id, cut_id)
    version = sync_version(db, _version(db, cut, v))
    rush = db.get(Rush, cut.rush_id)
    comments = list(db.scalars(select(Comment).where(Comment.version_id == version.id)
                               .order_by(Comment.t_start, Comment.id)))
    approvals = list(db.scalars(select(Approval).where(Approval.version_id == version.id)
                                .order_by(Approval.id)))
    ids = {c.author_id for c in comments} | {a.user_id for a in approvals}
    names = {u.id: u.name for u in db.scalars(select(User).where(User.id.in_(ids)))}
    replies_of: dict[int, list[Comment]] = {}  # grouped once: the page stays linear in comments
    for c in comments:
        if c.parent_id:
            replies_of.setdefault(c.parent_id, []).append(c)
    release(db)
    return render(request, "cuts_show.html", {
        "cut": cut, "version": version, "rush": rush, "timecode": timecode,
        "comments": comments, "replies_of": replies_of, "approvals": approvals,
        "names": names, "edit": edit,
        "qc": {x.id: json.loads(x.qc or "{}") for x in version.variants},
        "options": json.loads(version.options or "{}"),
        "platforms": platform_choices(settings_of(request)),
        "chosen": version.platforms.split(","), "nonce": secrets.token_urlsafe(12),
        "duration": (version.end or (rush.duration if rush else 0)) - (version.start or 0)})


@router.get("/api/w/{workspace_id}/cuts/{cut_id:int}", name="api_cut")
def api_cut(request: Request, workspace_id: int, cut_id: int, db: Session = Depends(get_db),
            member: Membership = Depends(allowed("cut.view"))) -> dict[str, Any]:
    cut = scoped(db, Cut, workspace_id, cut_id)
    return {"id": cut.id, "title": cut.title, "rush_id": cut.rush_id,
            "versions": [version_json(sync_version(db, x)) for x in cut.versions]}


@router.get("/w/{workspace_id}/variants/{variant_id:int}/video", name="variants_video")
def variants_video(request: Request, workspace_id: int, variant_id: int,
                   db: Session = Depends(get_db),
                   member: Membership = Depends(allowed("cut.view"))) -> Response:
    variant = scoped(db, Variant, workspace_id, variant_id)
    path = resolve(settings_of(request).data_dir, variant.video, workspace_id)
    return FileResponse(path, media_type="video/mp4", headers=PRIVATE,
                        content_disposition_type="inline", filename=path.name)


@router.get("/w/{workspace_id}/variants/{variant_id:int}/cover", name="variants_cover")
def variants_cover(request: Request, workspace_id: int, variant_id: int,
                   db: Session = Depends(get_db),
                   member: Membership = Depends(allowed("cut.view"))) -> Response:
    variant = scoped(db, Variant, workspace_id, variant_id)
    path = resolve(settings_of(request).data_dir, variant.cover, workspace_id)
    kind = "image/jpeg" if path.suffix.lower() in (".jpg", ".jpeg") else "image/png"
    return FileResponse(path, media_type=kind, headers=PRIVATE)


@router.get("/w/{workspace_id}/versions/{version_id:int}/sheet", name="versions_sheet")
def versions_sheet(request: Request, workspace_id: int, version_id: int,
                   db: Session = Depends(get_db),
                   member: Membership = Depends(allowed("cut.view"))) -> Response:
    version = scoped(db, CutVersion, workspace_id, version_id)
    rel = f"{version.out_dir}/contact-sheet.png" if version.out_dir else ""
    path = resolve(settings_of(request).data_dir, rel, workspace_id)
    return FileResponse(path, media_type="image/png", headers=PRIVATE)
