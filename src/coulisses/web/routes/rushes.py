"""Rush pages: the list with thumbnails, one rush with its player, transcript, shots and
moments on a timeline, the analysis job, and the video served with HTTP ranges."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.errors import ConflictError
from coulisses.studio import trash
from coulisses.studio.files import resolve
from coulisses.studio.jobs import submit
from coulisses.studio.jobs.handlers import sync_rush
from coulisses.studio.scope import scoped
from coulisses.studio.tables import AuditEvent, Cut, Membership, Rush
from coulisses.web import rush_view
from coulisses.web.deps import SessionDep, render, require
from coulisses.web.errors_web import wants_json
from coulisses.web.forms import platform_choices, registry_for, settings_of
from coulisses.web.i18n_web import timecode
from coulisses.web.job_view import shown_error
from coulisses.web.playback import for_player
from coulisses.web.routes.trash import confirm_page, confirmed

router = APIRouter()
PRIVATE = {"Cache-Control": "private, max-age=3600"}


def rush_json(rush: Rush) -> dict[str, Any]:
    """A rush as the API shows it (without the full analysis)."""
    return {"id": rush.id, "name": rush.name, "duration": rush.duration,
            "width": rush.width, "height": rush.height, "fps": rush.fps,
            "size_bytes": rush.size_bytes, "status": rush.status, "error": shown_error(rush.error),
            "job_id": rush.job_id, "url": f"/w/{rush.workspace_id}/rushes/{rush.id}",
            "video": f"/w/{rush.workspace_id}/rushes/{rush.id}/video"}


def _list(db: Session, workspace_id: int) -> list[Rush]:
    rushes = list(db.scalars(select(Rush).where(Rush.workspace_id == workspace_id,
                                               Rush.deleted_at.is_(None))
                             .order_by(Rush.id.desc()).limit(500)))
    return rushes


@router.get("/w/{workspace_id}/rushes", name="rushes_index")
def rushes_index(request: Request, workspace_id: int, db: SessionDep,
                 member: Membership = Depends(require("rush.view"))) -> Response:
    data_dir = settings_of(request).data_dir
    rushes = [sync_rush(db, r, data_dir) for r in _list(db, workspace_id)]
    return render(request, "rushes_list.html", {"rushes": rushes, "timecode": timecode})


@router.get("/api/w/{workspace_id}/rushes", name="api_rushes")
def api_rushes(request: Request, workspace_id: int, db: SessionDep,
               member: Membership = Depends(require("rush.view"))) -> list[dict[str, Any]]:
    data_dir = settings_of(request).data_dir
    return [rush_json(sync_rush(db, r, data_dir)) for r in _list(db, workspace_id)]


def _planned_choices(request: Request, db: Session, workspace_id: int) -> list[Any]:
    """The planned deliverables a cut of this rush can be made for (board12)."""
    from coulisses.studio.tables import Campaign
    from coulisses.web import campaign_view
    from coulisses.web.routes.campaigns import _lang

    rows = list(db.scalars(select(Campaign).where(Campaign.workspace_id == workspace_id)
                           .order_by(Campaign.name)))
    return campaign_view.planned(rows, settings_of(request), _lang(request))


def _analysis(rush: Rush) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(rush.analysis) if rush.analysis else {}
    return data


@router.get("/w/{workspace_id}/rushes/{rush_id:int}", name="rushes_show")
def rushes_show(request: Request, workspace_id: int, rush_id: int,
                db: SessionDep,
                member: Membership = Depends(require("rush.view"))) -> Response:
    settings = settings_of(request)
    rush = sync_rush(db, scoped(db, Rush, workspace_id, rush_id), settings.data_dir)
    analysis = _analysis(rush)
    cuts = list(db.scalars(select(Cut).where(Cut.rush_id == rush.id,
                                                Cut.deleted_at.is_(None)).order_by(Cut.id)))
    platforms = platform_choices(settings)
    planned = _planned_choices(request, db, workspace_id)
    moments = json.loads(rush.moments or "[]")
    registry = registry_for(tuple(settings.platform_dirs))
    return render(request, "rushes_show.html", {
        "planned": planned, "chosen_deliverable": request.query_params.get("deliverable", ""),
        "paras": rush_view.paragraphs(analysis),
        "lanes": rush_view.lanes(analysis, moments, rush.duration),
        "x0": rush_view.X0, "xw": rush_view.WIDTH,
        "vertical": {p for p, _ in platforms
                     if registry[p].canvas.height > registry[p].canvas.width},
        "rush": rush, "analysis": analysis, "moments": moments,
        "words": (analysis.get("words") or []), "shots": analysis.get("shots") or [],
        "cuts": cuts, "platforms": platforms, "timecode": timecode,
        "nonce": secrets.token_urlsafe(12)})


@router.get("/api/w/{workspace_id}/rushes/{rush_id:int}", name="api_rush")
def api_rush(request: Request, workspace_id: int, rush_id: int, db: SessionDep,
             member: Membership = Depends(require("rush.view"))) -> dict[str, Any]:
    rush = sync_rush(db, scoped(db, Rush, workspace_id, rush_id), settings_of(request).data_dir)
    analysis = _analysis(rush)
    return rush_json(rush) | {
        "shots": analysis.get("shots"), "words": analysis.get("words"),
        "language": analysis.get("language"), "moments": json.loads(rush.moments or "[]")}


@router.get("/w/{workspace_id}/rushes/{rush_id:int}/video", name="rushes_video")
def rushes_video(request: Request, workspace_id: int, rush_id: int,
                 db: SessionDep,
                 member: Membership = Depends(require("rush.view"))) -> Response:
    rush = scoped(db, Rush, workspace_id, rush_id)
    path = resolve(settings_of(request).data_dir, rush.path, workspace_id)
    shown, kind = for_player(request, path)  # an HEVC phone rush plays as its H.264 copy
    return FileResponse(shown, media_type=kind, headers=PRIVATE,
                        content_disposition_type="inline",
                        filename=rush.name if shown == path else f"{Path(rush.name).stem}.mp4")


@router.get("/w/{workspace_id}/rushes/{rush_id:int}/thumb", name="rushes_thumb")
def rushes_thumb(request: Request, workspace_id: int, rush_id: int,
                 db: SessionDep,
                 member: Membership = Depends(require("rush.view"))) -> Response:
    rush = scoped(db, Rush, workspace_id, rush_id)
    path = resolve(settings_of(request).data_dir, rush.thumb, workspace_id)
    return FileResponse(path, media_type="image/jpeg", headers=PRIVATE)


@router.post("/w/{workspace_id}/rushes/{rush_id:int}/analyze", name="rushes_analyze")
def rushes_analyze(request: Request, workspace_id: int, rush_id: int,
                   *, nonce: str = Form(""), db: SessionDep,
                   member: Membership = Depends(require("rush.edit"))) -> Response:
    """Queue the analysis; a double click (same form nonce) queues it once."""
    rush = sync_rush(db, scoped(db, Rush, workspace_id, rush_id), settings_of(request).data_dir)
    if rush.status == "analysing":
        raise ConflictError(f"{rush.name} is already being analysed.",
                            hint="wait for it to finish")
    payload: dict[str, Any] = {"rush_id": rush.id, "path": rush.path}
    only = getattr(request.app.state, "analyzers", None)  # a subset, set by tests
    if only:
        payload["only"] = list(only)
    job = submit(db, workspace_id, "analyze", payload, user_id=member.user_id,
                 dedupe_key=f"analyze:{rush.id}:{nonce[:40] or 'once'}:{rush.job_id or 0}",
                 limit=settings_of(request).jobs_per_workspace)
    rush.status, rush.job_id, rush.error = "analysing", job.id, ""
    db.add(AuditEvent(workspace_id=workspace_id, user_id=member.user_id,
                      action="rush.analyze", detail=str(rush.id)))
    db.commit()
    if wants_json(request):
        return Response(json.dumps({"job_id": job.id}), status_code=202,
                        media_type="application/json")
    return RedirectResponse(f"/w/{workspace_id}/rushes/{rush.id}", status_code=303)


@router.get("/w/{workspace_id}/rushes/{rush_id:int}/delete", name="rushes_delete_ask")
@router.post("/w/{workspace_id}/rushes/{rush_id:int}/delete", name="rushes_delete")
def rushes_delete(request: Request, workspace_id: int, rush_id: int,
                  db: SessionDep, yes: bool = Depends(confirmed),
                  member: Membership = Depends(require("rush.delete"))) -> Response:
    """Ask first; once confirmed, the rush (and its cuts) go to the trash. Its files stay
    until the trash is purged, so a restore gets everything back."""
    rush = scoped(db, Rush, workspace_id, rush_id)
    url = f"/w/{workspace_id}/rushes/{rush.id}"
    if request.method != "POST" or not yes:
        return confirm_page(request, what="trash.kind.rush", name=rush.name,
                            action=f"{url}/delete", back=url)
    trash.trash(db, rush, user_id=member.user_id)
    return RedirectResponse(f"/w/{workspace_id}/rushes", status_code=303)
