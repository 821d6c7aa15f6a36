"""``coulisses demo``: sample rushes cut to four platforms, and the plan of the packaged French
casting-series example written beside them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from icalendar import Calendar

from clirun import run_cli
from coulisses.campaign.outputs import FILES
from coulisses.campaign.template import example_text
from coulisses.cli.demo import print_plan
from coulisses.demo import DEMO_CAMPAIGN, write_example_plan
from coulisses.i18n import MESSAGES, text
from coulisses.platforms.registry import Registry


def _check_plan(folder: Path) -> None:
    """The plan folder is whole: every file, a PDF, a calendar a standard parser reads back."""
    plan = folder / "plan"
    assert sorted(p.name for p in plan.iterdir()) == sorted(FILES)
    assert (plan / "capture.pdf").read_bytes().startswith(b"%PDF-")
    events = Calendar.from_ical((plan / "calendar.ics").read_bytes()).walk("VEVENT")
    data = json.loads((plan / "plan.json").read_text("utf-8"))
    assert len(events) == len(data["calendar"]) > 30
    publish = [e for e in events if str(e["CATEGORIES"].cats[0]) == "publish"]
    assert publish and all(e["DTSTART"].params.get("TZID") == "Europe/Paris" for e in publish)
    assert json.loads((plan / "health.json").read_text("utf-8"))["findings"] == []


def test_the_example_plan_is_written_beside_the_demo(tmp_path: Path) -> None:
    out = tmp_path / "coulisses-demo"
    planned = write_example_plan(out, Registry.load(), lang="fr")
    assert planned.campaign == out / f"{DEMO_CAMPAIGN}.yaml"
    assert planned.campaign.read_text("utf-8") == example_text(DEMO_CAMPAIGN)
    assert planned.files.folder == out / "plan"
    _check_plan(out)
    assert "Liste de captation BTS" in (out / "plan" / "capture.html").read_text("utf-8")
    # running the demo again replaces the plan whole, with no work folder left behind
    again = write_example_plan(out, Registry.load())
    assert sorted(p.name for p in out.iterdir()) == [f"{DEMO_CAMPAIGN}.yaml", "plan"]
    assert again.files.files == planned.files.files


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_it_says_where_each_plan_file_is(tmp_path: Path, lang: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    planned = write_example_plan(tmp_path, Registry.load(), lang=lang)
    capsys.readouterr()
    print_plan(planned, lang)
    out = capsys.readouterr().out
    for name in ("capture.pdf", "deliverables.html", "calendar.ics", "health.html"):
        assert str(tmp_path / "plan" / name) in out
    for label in text(lang, "demo_plan_files").split("|"):
        assert f"  {label}: " in out
    assert f"coulisses plan {planned.campaign} --out {tmp_path / 'plan'}" in out


def test_progress_stages_are_worded_in_both_languages() -> None:
    for stage in ("writing plan", "analysing"):
        assert stage in MESSAGES["en"] and stage in MESSAGES["fr"]
        assert text("fr", stage) != text("en", stage)


@pytest.mark.slow
def test_demo_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo"
    run = run_cli(capsys, "demo", "--out", out, "--preset", "draft")
    assert run.rc == 0, run.err
    assert "Traceback" not in run.err
    assert len(list((out / "cuts").glob("bts-day1.*.mp4"))) == 4
    _check_plan(out)
    assert str(out / "plan" / "calendar.ics") in run.out
