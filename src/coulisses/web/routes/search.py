"""Search across the workspace's analysed rushes: spoken passages by words, accents and case
folded (``coulisses.analysis.search``)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.studio.tables import Membership, Rush
from coulisses.web.deps import SessionDep, render, require
from coulisses.web.i18n_web import timecode

router = APIRouter()
MAX_QUERY = 300


def find(db: Session, workspace_id: int, query: str, limit: int = 30) -> list[dict[str, Any]]:
    """Passages of this workspace's rushes closest to ``query``, best first."""
    from coulisses.analysis.model import analysis_from_json
    from coulisses.analysis.search import search

    query = query.strip()[:MAX_QUERY]
    if not query:
        return []
    rows = list(db.scalars(select(Rush).where(Rush.workspace_id == workspace_id,
                                              Rush.status == "analysed", Rush.deleted_at.is_(None),
                                              Rush.transcript_text != "")))
    by_path: dict[str, Rush] = {}
    analyses = []
    for rush in rows:
        data = json.loads(rush.analysis)
        key = f"rush:{rush.id}"  # the analysis path is the rush's file; the key is its id
        data["path"] = key
        analyses.append(analysis_from_json(data))
        by_path[key] = rush
    # by words: meaning search would load a sentence model into every server process
    hits = search(query, analyses, None, limit=limit)
    return [{"rush_id": by_path[h.path].id, "name": by_path[h.path].name, "start": h.start,
             "end": h.end, "text": h.text, "score": h.score,
             "url": f"/w/{workspace_id}/rushes/{by_path[h.path].id}#t={h.start:.2f}"}
            for h in hits]


@router.get("/w/{workspace_id}/search", name="search_page")
def search_page(request: Request, workspace_id: int, *, q: str = "",
                db: SessionDep,
                member: Membership = Depends(require("rush.view"))) -> Response:
    return render(request, "rushes_search.html", {
        "q": q[:MAX_QUERY], "hits": find(db, workspace_id, q), "timecode": timecode})


@router.get("/api/w/{workspace_id}/search", name="api_search")
def api_search(workspace_id: int, *, q: str = "", db: SessionDep,
               member: Membership = Depends(require("rush.view"))) -> list[dict[str, Any]]:
    return find(db, workspace_id, q)
