"""The editorial calendar as ICS (RFC 5545, written by ``icalendar``) and as CSV.

UIDs are stable, so importing the file again updates the events instead of duplicating them.
Timed events carry the campaign's time zone (with its VTIMEZONE); whole days are all-day
events. Escaping and line folding are icalendar's.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coulisses import spreadsheet
from coulisses.campaign.plan import CalendarEntry, Clock, Plan
from coulisses.errors import UsageError

PRODID = "-//coulisses//editorial calendar//EN"
CSV_COLUMNS = ("uid", "kind", "title", "start", "end", "all_day", "timezone", "platform",
               "deliverable", "location", "description")


def zone(name: str) -> tzinfo:
    """The time zone ``name`` (an IANA name such as Europe/Paris, or UTC).

    Raises:
        UsageError: an unknown zone name.
    """
    if name.upper() in ("UTC", "Z", ""):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"unknown time zone {name!r}",
                         hint="use an IANA name such as Europe/Paris or UTC") from None


@lru_cache(maxsize=64)
def text_zone(source: str, filename: str) -> tzinfo:
    """The time zone a campaign text names (parsed once per text); UTC when the text does not
    load, so a page that only shows times still opens."""
    from coulisses.campaign.load import loads_campaign
    from coulisses.errors import CampaignError

    try:
        return zone(loads_campaign(source, filename).timezone)
    except (CampaignError, UsageError):
        return UTC


def _localise(value: Clock, tz: tzinfo) -> Clock:
    """Naive times are in the campaign's zone; dates stay dates."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=tz)
    return value


def to_ics(plan: Plan, *, stamp: datetime | None = None) -> bytes:
    """The calendar of ``plan`` as an ICS file (CRLF lines folded at 75 octets).

    ``stamp`` is the DTSTAMP of every event (now, in UTC, when not given).

    Raises:
        UsageError: the plan's time zone is unknown.
    """
    from icalendar import Calendar, Event

    tz = zone(plan.timezone)
    when = (stamp or datetime.now(UTC)).astimezone(UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", plan.title)
    cal.add("x-wr-timezone", plan.timezone or "UTC")
    for entry in sorted(plan.calendar, key=_order):
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", when)
        event.add("dtstart", _localise(entry.start, tz))
        event.add("dtend", _localise(entry.end, tz))
        event.add("summary", entry.title)
        if entry.description:
            event.add("description", entry.description)
        if entry.location:
            event.add("location", entry.location)
        event.add("categories", [entry.kind] + ([entry.platform] if entry.platform else []))
        event.add("transp", "TRANSPARENT" if entry.kind != "shoot" else "OPAQUE")
        cal.add_component(event)
    if tz is not UTC:
        cal.add_missing_timezones()
    return bytes(cal.to_ical())


def _order(entry: CalendarEntry) -> tuple[str, str]:
    start = entry.start
    key = start.isoformat() if isinstance(start, datetime) else f"{start.isoformat()}T"
    return key, entry.uid


def to_csv(plan: Plan, lang: str = "en") -> str:
    """The same events as CSV text, one row each, times in the campaign's zone, separated as a
    spreadsheet in ``lang`` expects (``spreadsheet.file_bytes`` adds the byte-order mark)."""
    return spreadsheet.table(CSV_COLUMNS, (
        [e.uid, e.kind, e.title, e.start.isoformat(), e.end.isoformat(),
         "yes" if e.all_day else "no", plan.timezone or "UTC", e.platform, e.deliverable,
         e.location, e.description] for e in sorted(plan.calendar, key=_order)), lang)
