"""Dates as exports write them: ISO, ``MM/DD/YYYY HH:MM``, ``Oct 3, 2026``, ``3 oct. 2026``,
and TikTok's ``August 31`` with no year, whose year comes from the export window.

Parsers raise ``ValueError`` with a short reason; adapters locate it (file, row, column).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from itertools import pairwise

MONTHS: dict[str, int] = {}
for _month, _spellings in enumerate((
        ("january", "jan", "janvier", "janv"), ("february", "feb", "février", "fevrier", "févr",
                                                 "fevr", "fév", "fev"),
        ("march", "mar", "mars"), ("april", "apr", "avril", "avr"), ("may", "mai"),
        ("june", "jun", "juin"), ("july", "jul", "juillet", "juil"),
        ("august", "aug", "août", "aout"), ("september", "sep", "sept", "septembre"),
        ("october", "oct", "octobre"), ("november", "nov", "novembre"),
        ("december", "dec", "décembre", "decembre", "déc")), start=1):
    for _spelling in _spellings:
        MONTHS[_spelling] = _month

_TIME = r"(?:[ t,]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*([ap]\.?m\.?)?)?"
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})" + _TIME + r"(?:Z|[+-]\d{2}:?\d{2})?$")
_SLASH = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})" + _TIME + "$")
_MONTH_FIRST = re.compile(r"^([a-zéû]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?"
                          + _TIME + "$")
_DAY_FIRST = re.compile(r"^(\d{1,2})(?:er)?\s+([a-zéû]+)\.?(?:\s+(\d{4}))?" + _TIME + "$")


def parse_datetime(cell: object, *, dayfirst: bool = False) -> datetime | None:
    """A date and time (naive, as the export wrote it) from any of the known spellings.

    ``dayfirst`` reads ``03/10/2026`` as 3 October (French exports). A date with no year
    cannot be read here: use ``parse_month_day``.

    Raises:
        ValueError: text that is not a date, or a date with no year.
    """
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, datetime):
        return cell
    if isinstance(cell, date):
        return datetime(cell.year, cell.month, cell.day)
    text = str(cell).strip().casefold()
    try:
        if m := _ISO.match(text):
            return _build(int(m[1]), int(m[2]), int(m[3]), m, 4)
        if m := _SLASH.match(text):
            first, second = int(m[1]), int(m[3])
            month, day = (second, first) if dayfirst else (first, second)
            return _build(int(m[4]), month, day, m, 5)
        if (m := _MONTH_FIRST.match(text)) and m[1] in MONTHS:
            if not m[3]:
                raise ValueError(f"{cell!r} has no year")
            return _build(int(m[3]), MONTHS[m[1]], int(m[2]), m, 4)
        if (m := _DAY_FIRST.match(text)) and m[2] in MONTHS:
            if not m[3]:
                raise ValueError(f"{cell!r} has no year")
            return _build(int(m[3]), MONTHS[m[2]], int(m[1]), m, 4)
    except ValueError as exc:
        if "has no year" in str(exc):
            raise
        raise ValueError(f"{str(cell).strip()!r} is not a valid date ({exc})") from None
    raise ValueError(f"{str(cell).strip()!r} is not a date this importer knows "
                     "(ISO, MM/DD/YYYY HH:MM, Oct 3, 2026, 3 octobre 2026)")


def _build(year: int, month: int, day: int, m: re.Match[str], group: int) -> datetime:
    hour = int(m[group]) if m[group] else 0
    minute = int(m[group + 1]) if m[group + 1] else 0
    second = int(m[group + 2]) if m[group + 2] else 0
    meridiem = m[group + 3]
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValueError(f"hour {hour} with {meridiem}")
        hour = hour % 12 + (12 if meridiem.startswith("p") else 0)
    return datetime(year, month, day, hour, minute, second)


def parse_month_day(cell: object) -> tuple[int, int] | None:
    """``August 31`` or ``31 août`` -> (8, 31); a full date is also accepted (its year dropped).

    Raises:
        ValueError: text that is not a month and day.
    """
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, date):
        return cell.month, cell.day
    text = str(cell).strip().casefold()
    if (m := _MONTH_FIRST.match(text)) and m[1] in MONTHS and not m[3]:
        month, day = MONTHS[m[1]], int(m[2])
    elif (m := _DAY_FIRST.match(text)) and m[2] in MONTHS and not m[3]:
        month, day = MONTHS[m[2]], int(m[1])
    else:
        full = parse_datetime(cell)
        assert full is not None
        return full.month, full.day
    if not 1 <= day <= 31 or (month, day) in ((2, 30), (2, 31), (4, 31), (6, 31), (9, 31),
                                               (11, 31)):
        raise ValueError(f"{str(cell).strip()!r} is not a day of the year")
    return month, day


def infer_years(days: list[tuple[int, int]], as_of: date) -> list[date]:
    """Give each (month, day) of a daily export its year: the window ends on or before
    ``as_of`` (the day the file was downloaded) and is shorter than a year.

    Raises:
        ValueError: the window is ambiguous (the same day twice, a span of a year or more,
            or a 29 February that falls in no leap year of the window).
    """
    seen: set[tuple[int, int]] = set()
    result: list[date] = []
    for month, day in days:
        if (month, day) in seen:
            raise ValueError(f"{_name(month, day)} appears twice: the export spans a year or "
                             "more, so its dates without a year have more than one matching "
                             "year; export a shorter window")
        seen.add((month, day))
        year = as_of.year if (month, day) <= (as_of.month, as_of.day) else as_of.year - 1
        try:
            result.append(date(year, month, day))
        except ValueError:
            raise ValueError(f"{_name(month, day)} has no matching year in the window ending "
                             f"{as_of.isoformat()}; pass --as-of with the download date"
                             ) from None
    ascending = all(a <= b for a, b in pairwise(result))
    descending = all(a >= b for a, b in pairwise(result))
    if not (ascending or descending):
        raise ValueError(f"the dates without a year do not fit one window ending "
                         f"{as_of.isoformat()}: no single matching year; pass --as-of with "
                         "the day the file was downloaded")
    return result


def _name(month: int, day: int) -> str:
    return f"{date(2000, month, day):%B} {day}"


def parse_formatted(cell: object, fmt: str) -> datetime | None:
    """A date written with a known ``strptime`` format (a generic CSV's ``date_format``).

    Raises:
        ValueError: the cell does not follow the format.
    """
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, datetime):
        return cell
    try:
        return datetime.strptime(str(cell).strip(), fmt)
    except ValueError:
        raise ValueError(f"{str(cell).strip()!r} does not follow date_format {fmt!r}") from None
