"""Cut pages: render a cut from a rush (a ``render`` job), the cut with a player per variant,
its versions (each render is version n+1; older ones are kept) and the QC report. The rules
(what a render request holds, versions and their jobs) are in ``coulisses.studio.cuts``."""

from __future__ import annotations

import json
import secrets
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.errors import NotFoundError, UsageError
from coulisses.studio import sharing, trash
from coulisses.studio.cuts import RenderRequest, queue_render
from coulisses.studio.files import resolve
from coulisses.studio.jobs.handlers import sync_version
from coulisses.studio.scope import scoped
from coulisses.studio.tables import (
    Approval,
    Comment,
    Cut,
    CutVariant,
    CutVersion,
    Membership,
    Rush,
    User,
    utcnow,
)
from coulisses.timecode import format_clock
from coulisses.web.deps import SessionDep, render, require
from coulisses.web.errors_web import wants_json
from coulisses.web.forms import (
    number,
    platform_choices,
    registry_for,
    settings_of,
)
from coulisses.web.i18n_web import timecode
from coulisses.web.job_view import shown_error, shown_result
from coulisses.web.request_state import release
from coulisses.web.routes.trash import confirm_page, confirmed

router = APIRouter()
PRIVATE = {"Cache-Control": "private, max-age=3600"}


def version_json(v: CutVersion) -> dict[str, Any]:
    return {"id": v.id, "number": v.number, "status": v.status, "job_id": v.job_id,
            "platforms": v.platforms.split(","), "start": v.start, "end": v.end,
            "passed": v.passed, "error": shown_error(v.error), "decision": v.decision,
            "variants": [{"id": x.id, "platform": x.platform, "passed": x.passed,
                          "video": f"/w/{v.workspace_id}/variants/{x.id}/video",
                          "qc": shown_result(json.loads(x.qc or "{}"))} for x in v.variants]}


async def _options(request: Request, db: Session | None = None) -> dict[str, Any]:
    """Render options from the form (or JSON body), checked; with ``db``, a planned
    deliverable named without platforms gives its platform."""

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
    deliverable = str(data.get("deliverable") or "")[:300]
    if not platforms and deliverable:  # a planned deliverable presets its platform
        from coulisses.web.routes.board import deliverable_for

        if db is not None:
            ws = int(request.path_params["workspace_id"])
            platforms = [deliverable_for(request, db, ws, deliverable).deliverable.platform]
    if not platforms:
        raise UsageError("Choose at least one platform.", hint="tick one or more platforms")
    registry = registry_for(tuple(settings_of(request).platform_dirs))
    specs = registry.select([str(p) for p in platforms])
    start, end = number(data.get("start"), "start"), number(data.get("end"), "end")

    def flag(key: str) -> bool:
        return str(data.get(key) or "") in ("1", "on", "true", "True")

    render_request = RenderRequest(
        platforms=tuple(s.id for s in specs), start=start, end=end,
        preset=str(data.get("preset") or "final"), captions=flag("captions"),
        reframe=flag("reframe"), trim=flag("trim"), extend=flag("extend"))
    return {"request": render_request, "title": str(data.get("title") or "").strip()[:300],
            "nonce": str(data.get("nonce") or "")[:60], "rush_id": data.get("rush_id"),
            "deliverable": deliverable}


def _queue(request: Request, db: Session, cut: Cut, rush: Rush, opts: dict[str, Any],
           user_id: int) -> CutVersion:
    return queue_render(db=db, data_dir=settings_of(request).data_dir, cut=cut, rush=rush,
                        request=opts["request"], user_id=user_id, nonce=opts["nonce"],
                        job_limit=settings_of(request).jobs_per_workspace)


def _done(request: Request, version: CutVersion) -> Response:
    url = f"/w/{version.workspace_id}/cuts/{version.cut_id}?v={version.number}"
    if wants_json(request):
        return JSONResponse(version_json(version) | {"url": url}, status_code=202)
    return RedirectResponse(url, status_code=303)


@router.post("/w/{workspace_id}/cuts", name="cuts_create")
@router.post("/api/w/{workspace_id}/cuts", name="api_cuts_create")
async def cuts_create(request: Request, workspace_id: int, db: SessionDep,
                      member: Membership = Depends(require("cut.create"))) -> Response:
    opts = await _options(request, db)
    try:
        rush_id = int(opts["rush_id"])
    except (TypeError, ValueError):
        raise UsageError("Name the rush to cut (rush_id).") from None
    rush = scoped(db, Rush, workspace_id, rush_id)
    cut = Cut(workspace_id=workspace_id, rush_id=rush.id, title=opts["title"] or rush.name,
              created_by=member.user_id)
    if opts["deliverable"]:  # made for a planned deliverable: the board follows it
        from coulisses.web.routes.board import deliverable_for

        planned = deliverable_for(request, db, workspace_id, opts["deliverable"])
        cut.campaign_id, cut.deliverable = planned.campaign_id, planned.deliverable.id
        cut.title = opts["title"] or planned.deliverable.title
        asked: RenderRequest = opts["request"]
        if planned.deliverable.platform not in asked.platforms:  # its platform is always in
            opts["request"] = replace(asked, platforms=(planned.deliverable.platform,
                                                        *asked.platforms))
    db.add(cut)
    version = await run_in_threadpool(_queue, request, db, cut, rush, opts, member.user_id)
    return _done(request, version)


@router.post("/w/{workspace_id}/cuts/{cut_id:int}/render", name="cuts_render")
async def cuts_render(request: Request, workspace_id: int, cut_id: int,
                      db: SessionDep,
                      member: Membership = Depends(require("cut.render"))) -> Response:
    """Render a new version of the cut (the older ones stay)."""
    cut = scoped(db, Cut, workspace_id, cut_id)
    opts = await _options(request)
    rush = scoped(db, Rush, workspace_id, cut.rush_id)
    version = await run_in_threadpool(_queue, request, db, cut, rush, opts, member.user_id)
    return _done(request, version)


@router.get("/w/{workspace_id}/cuts", name="cuts_index")
def cuts_index(request: Request, workspace_id: int, db: SessionDep,
               member: Membership = Depends(require("cut.view"))) -> Response:
    cuts = list(db.scalars(select(Cut).where(Cut.workspace_id == workspace_id,
                                             Cut.deleted_at.is_(None))
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
def cuts_show(request: Request, workspace_id: int, cut_id: int, *, v: int | None = None,
              edit: int | None = None, compare: str = "", db: SessionDep,
              member: Membership = Depends(require("cut.view"))) -> Response:

    cut = scoped(db, Cut, workspace_id, cut_id)
    version = sync_version(db, _version(db, cut, v))
    rush = db.get(Rush, cut.rush_id)
    comments = list(db.scalars(select(Comment).where(Comment.version_id == version.id,
                                                     Comment.deleted_at.is_(None))
                               .order_by(Comment.t_start, Comment.id)))
    approvals = list(db.scalars(select(Approval).where(Approval.version_id == version.id)
                                .order_by(Approval.id)))
    ids = {c.author_id for c in comments} | {a.user_id for a in approvals}
    names = {u.id: u.name for u in db.scalars(select(User).where(User.id.in_(ids)))}
    replies_of: dict[int, list[Comment]] = {}  # grouped once: the page stays linear in comments
    for c in comments:
        if c.parent_id:
            replies_of.setdefault(c.parent_id, []).append(c)
    links = sharing.links_of(db, version)
    other, pairs = _compared(db, cut, version, compare)
    open_threads = sum(1 for c in comments if not c.parent_id and not c.resolved)
    release(db)
    return render(request, "cuts_show.html", {
        "cut": cut, "version": version, "rush": rush, "timecode": timecode,
        "clock": format_clock,
        "comments": comments, "replies_of": replies_of, "approvals": approvals,
        "names": names, "edit": edit, "other": other, "pairs": pairs,
        "open_threads": open_threads,
        "variant_names": {x.id: x.label or x.platform for x in version.variants},
        "qc": {x.id: json.loads(x.qc or "{}") for x in version.variants},
        "options": json.loads(version.options or "{}"),
        "platforms": platform_choices(settings_of(request)),
        "chosen": version.platforms.split(","), "nonce": secrets.token_urlsafe(12),
        "duration": (version.end or (rush.duration if rush else 0)) - (version.start or 0),
        "links": links, "now": utcnow()})


def _compared(db: Session, cut: Cut, version: CutVersion, compare: str
              ) -> tuple[CutVersion | None, list[tuple[CutVariant, CutVariant]]]:
    """The version to compare with (``?compare=<number>``) and the variants of both, paired by
    platform: two players side by side, in sync."""
    if not compare.strip().isdigit():
        return None, []
    other = _version(db, cut, int(compare))
    if other.id == version.id:
        return None, []
    theirs = {x.platform: x for x in sync_version(db, other).variants}
    return other, [(x, theirs[x.platform]) for x in version.variants if x.platform in theirs]


@router.get("/api/w/{workspace_id}/cuts/{cut_id:int}", name="api_cut")
def api_cut(request: Request, workspace_id: int, cut_id: int, db: SessionDep,
            member: Membership = Depends(require("cut.view"))) -> dict[str, Any]:
    cut = scoped(db, Cut, workspace_id, cut_id)
    return {"id": cut.id, "title": cut.title, "rush_id": cut.rush_id,
            "versions": [version_json(sync_version(db, x)) for x in cut.versions]}


@router.get("/w/{workspace_id}/variants/{variant_id:int}/video", name="variants_video")
def variants_video(request: Request, workspace_id: int, variant_id: int,
                   db: SessionDep,
                   member: Membership = Depends(require("cut.view"))) -> Response:
    variant = scoped(db, CutVariant, workspace_id, variant_id)
    path = resolve(settings_of(request).data_dir, variant.video, workspace_id)
    return FileResponse(path, media_type="video/mp4", headers=PRIVATE,
                        content_disposition_type="inline", filename=path.name)


@router.get("/w/{workspace_id}/variants/{variant_id:int}/cover", name="variants_cover")
def variants_cover(request: Request, workspace_id: int, variant_id: int,
                   db: SessionDep,
                   member: Membership = Depends(require("cut.view"))) -> Response:
    variant = scoped(db, CutVariant, workspace_id, variant_id)
    path = resolve(settings_of(request).data_dir, variant.cover, workspace_id)
    kind = "image/jpeg" if path.suffix.lower() in (".jpg", ".jpeg") else "image/png"
    return FileResponse(path, media_type=kind, headers=PRIVATE)


@router.get("/w/{workspace_id}/versions/{version_id:int}/sheet", name="versions_sheet")
def versions_sheet(request: Request, workspace_id: int, version_id: int,
                   db: SessionDep,
                   member: Membership = Depends(require("cut.view"))) -> Response:
    version = scoped(db, CutVersion, workspace_id, version_id)
    rel = f"{version.out_dir}/contact-sheet.png" if version.out_dir else ""
    path = resolve(settings_of(request).data_dir, rel, workspace_id)
    return FileResponse(path, media_type="image/png", headers=PRIVATE)


@router.get("/w/{workspace_id}/cuts/{cut_id:int}/delete", name="cuts_delete_ask")
@router.post("/w/{workspace_id}/cuts/{cut_id:int}/delete", name="cuts_delete")
def cuts_delete(request: Request, workspace_id: int, cut_id: int, db: SessionDep,
                yes: bool = Depends(confirmed),
                member: Membership = Depends(require("cut.delete"))) -> Response:
    """Ask first; once confirmed, the cut and its versions go to the trash."""
    cut = scoped(db, Cut, workspace_id, cut_id)
    url = f"/w/{workspace_id}/cuts/{cut.id}"
    if request.method != "POST" or not yes:
        return confirm_page(request, what="trash.kind.cut", name=cut.title,
                            action=f"{url}/delete", back=url)
    trash.trash(db, cut, user_id=member.user_id)
    return RedirectResponse(f"/w/{workspace_id}/cuts", status_code=303)
