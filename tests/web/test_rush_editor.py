"""The rush page as an editor's tool: the transcript in paragraphs with time codes and speakers
(words seek), a timeline with a ruler and labelled lanes, in and out points shown as the cut
page shows times (mm:ss.ff) and typed in any time code, captions and reframing on by default
for vertical platforms."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from studio_media import token, upload

from coulisses.studio.tables import CutVersion, Rush
from coulisses.web import rush_view


def _analysis() -> dict[str, Any]:
    """Two people: face 7 speaks 0.2-1.4 s, face 3 speaks 1.6-2.8 s (one segment each)."""
    words = [{"text": " Bonjour", "start": 0.2, "end": 0.6, "confidence": 0.9},
             {"text": " à", "start": 0.7, "end": 0.8, "confidence": 0.9},
             {"text": " tous", "start": 0.9, "end": 1.4, "confidence": 0.9},
             {"text": " Merci", "start": 1.6, "end": 2.0, "confidence": 0.9},
             {"text": " beaucoup", "start": 2.1, "end": 2.8, "confidence": 0.9}]
    return {
        "duration": 3.0, "words": words, "language": "fr",
        "shots": [{"start": 0.0, "end": 1.5, "transition": "start"},
                  {"start": 1.5, "end": 3.0, "transition": "cut"}],
        "transcript": {"language": "fr", "segments": [
            {"start": 0.2, "end": 1.4, "text": "Bonjour à tous"},
            {"start": 1.6, "end": 2.8, "text": "Merci beaucoup"}]},
        "faces": [{"id": 7, "boxes": [{"t": 0.0, "x": 0, "y": 0, "w": 1, "h": 1, "score": 1}],
                   "speaking": [{"start": 0.2, "end": 1.4}]},
                  {"id": 3, "boxes": [{"t": 1.5, "x": 0, "y": 0, "w": 1, "h": 1, "score": 1},
                                      {"t": 2.9, "x": 0, "y": 0, "w": 1, "h": 1, "score": 1}],
                   "speaking": [{"start": 1.6, "end": 2.8}]}],
    }


def test_paragraphs_follow_segments_and_take_the_speaking_face() -> None:
    paras = rush_view.paragraphs(_analysis())
    assert [(p.start, p.end, p.speaker) for p in paras] == [(0.2, 1.4, 1), (1.6, 2.8, 2)]
    assert [w["text"].strip() for w in paras[1].words] == ["Merci", "beaucoup"]
    assert paras[1].clock == "00:01.60"  # as the cut page shows times
    no_segments = _analysis() | {"transcript": None, "faces": None}
    # without segments, only a pause of GAP_S starts a paragraph (0.2 s here is none)
    assert [(p.start, p.speaker, len(p.words))
            for p in rush_view.paragraphs(no_segments)] == [(0.2, None, 5)]
    assert rush_view.paragraphs({}) == []


def test_the_ruler_has_round_steps_and_the_lanes_fit_the_duration() -> None:
    assert [label for _, label in rush_view.ruler(3.0)] == ["0:00", "0:01", "0:02", "0:03"]
    assert [label for _, label in rush_view.ruler(95)][:3] == ["0:00", "0:10", "0:20"]
    assert rush_view.ruler(4000)[1] == (600.0, "10:00")
    lanes = rush_view.lanes(_analysis(), [{"start": 1.0, "end": 2.0, "reason": "rire"}], 3.0)
    assert len(lanes.shots) == 2 and len(lanes.speech) == 2 and len(lanes.faces) == 2
    assert lanes.x(0) == rush_view.X0 and lanes.x(3.0) == rush_view.X0 + rush_view.WIDTH
    assert lanes.x(99) == lanes.x(3.0)  # past the end stays on the timeline
    assert lanes.moments[0].label == "rire"


def test_the_rush_page_reads_like_an_editor_s_tool(
        client: TestClient, app: FastAPI, make_user: Any, login: Any,
        landscape_clip: Path) -> None:
    me = make_user("ed@example.org", role="editor")
    login(client, me.email)
    rush = upload(client, me.workspace_id, landscape_clip)
    with app.state.sessions() as db:
        row = db.get(Rush, rush["rush_id"])
        row.analysis, row.status = json.dumps(_analysis()), "analysed"
        row.moments = json.dumps([{"start": 0.5, "end": 2.5, "score": 1, "kind": "bts",
                                   "reason": "rire", "text": ""}])
        db.commit()
    page = client.get(rush["url"]).text
    assert "00:00.20 · Speaker 1" in page and "00:01.60 · Speaker 2" in page
    assert re.search(r'<button type="button" class="word" data-seek="1.6" data-end="2.0"', page)
    for label in ("Shots", "Speech", "Faces", "Moments"):
        assert re.search(f'<text class="lane-label" [^>]*>{label}</text>', page), label
    assert ">0:02</text>" in page  # the ruler
    assert 'value="00:00.50"' in page and 'value="00:02.50"' in page  # best moment
    assert 'aria-label="Play from 00:01.60: Merci"' in page
    assert 'id="set-in" aria-keyshortcuts="I"' in page
    # TikTok is ticked and vertical: captions and reframing start ticked
    assert re.search(r'id="cut-captions"[^>]*checked', page)
    assert re.search(r'id="cut-reframe"[^>]*checked', page)
    assert re.search(r'id="pf-linkedin"[^>]*>', page) and "data-vertical" in \
        re.search(r'id="pf-tiktok"[^>]*>', page).group(0)
    assert "data-vertical" not in re.search(r'id="pf-youtube"[^>]*>', page).group(0)
    fr = client.get(rush["url"] + "?lang=fr").text
    assert "00:01.60 · Locuteur 2" in fr and ">Visages</text>" in fr
    # in and out typed as time codes reach the render as seconds
    r = client.post(f"/w/{me.workspace_id}/cuts", data={
        "csrf_token": token(client), "rush_id": str(rush["rush_id"]), "title": "Merci",
        "platforms": ["tiktok"], "preset": "draft", "start": "0:00:01.600",
        "end": "00:02.80", "nonce": "tc"})
    assert r.status_code == 303
    with app.state.sessions() as db:
        version = db.query(CutVersion).one()
        assert (version.start, version.end) == (1.6, 2.8)
    bad = client.post(f"/w/{me.workspace_id}/cuts", data={
        "csrf_token": token(client), "rush_id": str(rush["rush_id"]), "title": "x",
        "platforms": ["tiktok"], "start": "1:75:00", "nonce": "bad"})
    # the page is French since ?lang=fr above: the field is named in French too
    assert bad.status_code == 400 and "code temporel" in bad.text
    assert "début : &#39;1:75:00&#39;" in bad.text
