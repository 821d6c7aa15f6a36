"""From plan to footage: tags per shoot day and beat, moments matched to planned BTS items."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from planworld import load_world, write_campaign

from clirun import error_line, run_cli
from coulisses.analysis.model import Moment
from coulisses.campaign import coverage as cov


def _moment(start: float, **scores: float) -> Moment:
    return Moment(start=start, end=start + 5, score=max(scores.values(), default=0.0),
                  kind="bts", reason="bts: test", scores=scores, text="")


def _tag(path: str, day: str, beat: str = "") -> cov.Tag:
    return cov.Tag(fingerprint=path, path=path, day=day, beat=beat)


def test_moments_match_items_by_day_and_kind(tmp_path: Path) -> None:
    _, _, plan = load_world(tmp_path)
    rushes = [
        cov.Rush(_tag("/r/a.mp4", "jour-1"), (_moment(0, preparation=0.5),
                                              _moment(10, laughter=0.9))),
        # laughter is planned on jour-2, but this rush was shot on jour-1: it does not count
    ]
    report = cov.coverage(plan, rushes)
    day1, day2 = report.days
    assert [m.item for m in day1.captured] == ["installation"]
    assert day1.captured[0].start == 0 and day1.captured[0].why == "preparation cues"
    assert [m.start for m in day1.extra] == [10]  # strong, but not planned that day
    assert [i.id for i in day2.missing] == ["fou-rire"] and day2.share == 0.0
    data = report.to_json()
    assert data["days"][1]["missing"][0]["line"] == plan.sheets[1].items[0].line


def test_beat_tags_narrow_the_match(tmp_path: Path) -> None:
    _, _, plan = load_world(tmp_path)
    laughing = (_moment(3, laughter=0.8),)
    wrong_beat = cov.coverage(plan, [cov.Rush(_tag("/r/b.mp4", "jour-2", "arrivee"),
                                              laughing)])
    assert wrong_beat.days[1].missing
    right_beat = cov.coverage(plan, [cov.Rush(_tag("/r/b.mp4", "jour-2", "final"), laughing)])
    assert [m.item for m in right_beat.days[1].captured] == ["fou-rire"]


def test_text_similarity_can_match_when_cues_do_not(tmp_path: Path) -> None:
    _, _, plan = load_world(tmp_path)
    said = Moment(start=1, end=4, score=0.3, kind="bts", reason="", scores={"laughter": 0.0},
                  text="on rit entre deux prises")

    def similarity(item: str, texts: list[str]) -> list[float]:
        # word overlap, a stand-in for sentence embeddings that is fully predictable here
        words = set(item.lower().split())
        return [len(words & set(t.split())) / max(1, len(set(t.split()))) for t in texts]

    report = cov.coverage(plan, [cov.Rush(_tag("/r/c.mp4", "jour-2"), (said,))], similarity)
    assert report.days[1].captured[0].why == "text close to the plan"
    html = cov.to_html(report, "en")
    assert "Coverage" in html and "c.mp4" in html and "width: 100.0%" in html


def test_tag_and_coverage_commands(tmp_path: Path, landscape_clip: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = write_campaign(tmp_path)
    out = tmp_path / "plan"
    run = run_cli(capsys, "plan", "tag", landscape_clip, "--campaign", path, "--day", "jour-1",
                  "--beat", "arrivee", "--out", out)
    assert run.rc == 0, run.err
    tags = json.loads((out / cov.TAGS_FILE).read_text("utf-8"))
    (entry,) = tags["rushes"].values()
    assert entry["day"] == "jour-1" and entry["beat"] == "arrivee"
    assert entry["path"] == str(landscape_clip.resolve())

    bad = run_cli(capsys, "plan", "tag", landscape_clip, "--campaign", path, "--day", "jour-9",
                  "--out", out)
    assert bad.rc == 2 and "jour-9" in error_line(bad) and "jour-1" in error_line(bad)
    assert json.loads((out / cov.TAGS_FILE).read_text("utf-8")) == tags  # nothing lost

    run = run_cli(capsys, "plan", "coverage", path, "--out", out, "--tags-only", "--rushes",
                  landscape_clip.parent)
    assert run.rc == 0, run.err
    report = json.loads((out / "coverage.json").read_text("utf-8"))
    assert report["days"][0]["rushes"] == [str(landscape_clip.resolve())]
    assert [m["item"] for m in report["days"][0]["missing"]] == ["installation"]
    assert str(landscape_clip.resolve()) not in report["untagged"]
    assert (out / "coverage.html").is_file()
