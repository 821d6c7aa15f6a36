"""The demo's backstage page: published in the data folder's studio database, served by the
studio at the address the demo prints, votable and commentable by a new visitor; a second run
reuses it."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from coulisses.backstage import challenge, votes
from coulisses.backstage.demo import publish_demo
from coulisses.campaign.template import example_text
from coulisses.media.ffmpeg import SubprocessRunner
from coulisses.settings import Settings


def test_the_demo_page_is_served_votable_and_commentable(
        tmp_path: Path, landscape_clip: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coulisses.web.app import create_app

    settings = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", lang="en")
    made = publish_demo(settings, landscape_clip, SubprocessRunner(),
                        campaign_source=example_text("casting-series-fr"),
                        cover_times=(0.5, 2.0))
    assert made.database == f"sqlite:///{settings.data_dir / 'studio.sqlite3'}"
    assert made.url.startswith("http://127.0.0.1:8000/b/") and made.held == 1
    again = publish_demo(settings, landscape_clip, SubprocessRunner(),
                         campaign_source=example_text("casting-series-fr"),
                         cover_times=(0.5, 2.0))
    assert again == made
    path = made.url.removeprefix("http://127.0.0.1:8000")
    monkeypatch.setattr(votes, "LIMITS", replace(votes.LIMITS, min_seconds=0.0))
    app = create_app(settings, start_worker=False)
    try:
        with TestClient(app, follow_redirects=False) as client:
            html = client.get(path).text
            assert "Which cover for episode 1?" in html
            assert "Thank you! The vote is open for two weeks." in html  # the team's reply
            assert "Can you show more" not in html  # held for moderation
            assert "Two extra casting interviews go out this week." in html  # the decision log
            images = re.findall(r'<img src="([^"]+)"', html)
            assert len(images) == 2
            for src in images:
                got = client.get(src)
                assert got.status_code == 200 and got.content[:2] == b"\xff\xd8"  # JPEG
            token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)  # type: ignore[union-attr]
            text = re.search(r'name="challenge" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
            option = re.search(r'name="option" value="(\d+)"', html).group(1)  # type: ignore[union-attr]
            vote = client.post(f"{path}/polls/{made.poll_id}/vote", data={
                "csrf_token": token, "option": option, "challenge": text,
                "solution": str(challenge.solve(text))})
            assert "m=counted" in vote.headers["location"]
            voted = client.get(vote.headers["location"]).text  # results, with the platform's
            assert "Instagram story: Red frame 42 · Blue frame 31" in voted
            sent = client.post(f"{path}/comments", data={"csrf_token": token,
                                                          "body": "Love it"})
            assert "m=comment_held" in sent.headers["location"]
    finally:
        app.state.engine.dispose()
