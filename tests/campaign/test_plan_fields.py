"""The plan's own fields in the campaign file: time zone, publish times, due dates, wrap times
and statuses, each seen in the files a crew works from, and each refused at its line when wrong.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from campaignworld import line_of
from icalendar import Calendar
from planworld import CAMPAIGN_YAML, load_world, pdf_text, write_campaign

from clirun import error_line, run_cli
from coulisses.campaign import calendar, capture, deliverables
from coulisses.errors import CampaignError

STAMP = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")

# The plan world, in Paris, with a usual TikTok time, one deliverable at its own time, an
# explicit due date, a wrap time and statuses.
TIMED = (CAMPAIGN_YAML
         .replace("language: fr\n", "language: fr\ntimezone: Europe/Paris\n")
         .replace("  - platform: tiktok\n    tone: rapide et drôle\n",
                  "  - platform: tiktok\n    tone: rapide et drôle\n    publish_time: \"19:00\"\n")
         .replace("publish: 2026-06-13}", "publish: 2026-06-13, publish_time: \"12:15\", "
                                          "due: 2026-06-05, status: in-review}")
         .replace('call: "08:30",', 'call: "08:30", wrap: "19:45",'))


def _events(data: bytes) -> dict[str, object]:
    return {str(e["UID"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


def test_the_world_uses_every_new_field() -> None:
    for key in ("timezone: Europe/Paris", 'publish_time: "19:00"', 'publish_time: "12:15"',
                "due: 2026-06-05", "status: in-review", 'wrap: "19:45"'):
        assert key in TIMED, key


def test_publish_times_are_timed_events_in_the_campaign_zone(tmp_path: Path) -> None:
    _, _, plan = load_world(tmp_path, TIMED)
    assert plan.timezone == "Europe/Paris"
    events = _events(calendar.to_ics(plan, stamp=STAMP))
    parsed = Calendar.from_ical(calendar.to_ics(plan, stamp=STAMP))
    assert [str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")] == ["Europe/Paris"]
    # the platform's usual time, and the deliverable's own time (on TikTok, and on Reels,
    # which has no usual time)
    def start(asset: str) -> object:
        return events[f"publish-{asset}.atelier-ete@coulisses"]["DTSTART"].dt  # type: ignore[index]

    usual = start("ep-1-tiktok")
    assert usual == datetime(2026, 6, 10, 19, 0, tzinfo=PARIS)
    assert usual.astimezone(UTC) == datetime(2026, 6, 10, 17, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    assert start("installation-tiktok") == datetime(2026, 6, 13, 12, 15, tzinfo=PARIS)
    assert start("installation-reels") == datetime(2026, 6, 12, 18, 30, tzinfo=PARIS)
    # without a time, a publication is a whole day
    _, _, default = load_world(tmp_path, CAMPAIGN_YAML)
    whole = _events(calendar.to_ics(default, stamp=STAMP))[
        "publish-fou-rire-tiktok.atelier-ete@coulisses"]["DTSTART"].dt  # type: ignore[index]
    assert whole == date(2026, 6, 20) and not isinstance(whole, datetime)
    rows = {r["uid"]: r for r in csv.DictReader(io.StringIO(calendar.to_csv(plan)))}
    row = rows["publish-ep-1-tiktok.atelier-ete@coulisses"]
    assert (row["start"], row["all_day"], row["timezone"]) == (
        "2026-06-10T19:00:00", "no", "Europe/Paris")


def test_due_dates_and_statuses_are_in_the_matrix(tmp_path: Path) -> None:
    _, _, plan = load_world(tmp_path, TIMED)
    rows = {r["asset"]: r for r in csv.DictReader(io.StringIO(deliverables.to_csv(plan)))}
    own = rows["installation-tiktok"]
    assert (own["due"], own["publish"], own["status"], own["timezone"]) == (
        "2026-06-05", "2026-06-13T12:15", "in-review", "Europe/Paris")
    assert rows["ep-1-tiktok"]["due"] == "2026-06-08"  # the default: 2 days before
    assert rows["fou-rire-tiktok"]["status"] == "planned"  # the default status
    html = deliverables.to_html(plan, "fr")
    assert "en relecture" in html and "2026-06-13 12:15" in html and "Europe/Paris" in html
    assert "À livrer le 2026-06-05" in html
    events = _events(calendar.to_ics(plan, stamp=STAMP))
    due = events["due-installation-tiktok.atelier-ete@coulisses"]["DTSTART"].dt  # type: ignore[index]
    assert due == date(2026, 6, 5)


def test_wrap_time_is_on_the_sheet_and_ends_the_shoot_event(tmp_path: Path) -> None:
    _, _, plan = load_world(tmp_path, TIMED)
    first = plan.sheets[0]
    assert (first.call_time, first.wrap_time) == (time(8, 30), time(19, 45))
    assert "08:30 → 19:45 (Europe/Paris)" in capture.to_html(plan, "en")
    doc = capture.pdf_document(plan, "en", STAMP)
    pages = ["".join(p.split()) for p in pdf_text(doc)]
    capture.close_fonts(doc)
    assert "08:30→19:45(Europe/Paris)" in pages[0]
    shoot = _events(calendar.to_ics(plan, stamp=STAMP))["shoot-jour-1.atelier-ete@coulisses"]
    assert shoot["DTEND"].dt == datetime(2026, 6, 2, 19, 45, tzinfo=PARIS)  # type: ignore[index]
    # without a wrap time, a day still lasts 10 hours from its call
    _, _, default = load_world(tmp_path, CAMPAIGN_YAML)
    end = _events(calendar.to_ics(default, stamp=STAMP))["shoot-jour-1.atelier-ete@coulisses"]
    assert end["DTEND"].dt == datetime(2026, 6, 2, 18, 30, tzinfo=UTC)  # type: ignore[index]


def test_cli_plan_writes_them_all(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_campaign(tmp_path, TIMED)
    out = tmp_path / "plan"
    run = run_cli(capsys, "plan", path, "--out", out)
    assert run.rc == 0, run.err
    events = _events((out / "calendar.ics").read_bytes())
    start = events["publish-ep-1-tiktok.atelier-ete@coulisses"]["DTSTART"]  # type: ignore[index]
    assert start.params["TZID"] == "Europe/Paris" and start.dt.hour == 19
    assert "in-review" in (out / "deliverables.csv").read_text("utf-8")


@pytest.mark.parametrize(("before", "after", "needle", "words"), [
    ("language: fr\n", "language: fr\ntimezone: Europe/Pariss\n", "timezone:",
     ["'Europe/Pariss' is not a time zone", "did you mean 'Europe/Paris'?"]),
    ("language: fr\n", "language: fr\ntimezone: europe/paris\n", "timezone:",
     ["did you mean 'Europe/Paris'?"]),
    ("language: fr\n", "language: fr\ntimezone: ../../etc/passwd\n", "timezone:",
     ["is not a time zone", "IANA"]),
    ('call: "08:30",', 'call: "08:30", wrap: "07:00",', "wrap:",
     ["wrap 07:00 is not after the call time 08:30"]),
    ("publish: 2026-06-13}", "publish: 2026-06-13, due: 2026-06-14}", "due:",
     ["due on 2026-06-14, after its publication on 2026-06-13"]),
    ("publish: 2026-06-13}", "publish: 2026-06-13, status: done}", "status: done",
     ["'done' is not one of", "planned"]),
    ("publish: 2026-06-13}", "publish: 2026-06-13, publish_time: \"25:00\"}", "25:00",
     ["'25:00' is not a time of day", "HH:MM"]),
])
def test_a_wrong_value_is_refused_at_its_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], before: str, after: str,
        needle: str, words: list[str]) -> None:
    text = CAMPAIGN_YAML.replace(before, after, 1)
    assert text != CAMPAIGN_YAML
    path = write_campaign(tmp_path, text)
    run = run_cli(capsys, "campaign", "validate", path)
    assert run.rc == 3
    first = run.out.splitlines()[0]
    assert first.startswith(f"{path}:{line_of(text, needle)}:"), first
    for word in words:
        assert word in first, (word, first)
    error_line(run)
    # `plan` refuses it the same way and writes nothing
    assert run_cli(capsys, "plan", path, "--out", tmp_path / "plan").rc == 3
    assert not (tmp_path / "plan").exists()


def test_a_publish_time_needs_a_date(tmp_path: Path) -> None:
    text = CAMPAIGN_YAML.replace(
        "  - id: revelation\n", "  - id: revelation\n    deliverables:\n"
        "      - {id: rev-tt, platform: tiktok, format: episode, duration_s: 20, "
        "publish_time: \"18:00\"}\n", 1)
    with pytest.raises(CampaignError, match="a publish time needs a publish date") as info:
        load_world(tmp_path, text)
    assert info.value.line == line_of(text, "publish_time", after="id: revelation")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_starter_files_show_the_new_fields(lang: str) -> None:
    from coulisses.campaign.load import loads_campaign
    from coulisses.campaign.plan import plan_campaign
    from coulisses.campaign.template import starter_text
    from coulisses.platforms.registry import Registry

    campaign = loads_campaign(starter_text(lang), f"starter.{lang}.yaml")
    assert campaign.timezone == "Europe/Paris"
    assert [d.wrap for d in campaign.shoot_days] == ["18:30"]
    plan = plan_campaign(campaign, Registry.load(), lang)
    statuses = {d.id: (d.status, d.due) for d in plan.deliverables}
    assert ("in-edit", date(2026, 4, 6)) in statuses.values()
    timed = [d for d in plan.deliverables if isinstance(d.publish, datetime)]
    assert timed and all(d.platform == "tiktok" and d.publish.hour == 18  # type: ignore[union-attr]
                         for d in timed)
