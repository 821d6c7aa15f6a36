"""``coulisses backstage build``: the published page as static files in both languages, its
media beside it, polls linking back to the studio; nothing half-written; one-line errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clirun import PREFIX, run_cli
from coulisses.backstage.demo import publish_demo
from coulisses.campaign.template import example_text
from coulisses.media.ffmpeg import SubprocessRunner
from coulisses.settings import Settings


@pytest.fixture
def demo_data(tmp_path: Path, landscape_clip: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("COULISSES_DATA_DIR", str(data))
    publish_demo(Settings(data_dir=data, cache_dir=tmp_path / "cache"), landscape_clip,
                 SubprocessRunner(), campaign_source=example_text("casting-series-fr"),
                 cover_times=(0.5, 2.0))
    return data


def test_the_page_exports_as_static_files(demo_data: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "site"
    run = run_cli(capsys, "backstage", "build", "1", "--out", out, "--studio-url",
                  "https://studio.example.org/")
    assert run.rc == 0, run.err
    assert run.out.split() == [str(out / "index.html"), str(out / "index.fr.html")]
    english = (out / "index.html").read_text("utf-8")
    french = (out / "index.fr.html").read_text("utf-8")
    assert "Which cover for episode 1?" in english and 'lang="fr"' in french
    assert re.search(r'href="https://studio\.example\.org/b/[\w-]{22}#poll-\d+"', english)
    images = re.findall(r'<img src="(media/\d+\.jpg)"', english)
    assert len(images) == 2
    assert all((out / src).read_bytes()[:2] == b"\xff\xd8" for src in images)
    assert (out / "backstage.css").is_file()
    assert "<script" not in english  # read-only: nothing runs
    assert sorted(p.name for p in out.iterdir()) == ["backstage.css", "index.fr.html",
                                                     "index.html", "media"]


def test_unknown_campaigns_and_bad_addresses_are_one_line(
        demo_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = run_cli(capsys, "backstage", "build", "99", "--out", tmp_path / "x")
    assert missing.rc == 8 and missing.err.startswith(PREFIX)
    assert "no campaign '99'" in missing.err and missing.err.count("\n") == 1
    bad = run_cli(capsys, "backstage", "build", "1", "--out", tmp_path / "y",
                  "--studio-url", "javascript:alert(1)")
    assert bad.rc == 2 and "not an http(s) address" in bad.err
