"""Results: an honest empty state, then the KPI report of the workspace's own store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from coulisses.studio.tables import Campaign

SOURCE = "version: 1\nid: nope\nname: Été\n"  # invalid on purpose: results still show


def _campaign(app: FastAPI, workspace_id: int) -> int:
    with app.state.sessions() as db:
        row = Campaign(workspace_id=workspace_id, name="Été 🎬", filename="ete.yaml",
                       source=SOURCE)
        db.add(row)
        db.commit()
        return row.id


def test_no_analytics_yet_says_so(client: TestClient, app: FastAPI, make_user: Any,
                                  login: Any) -> None:
    made = make_user("ana@example.org")
    login(client, made.email)
    cid = _campaign(app, made.workspace_id)
    listing = client.get(f"/w/{made.workspace_id}/results")
    assert f"/w/{made.workspace_id}/results/{cid}" in listing.text
    page = client.get(f"/w/{made.workspace_id}/results/{cid}")
    assert page.status_code == 200
    assert "No analytics imported yet" in page.text
    assert client.get(f"/w/{made.workspace_id}/results/{cid}/report").status_code == 404
    fr = client.get(f"/w/{made.workspace_id}/results/{cid}?lang=fr")
    assert "Aucune statistique importée" in fr.text


def test_report_from_the_workspace_store_in_a_sandboxed_frame(
        client: TestClient, app: FastAPI, make_user: Any, login: Any, settings: Any) -> None:
    from coulisses.kpi.store import open_store

    made = make_user("ana@example.org")
    other = make_user("bob@example.org", workspace="Other")
    login(client, made.email)
    cid = _campaign(app, made.workspace_id)
    store: Path = settings.data_dir / "workspaces" / str(made.workspace_id) / "analytics.duckdb"
    open_store(store).close()
    page = client.get(f"/w/{made.workspace_id}/results/{cid}")
    assert '<iframe class="report"' in page.text and 'sandbox=""' in page.text
    report = client.get(f"/w/{made.workspace_id}/results/{cid}/report")
    assert report.status_code == 200
    assert report.headers["content-security-policy"].startswith("default-src 'none'")
    assert "<html" in report.text.lower()
    assert "<script" not in report.text.lower()
    # the other workspace has no store of its own: its results stay empty
    client.cookies.clear()
    login(client, other.email)
    other_cid = _campaign(app, other.workspace_id)
    assert "No analytics imported yet" in client.get(
        f"/w/{other.workspace_id}/results/{other_cid}").text
