"""Results: the KPI report of each campaign, from the workspace's analytics store, and the
form that imports platform exports into it.

Each workspace has its own store (``data_dir/workspaces/<id>/analytics.duckdb``), so one
client's numbers never show in another's pages. The report is ``coulisses.kpi.report``'s HTML,
served under its own strict policy (no scripts) and shown in a sandboxed frame. Owners and
editors import exports (CSV, XLSX, XLS) from the campaign's results page (``kpi_import``).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from coulisses.errors import AnalyticsImportError, CampaignError, UploadError, UsageError
from coulisses.studio import files
from coulisses.studio.tables import AuditEvent, Campaign, Membership
from coulisses.web import campaign_view, kpi_import
from coulisses.web.deps import SessionDep, render, require
from coulisses.web.error_text import error_line
from coulisses.web.routes.campaigns import _lang, campaign_in

router = APIRouter()
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
              "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")


def analytics_store(request: Request, workspace_id: int) -> Path:
    """Where the workspace's analytics store lives."""
    return files.analytics_store(request.app.state.settings.data_dir, workspace_id)


def report_state(request: Request, workspace_id: int) -> str:
    """``empty`` (nothing imported) or ``ready``."""
    return "ready" if analytics_store(request, workspace_id).is_file() else "empty"


@router.get("/w/{workspace_id}/results", name="results_index")
def results_index(request: Request, workspace_id: int, db: SessionDep,
                  member: Membership = Depends(require("results.view"))) -> Response:
    rows = list(db.scalars(select(Campaign).where(Campaign.workspace_id == workspace_id,
                   Campaign.deleted_at.is_(None))
                           .order_by(Campaign.name)))
    return render(request, "results_index.html", {"campaigns": rows})


@router.get("/w/{workspace_id}/results/{campaign_id}", name="results_show")
def results_show(request: Request, workspace_id: int, campaign_id: int,
                 db: SessionDep,
                 member: Membership = Depends(require("results.view"))) -> Response:
    row = campaign_in(db, workspace_id, campaign_id)
    return _show(request, row)


def _show(request: Request, row: Campaign, *, problems: list[str] | None = None,
          imported: list[Any] | None = None, pending: kpi_import.Pending | None = None,
          as_of: str = "", status_code: int = 200) -> Response:
    from coulisses.kpi.imports.generic import METRIC_KINDS, PLATFORMS

    return render(request, "results_show.html", {
        "campaign": row, "state": report_state(request, row.workspace_id),
        "problems": problems or [], "imported": imported or [],
        "max_mb": kpi_import.MAX_EXPORT_MB, "max_files": kpi_import.MAX_FILES,
        "pending": pending, "as_of": as_of, "platforms": PLATFORMS, "kinds": METRIC_KINDS,
        "post_fields": kpi_import.POST_FIELDS,
        "metrics": kpi_import.metric_names() if pending else []},
        status_code=status_code)


@router.post("/w/{workspace_id}/results/{campaign_id}/import", name="results_import")
async def results_import(request: Request, workspace_id: int, campaign_id: int,
                         db: SessionDep,
                         member: Membership = Depends(require("results.import"))) -> Response:
    """Import the uploaded exports; the page again, with what each file added or the one
    located problem (the files before it stay imported, nothing of it is stored)."""
    from datetime import date

    from starlette.datastructures import UploadFile

    row = await run_in_threadpool(campaign_in, db, workspace_id, campaign_id)
    limit = kpi_import.MAX_REQUEST_BYTES
    if int(request.headers.get("content-length") or 0) > limit:
        raise UploadError(f"the upload is over the {limit / 1024 / 1024:.0f} MB one import "
                          "may send", http_status=413, hint="import fewer or smaller files")
    form = await request.form()
    try:
        raw_day = str(form.get("as_of") or "").strip()
        try:
            as_of = date.fromisoformat(raw_day) if raw_day else None
        except ValueError:
            raise UsageError(f"{raw_day[:20]!r} is not a date like 2026-10-03") from None
        uploads = [kpi_import.Upload(_clean(item.filename or ""), item.file)
                   for item in form.getlist("files")
                   if isinstance(item, UploadFile) and item.filename]
        try:
            results = await run_in_threadpool(_import, request.app.state.settings, row,
                                              uploads, as_of)
        except AnalyticsImportError:
            if len(uploads) != 1:
                raise
            uploads[0].file.seek(0)  # maybe not a known export: offer the guessed mapping
            pending = await run_in_threadpool(
                kpi_import.stage_for_mapping, request.app.state.settings.data_dir,
                workspace_id, uploads[0])
            if pending is None:
                raise
            return await run_in_threadpool(partial(_show, request, row, pending=pending,
                                                   as_of=raw_day))
    except (UploadError, AnalyticsImportError, UsageError) as exc:
        problem, status = error_line(exc, _lang(request)), exc.http_status
        return await run_in_threadpool(
            partial(_show, request, row, problems=[problem], status_code=status))
    finally:
        await form.close()

    def record() -> Response:
        db.add(AuditEvent(workspace_id=workspace_id, user_id=member.user_id,
                          action="results.import",
                          detail=", ".join(r.file for r in results)[:200]))
        db.commit()
        return _show(request, row, imported=results)

    return await run_in_threadpool(record)


@router.post("/w/{workspace_id}/results/{campaign_id}/import/mapped",
             name="results_import_mapped")
async def results_import_mapped(request: Request, workspace_id: int, campaign_id: int,
                                db: SessionDep,
                                member: Membership = Depends(require("results.import"))
                                ) -> Response:
    """Import the file kept by a guessed mapping, with the mapping as the form confirmed it;
    on a problem, the same form again with it (the file stays until it imports)."""
    from datetime import date

    row = await run_in_threadpool(campaign_in, db, workspace_id, campaign_id)
    form = await request.form()
    choices = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    raw_day = choices.get("as_of", "").strip()
    settings = request.app.state.settings
    try:
        try:
            as_of = date.fromisoformat(raw_day) if raw_day else None
        except ValueError:
            raise UsageError(f"{raw_day[:20]!r} is not a date like 2026-10-03") from None
        results = await run_in_threadpool(
            partial(kpi_import.import_mapped, settings.data_dir, workspace_id,
                    choices.get("token", ""), choices, campaign=_model(settings, row),
                    as_of=as_of))
    except (UploadError, AnalyticsImportError, UsageError) as exc:
        problem, status = error_line(exc, _lang(request)), exc.http_status
        pending = None
        if not isinstance(exc, UploadError):
            pending = await run_in_threadpool(kpi_import.pending_again, settings.data_dir,
                                              workspace_id, choices)
        return await run_in_threadpool(partial(_show, request, row, problems=[problem],
                                               pending=pending, as_of=raw_day,
                                               status_code=status))

    def record() -> Response:
        db.add(AuditEvent(workspace_id=workspace_id, user_id=member.user_id,
                          action="results.import", detail=results[0].file[:200]))
        db.commit()
        return _show(request, row, imported=results)

    return await run_in_threadpool(record)


def _model(settings: Any, row: Campaign) -> Any:
    try:
        return campaign_view.validate(row.source, row.filename, settings).campaign
    except CampaignError:  # an invalid file still gets its numbers, just not matched
        return None


def _import(settings: Any, row: Campaign, uploads: list[kpi_import.Upload],
            as_of: Any) -> list[Any]:
    """Import into the campaign's workspace store, matching posts to the campaign."""
    return kpi_import.import_exports(settings.data_dir, row.workspace_id, uploads,
                                     campaign=_model(settings, row), as_of=as_of)


def _clean(name: str) -> str:
    from coulisses.studio.uploads import clean_name

    return clean_name(name)


@router.get("/w/{workspace_id}/results/{campaign_id}/report", name="results_report")
def results_report(request: Request, workspace_id: int, campaign_id: int,
                   db: SessionDep,
                   member: Membership = Depends(require("results.view"))) -> Response:
    from coulisses.backstage.kpis import for_campaign
    from coulisses.web.kpi_view import report_html

    row = campaign_in(db, workspace_id, campaign_id)
    html = report_html(analytics_store(request, workspace_id), row, request.app.state.settings,
                       _lang(request), for_campaign(db, row.id))
    return HTMLResponse(html, headers={"Content-Security-Policy": REPORT_CSP})
