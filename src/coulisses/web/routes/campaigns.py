"""Campaign pages: import (upload or paste), export byte for byte, edit without silent
overwrites, and the plan, calendar and health report."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from coulisses.errors import CampaignError, NotFoundError, UploadError
from coulisses.studio import trash
from coulisses.studio.tables import AuditEvent, Campaign, Membership, utcnow
from coulisses.web import campaign_view
from coulisses.web.bodylimit import FIELD_MAX
from coulisses.web.deps import SessionDep, render, require
from coulisses.web.error_text import error_line
from coulisses.web.i18n_web import pick_lang
from coulisses.web.routes.trash import confirm_page, confirmed

router = APIRouter()
RESUBMIT_WINDOW = timedelta(minutes=2)  # an import sent again this soon is the same one


def campaign_in(db: Session, workspace_id: int, campaign_id: int) -> Campaign:
    """The workspace's campaign.

    Raises:
        NotFoundError: no such campaign in this workspace.
    """
    row = db.get(Campaign, campaign_id)
    if row is None or row.workspace_id != workspace_id or row.deleted_at is not None:
        raise NotFoundError("No such campaign in this workspace.")
    return row


def safe_filename(name: str, default: str = "campaign.yaml") -> str:
    """A file name without folders, control characters or a leading dot."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"<>|:*?]", "", name).strip().lstrip(".")[:200]
    return name or default


def _lang(request: Request) -> str:
    login = getattr(request.state, "login", None)
    user_lang = login.user.lang if login is not None and login.user is not None else ""
    return pick_lang(request, user_lang, request.app.state.settings.lang)


@router.get("/w/{workspace_id}/campaigns", name="campaigns_index")
def campaigns_index(request: Request, workspace_id: int, db: SessionDep,
                    member: Membership = Depends(require("campaign.view"))) -> Response:
    rows = list(db.scalars(select(Campaign).where(Campaign.workspace_id == workspace_id,
                                                  Campaign.deleted_at.is_(None))
                           .order_by(Campaign.name)))
    return render(request, "campaigns_list.html", {"campaigns": rows, "form": {}})


@router.post("/w/{workspace_id}/campaigns", name="campaigns_import",
             form_limits={"max_part_size": FIELD_MAX})
async def campaigns_import(request: Request, workspace_id: int,
                           *, file: UploadFile | None = File(None), text: str = Form(""),
                           db: SessionDep,
                           member: Membership = Depends(require("campaign.import"))) -> Response:
    filename = "campaign.yaml"
    if file is not None and file.filename:
        filename = safe_filename(file.filename)
        data = await file.read(campaign_view.MAX_BYTES + 1)
        source = campaign_view.decode(data, filename)
    else:
        if len(text.encode("utf-8")) > campaign_view.MAX_BYTES:
            raise UploadError("The pasted text is over the 1 MB a campaign file may be.",
                              http_status=413)
        source = text.replace("\r\n", "\n")
    if not source.strip():
        raise CampaignError("The campaign file is empty.", path=filename,
                            hint="choose a file or paste its text")
    try:
        checked = campaign_view.validate(source, filename, request.app.state.settings)
    except CampaignError as exc:
        rows = list(db.scalars(select(Campaign).where(Campaign.workspace_id == workspace_id,
                                                  Campaign.deleted_at.is_(None))
                               .order_by(Campaign.name)))
        return render(request, "campaigns_list.html", {
            "campaigns": rows, "problems": [error_line(exc, _lang(request))],
            "form": {"text": source}}, status_code=422)
    twin = _just_imported(db, workspace_id, member.user_id, filename, source)
    if twin is not None:  # the same form sent again (a double click, a reload): one campaign
        return RedirectResponse(f"/w/{workspace_id}/campaigns/{twin}", status_code=303)
    row = Campaign(workspace_id=workspace_id, name=checked.name, filename=filename,
                   source=source, updated_by=member.user_id)
    db.add(row)
    db.flush()
    db.add(AuditEvent(workspace_id=workspace_id, user_id=member.user_id,
                      action="campaign.import", detail=str(row.id)))
    db.commit()
    return RedirectResponse(f"/w/{workspace_id}/campaigns/{row.id}", status_code=303)


def _just_imported(db: Session, workspace_id: int, user_id: int, filename: str,
                   source: str) -> int | None:
    """The campaign this member imported from the same file in the last
    ``RESUBMIT_WINDOW``, untouched since, or None."""
    since = utcnow() - RESUBMIT_WINDOW
    rows = db.execute(select(Campaign.id, Campaign.source).where(
        Campaign.workspace_id == workspace_id, Campaign.updated_by == user_id,
        Campaign.filename == filename, Campaign.version_id == 1,
        Campaign.deleted_at.is_(None), Campaign.created_at >= since))
    return next((cid for cid, text in rows if text == source), None)


def _checked(request: Request, row: Campaign) -> tuple[Any, str | None]:
    try:
        return campaign_view.validate(row.source, row.filename,
                                      request.app.state.settings), None
    except CampaignError as exc:
        return None, error_line(exc, _lang(request))


def _planned(request: Request, row: Campaign) -> tuple[Any, str | None]:
    """The campaign's plan (None when the file does not validate) and the error line."""
    checked, error = _checked(request, row)
    if checked is None:
        return None, error
    return campaign_view.plan(checked, request.app.state.settings, _lang(request)), error


@router.get("/w/{workspace_id}/campaigns/{campaign_id}/health", name="campaigns_health")
def campaigns_health(request: Request, workspace_id: int, campaign_id: int,
                   db: SessionDep,
                   member: Membership = Depends(require("campaign.view"))) -> Response:
    row = campaign_in(db, workspace_id, campaign_id)
    checked, error = _checked(request, row)
    findings = campaign_view.health(checked, _lang(request)) if checked else None
    return render(request, "campaigns_show.html", {
        "campaign": row, "invalid": error, "findings": findings, "tab": "health"})


@router.get("/w/{workspace_id}/campaigns/{campaign_id}/plan", name="campaigns_plan")
def campaigns_plan(request: Request, workspace_id: int, campaign_id: int,
                   db: SessionDep,
                   member: Membership = Depends(require("campaign.view"))) -> Response:
    row = campaign_in(db, workspace_id, campaign_id)
    the_plan, error = _planned(request, row)
    return render(request, "campaigns_plan.html", {
        "campaign": row, "invalid": error, "plan": the_plan, "tab": "plan",
        "matrix": campaign_view.matrix(the_plan) if the_plan is not None else None})


@router.get("/w/{workspace_id}/campaigns/{campaign_id}/calendar", name="campaigns_calendar")
def campaigns_calendar(request: Request, workspace_id: int, campaign_id: int,
                       db: SessionDep, view: str = "month", at: str = "",
                       member: Membership = Depends(require("campaign.view"))) -> Response:
    """The month or week calendar of shoot days, due dates and planned publications."""
    from datetime import date

    from coulisses.web import calendar_view

    row = campaign_in(db, workspace_id, campaign_id)
    the_plan, error = _planned(request, row)
    entries = list(the_plan.calendar) if the_plan else []
    view = view if view in calendar_view.VIEWS else "month"
    day = calendar_view.anchor(entries, at, date.today())
    return render(request, "campaigns_calendar.html", {
        "campaign": row, "invalid": error, "entries": entries, "tab": "calendar",
        "grid": calendar_view.grid(entries, view, day), "day_of": calendar_view.day_of})


@router.get("/w/{workspace_id}/campaigns/{campaign_id}/calendar.ics", name="campaigns_ics")
def campaigns_ics(request: Request, workspace_id: int, campaign_id: int,
                  db: SessionDep,
                  member: Membership = Depends(require("campaign.view"))) -> Response:
    row = campaign_in(db, workspace_id, campaign_id)
    checked = campaign_view.validate(row.source, row.filename, request.app.state.settings)
    the_plan = campaign_view.plan(checked, request.app.state.settings, _lang(request))
    return _download(campaign_view.ics(the_plan),
                     safe_filename(row.filename).rsplit(".", 1)[0] + ".ics",
                     "text/calendar; charset=utf-8")


def _download(data: bytes, filename: str, media_type: str) -> Response:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media_type,
                    headers={"Content-Disposition": disposition})


@router.get("/w/{workspace_id}/campaigns/{campaign_id}/export", name="campaigns_export")
def campaigns_export(workspace_id: int, campaign_id: int, db: SessionDep,
                     member: Membership = Depends(require("campaign.view"))) -> Response:
    row = campaign_in(db, workspace_id, campaign_id)
    return _download(row.source.encode("utf-8"), safe_filename(row.filename),
                     "application/yaml; charset=utf-8")


@router.get("/w/{workspace_id}/campaigns/{campaign_id}/edit", name="campaigns_edit_form")
def campaigns_edit_form(request: Request, workspace_id: int, campaign_id: int,
                        db: SessionDep,
                        member: Membership = Depends(require("campaign.edit"))) -> Response:
    row = campaign_in(db, workspace_id, campaign_id)
    try:
        checked = campaign_view.validate(row.source, row.filename, request.app.state.settings)
    except CampaignError as exc:  # a file saved before a rule existed: show where it fails
        return render(request, "campaigns_edit.html", {
            "campaign": row, "text": row.source, "version": row.version_id, "tab": "edit",
            "problems": [error_line(exc, _lang(request))],
            "located": located(exc, row.source, _lang(request))})
    at: dict[int, list[str]] = {}
    for finding in campaign_view.health(checked, _lang(request)):
        if finding.line is not None:
            at.setdefault(finding.line, []).append(finding.message)
    return render(request, "campaigns_edit.html", {
        "campaign": row, "text": row.source, "version": row.version_id, "tab": "edit",
        "located": [(n, line, at.get(n, []))
                    for n, line in enumerate(row.source.splitlines(), start=1)]})


@router.post("/w/{workspace_id}/campaigns/{campaign_id}/edit", name="campaigns_edit")
def campaigns_edit(request: Request, workspace_id: int, campaign_id: int,
                   *, text: str = Form(""), version: int = Form(...),
                   db: SessionDep,
                   member: Membership = Depends(require("campaign.edit"))) -> Response:
    row = campaign_in(db, workspace_id, campaign_id)
    if "\r" not in row.source:  # browsers send CRLF from a textarea
        text = text.replace("\r\n", "\n")
    try:
        return store(request, db, row, text, version, member.user_id,
                     f"/w/{workspace_id}/campaigns/{row.id}/health")
    except CampaignError as exc:
        return render(request, "campaigns_edit.html", {
            "campaign": row, "text": text, "version": version, "tab": "edit",
            "problems": [error_line(exc, _lang(request))],
            "located": located(exc, text, _lang(request))}, status_code=422)


def store(request: Request, db: Session, row: Campaign, text: str, version: int,
          user_id: int, done: str) -> Response:
    """Save ``text`` as the campaign's file if it validates and nobody saved since ``version``
    (otherwise the conflict page, nothing overwritten); then go to ``done``. The raw editor
    and the forms both save through here.

    Raises:
        CampaignError: the text does not validate (nothing is saved).
    """
    if version != row.version_id:
        return _conflict(request, row, text)
    if text == row.source:
        return RedirectResponse(done, status_code=303)
    checked = campaign_view.validate(text, row.filename, request.app.state.settings)
    row.source, row.name = text, checked.name
    row.updated_at, row.updated_by = utcnow(), user_id
    db.add(AuditEvent(workspace_id=row.workspace_id, user_id=user_id,
                      action="campaign.edit", detail=f"{row.id}:{version}"))
    try:
        db.commit()  # the UPDATE carries "WHERE version_id = <read>": a race also ends here
    except StaleDataError:
        db.rollback()
        return _conflict(request, campaign_in(db, row.workspace_id, row.id), text)
    return RedirectResponse(done, status_code=303)


def located(exc: CampaignError, text: str, lang: str) -> list[tuple[int, str, list[str]]]:
    """The file's lines, numbered, each with the loader's problems found at it in ``lang``
    (the YAML editor shows them at their lines)."""
    at: dict[int, list[str]] = {}
    for problem in exc.errors:
        if problem.line is not None:
            at.setdefault(problem.line, []).append(
                error_line(problem, lang).split(": ", 1)[-1])
    return [(n, line, at.get(n, [])) for n, line in enumerate(text.splitlines(), start=1)]


def _conflict(request: Request, row: Campaign, text: str) -> Response:
    return render(request, "campaigns_conflict.html", {
        "campaign": row, "theirs": row.source, "yours": text, "tab": "edit"}, status_code=409)


@router.get("/w/{workspace_id}/campaigns/{campaign_id}/delete", name="campaigns_delete_ask")
@router.post("/w/{workspace_id}/campaigns/{campaign_id}/delete", name="campaigns_delete")
def campaigns_delete(request: Request, workspace_id: int, campaign_id: int, db: SessionDep,
                     yes: bool = Depends(confirmed),
                     member: Membership = Depends(require("campaign.delete"))) -> Response:
    """Ask first; once confirmed, the campaign goes to the trash."""
    row = campaign_in(db, workspace_id, campaign_id)
    url = f"/w/{workspace_id}/campaigns/{row.id}"
    if request.method != "POST" or not yes:
        return confirm_page(request, what="trash.kind.campaign", name=row.name,
                            action=f"{url}/delete", back=url)
    trash.trash(db, row, user_id=member.user_id)
    return RedirectResponse(f"/w/{workspace_id}/campaigns", status_code=303)
