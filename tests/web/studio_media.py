"""Helpers of the media tests (plain functions, no pytest): upload a clip through the resumable
API, run queued jobs the way the server's worker does, render a cut and read a form's nonce."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient


def token(client: TestClient) -> str:
    """The CSRF token of this browser (from a page's meta tag)."""
    page = client.get("/account")
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert match, page.text[:300]
    return match.group(1)


def headers(client: TestClient, **extra: str) -> dict[str, str]:
    return {"X-CSRF-Token": token(client), "Accept": "application/json", **extra}


def upload(client: TestClient, workspace_id: int, path: Path, name: str | None = None,
           chunk: int = 64 * 1024) -> dict[str, Any]:
    """Send ``path`` in chunks and finish; the finish response's JSON."""
    data = path.read_bytes()
    h = headers(client)
    created = client.post(f"/api/w/{workspace_id}/uploads", headers=h,
                          json={"name": name or path.name, "size": len(data)})
    assert created.status_code == 201, created.text
    url = created.json()["url"]
    for start in range(0, len(data), chunk):
        r = client.patch(url, content=data[start:start + chunk],
                         headers=h | {"Upload-Offset": str(start),
                                      "Content-Type": "application/offset+octet-stream"})
        assert r.status_code == 204, r.text
    done = client.post(url + "/finish", headers=h)
    assert done.status_code == 201, done.text
    result: dict[str, Any] = done.json()
    return result


def run_jobs(app: FastAPI) -> list[int]:
    """Run every queued job to the end, as the server's worker thread would."""
    from coulisses.studio.jobs.worker import Worker

    return Worker(app.state.sessions, app.state.settings).run_until_empty()


def nonce(page: str) -> str:
    match = re.search(r'name="nonce" value="([^"]+)"', page)
    assert match, "the form has no nonce"
    return match.group(1)


def render_cut(client: TestClient, workspace_id: int, rush_id: int, **fields: Any) -> Any:
    """POST the render form (draft, TikTok by default); the response."""
    data = {"csrf_token": token(client), "rush_id": str(rush_id), "title": "Teaser",
            "platforms": ["tiktok"], "preset": "draft", "trim": "1", "extend": "1",
            "nonce": "n1"} | fields
    return client.post(f"/w/{workspace_id}/cuts", data=data)
