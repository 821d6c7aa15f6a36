"""Results: the KPI report of each campaign, from the workspace's analytics store.

Each workspace has its own store (``data_dir/workspaces/<id>/analytics.duckdb``), so one
client's numbers never show in another's pages. The report is the measure issue's HTML,
served under its own strict policy (no scripts) and shown in a sandboxed frame.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.store.tables import Campaign, Membership
from coulisses.web.deps import get_db, render, require
from coulisses.web.routes.campaigns import _lang, campaign_in

router = APIRouter()
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
              "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")


def analytics_store(request: Request, workspace_id: int) -> Path:
    """Where the workspace's analytics store lives."""
    data_dir: Path = request.app.state.settings.data_dir
    return data_dir / "workspaces" / str(workspace_id) / "analytics.duckdb"


def _report_module() -> Any:
    try:
        return importlib.import_module("coulisses.kpi.report")
    except ModuleNotFoundError as exc:
        if exc.name not in ("coulisses.kpi.report", "coulisses.kpi"):
            raise
        return None


def report_state(request: Request, workspace_id: int) -> str:
    """``unavailable`` (no report module), ``empty`` (nothing imported) or ``ready``."""
    if _report_module() is None:
        return "unavailable"
    return "ready" if analytics_store(request, workspace_id).is_file() else "empty"


@router.get("/w/{workspace_id}/results", name="results_index")
def results_index(request: Request, workspace_id: int, db: Session = Depends(get_db),
                  member: Membership = Depends(require("results.view"))) -> Response:
    rows = list(db.scalars(select(Campaign).where(Campaign.workspace_id == workspace_id)
                           .order_by(Campaign.name)))
    return render(request, "results_index.html", {"campaigns": rows})


@router.get("/w/{workspace_id}/results/{campaign_id}", name="results_show")
def results_show(request: Request, workspace_id: int, campaign_id: int,
                 db: Session = Depends(get_db),
                 member: Membership = Depends(require("results.view"))) -> Response:
    row = campaign_in(db, workspace_id, campaign_id)
    return render(request, "results_show.html", {
        "campaign": row, "state": report_state(request, workspace_id)})


@router.get("/w/{workspace_id}/results/{campaign_id}/report", name="results_report")
def results_report(request: Request, workspace_id: int, campaign_id: int,
                   db: Session = Depends(get_db),
                   member: Membership = Depends(require("results.view"))) -> Response:
    from coulisses.web.kpi_view import report_html

    row = campaign_in(db, workspace_id, campaign_id)
    html = report_html(_report_module(), analytics_store(request, workspace_id), row,
                       request.app.state.settings, _lang(request))
    return HTMLResponse(html, headers={"Content-Security-Policy": REPORT_CSP})
