"""The publishing page's calendar: a month or a week of days, each with its posts, in one time
zone; pure functions over the posts the route read."""

from __future__ import annotations

import calendar as _cal
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from coulisses.campaign.calendar import zone

VIEWS = ("month", "week")


@dataclass
class Day:
    day: date
    in_range: bool
    posts: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Calendar:
    view: str
    anchor: date
    tz_name: str
    weeks: list[list[Day]]
    previous: date
    next: date


def local(ms: int, tz: tzinfo) -> datetime:
    """A post's due time (ms since the epoch) in ``tz``."""
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(tz)


def parse_anchor(text: str, today: date) -> date:
    """The day the page is about: ``YYYY-MM-DD`` or ``YYYY-MM``; today when empty or wrong."""
    for fmt in ("%Y-%m-%d", "%Y-%m"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return today


def build(view: str, anchor: date, tz_name: str, posts: Sequence[Any]) -> Calendar:
    """The month (whole weeks, Monday first) or the week around ``anchor``, posts placed on
    their local day, in due order.

    Raises:
        UsageError: an unknown time zone.
    """
    tz = zone(tz_name)
    if view == "week":
        start = anchor - timedelta(days=anchor.weekday())
        days = [start + timedelta(days=i) for i in range(7)]
        weeks = [[Day(d, True) for d in days]]
        previous, following = start - timedelta(days=7), start + timedelta(days=7)
    else:
        view = "month"
        first = anchor.replace(day=1)
        weeks = [[Day(d, d.month == first.month) for d in week]
                 for week in _cal.Calendar(firstweekday=0).monthdatescalendar(first.year,
                                                                              first.month)]
        previous = (first - timedelta(days=1)).replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        anchor = first
    by_day = {d.day: d for week in weeks for d in week}
    for post in sorted(posts, key=lambda p: (p.due_ms, p.id)):
        cell = by_day.get(local(post.due_ms, tz).date())
        if cell is not None:
            cell.posts.append(post)
    return Calendar(view, anchor, tz_name, weeks, previous, following)
