"""The editorial calendar: ICS that a standard parser reads back event for event, and CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from planworld import load_world

from coulisses.campaign import calendar
from coulisses.campaign.plan import Plan
from coulisses.errors import UsageError

STAMP = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def _events(data: bytes) -> dict[str, object]:
    parsed = Calendar.from_ical(data)
    return {str(e["UID"]): e for e in parsed.walk("VEVENT")}


def test_every_event_reads_back(tmp_path: Path) -> None:
    _, _, plan = load_world(tmp_path)
    events = _events(calendar.to_ics(plan, stamp=STAMP))
    assert set(events) == {e.uid for e in plan.calendar}
    for entry in plan.calendar:
        event = events[entry.uid]
        assert str(event["SUMMARY"]) == entry.title  # type: ignore[index]
        assert str(event.get("DESCRIPTION", "")) == entry.description  # type: ignore[attr-defined]
        assert event["DTSTAMP"].dt == STAMP  # type: ignore[index]
        start = event["DTSTART"].dt  # type: ignore[index]
        if entry.all_day:
            assert start == entry.start and not isinstance(start, datetime)
        else:
            assert start == entry.start.replace(tzinfo=UTC)  # type: ignore[call-arg]
    captions = [e for e in plan.calendar if e.kind == "publish" and "«" in e.description]
    assert captions, "the world has a caption with ; and « » to escape"


def test_lines_are_crlf_and_folded_at_75_octets(tmp_path: Path) -> None:
    _, _, plan = load_world(tmp_path)
    data = calendar.to_ics(plan, stamp=STAMP)
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert b"\\;" in data  # the caption's semicolon is escaped


def test_uids_are_stable_so_reimporting_updates(tmp_path: Path) -> None:
    _, _, plan = load_world(tmp_path)
    first = _events(calendar.to_ics(plan, stamp=STAMP))
    again = _events(calendar.to_ics(plan, stamp=datetime(2026, 5, 2, tzinfo=UTC)))
    assert set(first) == set(again)
    assert len(set(first)) == len(plan.calendar)


def test_timed_events_carry_the_campaign_zone(tmp_path: Path) -> None:
    _, _, plan = load_world(tmp_path)
    paris = Plan(**{**plan.__dict__, "timezone": "Europe/Paris"})
    data = calendar.to_ics(paris, stamp=STAMP)
    parsed = Calendar.from_ical(data)
    assert [str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")] == ["Europe/Paris"]
    shoot = next(e for e in parsed.walk("VEVENT") if str(e["CATEGORIES"].cats[0]) == "shoot"
                 and isinstance(e["DTSTART"].dt, datetime))
    assert shoot["DTSTART"].dt == datetime(2026, 6, 2, 8, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert shoot["DTSTART"].dt.utcoffset().total_seconds() == 7200  # summer time


def test_unknown_zone_is_a_clear_error(tmp_path: Path) -> None:
    _, _, plan = load_world(tmp_path)
    with pytest.raises(UsageError, match="unknown time zone"):
        calendar.to_ics(Plan(**{**plan.__dict__, "timezone": "Mars/Olympus"}))


def test_csv_twin_has_the_same_events(tmp_path: Path) -> None:
    _, _, plan = load_world(tmp_path)
    rows = list(csv.DictReader(io.StringIO(calendar.to_csv(plan))))
    assert len(rows) == len(plan.calendar)
    assert {r["uid"] for r in rows} == {e.uid for e in plan.calendar}
    assert [r["start"][:10] for r in rows] == sorted(r["start"][:10] for r in rows)
    due = next(r for r in rows if r["uid"].startswith("due-ep-1-tiktok"))
    assert due["all_day"] == "yes" and due["start"] == date(2026, 6, 8).isoformat()
