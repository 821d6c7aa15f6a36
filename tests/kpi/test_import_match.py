"""Posts matched to campaigns and variants by id, URL, caption and publish time."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from exports import Video, write_mapping, write_tiktok_content

from conftest import AS_OF
from coulisses.errors import CampaignError
from coulisses.kpi.match import KnownPost, load_known_posts


def test_each_rule(store: Any, tmp_path: Path, videos: list[Video]) -> None:
    extra = dataclasses.replace(videos[2], id="7301000000000000004", title="Untracked post",
                                published=datetime(2026, 10, 12, 8, 0))
    path = write_tiktok_content(tmp_path / "content.csv", [*videos, extra])
    known = [
        KnownPost(platform="tiktok", post_id=videos[0].id, campaign="spring", variant="bts-1",
                  kind="bts"),
        KnownPost(platform="tiktok", url=f"https://tiktok.com/@maison.coulisses/video/"
                  f"{videos[1].id}/?lang=fr", campaign="spring", variant="teaser"),
        KnownPost(platform="tiktok", caption="meet the makers,  episode 1!",
                  campaign="makers", variant="ep1", kind="bts"),
        KnownPost(platform="youtube", post_id=extra.id, campaign="wrong-platform"),
    ]
    result = store.import_file(path, as_of=AS_OF, known_posts=known)
    assert (result.posts, result.matched, result.unmatched) == (4, 3, 1)
    rows = store.con.execute("SELECT post_id, campaign, variant, kind, match_rule FROM posts "
                             "ORDER BY post_id").fetchall()
    assert rows == [(videos[0].id, "spring", "bts-1", "bts", "id"),
                    (videos[1].id, "spring", "teaser", "campaign", "url"),
                    (videos[2].id, "makers", "ep1", "bts", "caption"),
                    (extra.id, None, None, None, None)]
    assert [p.post_id for p in store.posts(unmatched=True)] == [extra.id]


def test_publish_time_within_a_window(store: Any, tmp_path: Path, videos: list[Video]) -> None:
    path = write_tiktok_content(tmp_path / "content.csv", videos[:1])
    known = [KnownPost(platform="tiktok", published_at=datetime(2026, 10, 3, 18, 10),
                       campaign="spring")]
    store.import_file(path, as_of=AS_OF, known_posts=known)
    assert store.con.execute("SELECT match_rule FROM posts").fetchone() == ("time",)


def test_known_posts_file_errors_are_located(tmp_path: Path) -> None:
    path = write_mapping(tmp_path / "known.yaml", {"version": 1, "posts": [
        {"platform": "tiktok", "post_id": 1, "campaign": "a"},
        {"platform": "tiktok", "campaign": "b", "variant": "x"}]})
    with pytest.raises(CampaignError) as caught:
        load_known_posts(path)
    assert caught.value.line == 6 and "at least one of" in caught.value.one_line()
