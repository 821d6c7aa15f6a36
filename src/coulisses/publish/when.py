"""``--at`` times: ``now``, ``2026-12-10 18:00 Europe/Paris``, or ISO 8601 with an offset.

A local time that does not exist (the hour skipped in spring) or happens twice (the hour
repeated in autumn) is refused rather than guessed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coulisses.errors import UsageError

FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")
PAST_SLACK = timedelta(minutes=1)


def parse_at(text: str, now: datetime | None = None) -> datetime:
    """The UTC instant ``text`` names.

    Raises:
        UsageError: unreadable, an unknown zone, a local time that is skipped or repeated,
            or a time already past.
    """
    now = now or datetime.now(UTC)
    raw = text.strip()
    if raw.lower() in ("now", "maintenant"):
        return now
    try:
        instant = datetime.fromisoformat(raw)
    except ValueError:
        instant = None
    if instant is not None and instant.tzinfo is not None:
        result = instant.astimezone(UTC)
    else:
        stamp, _, zone_name = raw.rpartition(" ")
        if instant is not None or not stamp:
            raise UsageError(f"--at {text!r} has no time zone",
                             hint='e.g. "2026-12-10 18:00 Europe/Paris" or now')
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise UsageError(f"--at {text!r}: unknown time zone {zone_name!r}",
                             hint="an IANA name such as Europe/Paris or UTC") from None
        local = None
        for fmt in FORMATS:
            try:
                local = datetime.strptime(stamp, fmt)
                break
            except ValueError:
                continue
        if local is None:
            raise UsageError(f"--at {text!r} is not a date and time",
                             hint='e.g. "2026-12-10 18:00 Europe/Paris"')
        first, second = local.replace(tzinfo=zone, fold=0), local.replace(tzinfo=zone, fold=1)
        result = first.astimezone(UTC)
        if result.astimezone(zone).replace(tzinfo=None) != local:
            raise UsageError(f"--at {text!r} does not exist in {zone_name} (clocks go forward)",
                             hint="pick a time outside the skipped hour")
        if first.utcoffset() != second.utcoffset():
            raise UsageError(f"--at {text!r} happens twice in {zone_name} (clocks go back)",
                             hint="give the offset, e.g. 2026-10-25T02:30+02:00")
    if result < now - PAST_SLACK:
        raise UsageError(f"--at {text!r} is in the past", hint="use a later time, or now")
    return result
