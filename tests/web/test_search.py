"""Search across a workspace's rushes: words found with accents and case folded, other
workspaces' rushes never returned."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from studio_media import upload

from coulisses.studio.tables import Rush


def _give_transcript(app: FastAPI, rush_id: int, sentences: list[tuple[float, str]]) -> None:
    """Store an analysis whose transcript has these segments (as the analyze job writes it)."""
    segments = [{"start": s, "end": s + 1.5, "text": text} for s, text in sentences]
    analysis = {"fingerprint": "f", "path": "x.mp4", "duration": 3.0, "width": 320,
                "height": 180, "fps": 30.0,
                "transcript": {"language": "fr", "language_probability": 1.0, "words": [],
                               "segments": segments, "model": "test"}}
    with app.state.sessions() as db:
        rush = db.get(Rush, rush_id)
        assert rush is not None
        rush.analysis = json.dumps(analysis)
        rush.transcript_text = " ".join(t for _, t in sentences)
        rush.status = "analysed"
        db.commit()


def test_search_finds_folded_words_in_this_workspace_only(
        client: TestClient, other_client: TestClient, app: FastAPI, make_user: Any,
        login: Any, landscape_clip: Path) -> None:
    me = make_user("me@example.org", workspace="Mine")
    them = make_user("them@example.org", workspace="Theirs")
    login(client, me.email)
    login(other_client, them.email)
    mine = upload(client, me.workspace_id, landscape_clip, name="atelier.mp4")
    theirs = upload(other_client, them.workspace_id, landscape_clip, name="secret.mp4")
    _give_transcript(app, mine["rush_id"], [(0.5, "On répète la scène du café"),
                                            (2.0, "Le décor est prêt")])
    _give_transcript(app, theirs["rush_id"], [(0.0, "Le café secret du concurrent")])
    hits = client.get(f"/api/w/{me.workspace_id}/search", params={"q": "CAFE"}).json()
    assert [(h["name"], h["start"]) for h in hits] == [("atelier.mp4", 0.5)]
    page = client.get(f"/w/{me.workspace_id}/search", params={"q": "décor"})
    assert "Le décor est prêt" in page.text and "secret" not in page.text
    assert client.get(f"/api/w/{me.workspace_id}/search", params={"q": "   "}).json() == []
    none = client.get(f"/w/{me.workspace_id}/search", params={"q": "licorne"})
    assert "Nothing found" in none.text
    assert client.get(f"/api/w/{them.workspace_id}/search",
                      params={"q": "café"}).status_code == 404
