"""``plan_campaign`` and ``coulisses plan FILE``: the plan folder, written whole or not at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from icalendar import Calendar
from planworld import CAMPAIGN_YAML, load_world, write_campaign

from clirun import error_line, run_cli
from coulisses.campaign.load import load_campaign
from coulisses.campaign.outputs import FILES
from coulisses.campaign.plan import plan_campaign
from coulisses.platforms.registry import Registry, builtin_dir

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "src" / "coulisses" / "campaign" / "data"
                   / "examples").glob("*.yaml"))


def test_sheets_follow_shoot_days_and_people(tmp_path: Path) -> None:
    _, campaign, plan = load_world(tmp_path)
    assert [s.day for s in plan.sheets] == [d.id for d in campaign.shoot_days]
    first = plan.sheets[0]
    assert first.call_time is not None and first.call_time.isoformat() == "08:30:00"
    assert [p.id for p in first.people] == ["ana", "sam"]
    assert [i.id for i in first.items] == ["installation"]
    assert first.items[0].line == campaign.where(("bts", 0))[0]  # type: ignore[index]
    assert [i.id for i in plan.unscheduled] == ["revelation"]
    lou = plan.person("lou")
    assert lou is not None and lou.minor and not lou.cleared


def test_canvas_comes_from_the_registry_not_the_code(tmp_path: Path) -> None:
    _, campaign, _ = load_world(tmp_path)
    extra = tmp_path / "platforms"
    extra.mkdir()
    spec = yaml.safe_load((builtin_dir() / "tiktok.yaml").read_text("utf-8"))
    spec["canvas"].update(width=720, height=1280)
    spec["duration"]["max_seconds"] = 90
    (extra / "tiktok.yaml").write_text(yaml.safe_dump(spec), "utf-8")
    plan = plan_campaign(campaign, Registry.load([extra]))
    tiktok = plan.deliverable("ep-1-tiktok")
    assert (tiktok.width, tiktok.height, tiktok.max_seconds) == (720, 1280, 90)
    assert plan.deliverable("installation-reels").width == 1080


def test_cli_writes_every_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_campaign(tmp_path)
    out = tmp_path / "the plan"
    run = run_cli(capsys, "plan", path, "--out", out)
    assert run.rc == 0, run.err
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    assert "finding(s)" in run.out and str(out / "calendar.ics") in run.out
    health = json.loads((out / "health.json").read_text("utf-8"))
    sam = [f for f in health["findings"] if "'sam'" in f["message"]]
    assert sam and all(isinstance(f["line"], int) for f in health["findings"])
    assert f"<td>{sam[0]['line']}</td>" in (out / "health.html").read_text("utf-8")
    assert Calendar.from_ical((out / "calendar.ics").read_bytes()).walk("VEVENT")
    plan = json.loads((out / "plan.json").read_text("utf-8"))
    assert plan["campaign"] == "atelier-ete"


def test_default_folder_is_beside_the_file(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = write_campaign(tmp_path)
    assert run_cli(capsys, "plan", "write", path).rc == 0
    assert (tmp_path / "atelier-plan" / "capture.pdf").is_file()


def test_bad_campaign_is_one_line_and_keeps_the_old_plan(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_campaign(tmp_path)
    out = tmp_path / "plan"
    assert run_cli(capsys, "plan", path, "--out", out).rc == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    write_campaign(tmp_path, CAMPAIGN_YAML.replace("kind: laughter", "kind: giggles"))
    run = run_cli(capsys, "plan", path, "--out", out)
    assert run.rc == 3
    line = error_line(run)
    assert "atelier.yaml:" in line and "giggles" in line
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_missing_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "plan", tmp_path / "nope.yaml")
    assert run.rc != 0 and "nope.yaml" in error_line(run)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_plan(example: Path, tmp_path: Path) -> None:
    campaign = load_campaign(example)
    plan = plan_campaign(campaign, Registry.load())
    assert len(plan.deliverables) == len(campaign.deliverables())
    from coulisses.campaign.outputs import write_plan

    files = write_plan(plan, tmp_path / "plan")
    assert all(p.stat().st_size > 0 for p in files.files)
    # the calendar imports cleanly: every event back, timed ones in the campaign's zone
    events = Calendar.from_ical(files["calendar.ics"].read_bytes()).walk("VEVENT")
    assert len(events) == len(plan.calendar)
    timed = [e["DTSTART"] for e in events if "TZID" in e["DTSTART"].params]
    assert timed and {t.params["TZID"] for t in timed} == {campaign.timezone}
    assert any(str(e["CATEGORIES"].cats[0]) == "publish" for e in events
               if "TZID" in e["DTSTART"].params)
