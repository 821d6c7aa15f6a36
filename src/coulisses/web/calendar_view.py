"""The campaign calendar as month and week grids (pure): due dates, shoot days and planned
publications placed on their days, with the previous and next periods."""

from __future__ import annotations

import calendar as stdcal
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from coulisses.campaign.plan import CalendarEntry

VIEWS = ("month", "week")


@dataclass(frozen=True)
class Day:
    """One cell: its date, whether it is in the period shown, and its entries."""

    date: date
    inside: bool
    entries: tuple[CalendarEntry, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Grid:
    """Weeks of seven days (Monday first), the period's first day, and its neighbours."""

    view: str
    start: date
    weeks: tuple[tuple[Day, ...], ...]
    previous: date
    next: date


def day_of(entry: CalendarEntry) -> date:
    """The day an entry falls on."""
    start = entry.start
    return start.date() if isinstance(start, datetime) else start


def anchor(entries: Sequence[CalendarEntry], asked: str, today: date) -> date:
    """The day to show: ``asked`` (``YYYY-MM-DD``) when valid, else the first entry's day
    from today on, else the last entry's, else today."""
    try:
        return date.fromisoformat(asked[:10])
    except ValueError:
        pass
    days = sorted(day_of(e) for e in entries)
    upcoming = [d for d in days if d >= today]
    if upcoming:
        return upcoming[0]
    return days[-1] if days else today


def grid(entries: Sequence[CalendarEntry], view: str, at: date) -> Grid:
    """The month or week around ``at``, each day with its entries (by time, then title)."""
    by_day: dict[date, list[CalendarEntry]] = {}
    for entry in sorted(entries, key=lambda e: (str(e.start), e.title)):
        by_day.setdefault(day_of(entry), []).append(entry)
    if view == "week":
        first = at - timedelta(days=at.weekday())
        days = [first + timedelta(days=i) for i in range(7)]
        cells = tuple(Day(d, True, tuple(by_day.get(d, ()))) for d in days)
        return Grid("week", first, (cells,), first - timedelta(days=7),
                    first + timedelta(days=7))
    first = at.replace(day=1)
    weeks = []
    for week in stdcal.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append(tuple(Day(d, d.month == first.month, tuple(by_day.get(d, ())))
                           for d in week))
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Grid("month", first, tuple(weeks), previous, following)
