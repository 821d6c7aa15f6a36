"""Numbers as analytics exports write them: ``1.2K``, ``3,4 M``, ``18,400``, ``1 234,5``,
``12.5%``, ``0:09``. Empty, ``--`` and ``undefined`` are missing (None), never 0.

Each parser raises ``ValueError`` with a short reason; the adapter turns it into a located
``AnalyticsImportError`` (file, sheet, row, column).
"""

from __future__ import annotations

import re
from datetime import time, timedelta

MISSING = frozenset({"", "-", "--", "—", "–", "n/a", "na", "nan", "none", "null", "undefined",
                     "non défini", "non disponible", "indisponible", "(not set)"})
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007']")
_SUFFIX = {"k": 1e3, "m": 1e6, "b": 1e9, "md": 1e9, "mrd": 1e9, "mio": 1e6, "mn": 1e6}
_NUMBER = re.compile(r"^([+-]?)(\d[\d.,]*|[.,]\d+)(k|m|b|md|mrd|mio|mn)?$")
_GROUPED_COMMA = re.compile(r"^\d{1,3}(,\d{3})+$")
_GROUPED_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")

Cell = str | int | float | None


def is_missing(cell: object) -> bool:
    """True for an empty cell or a placeholder such as ``--`` or ``undefined``."""
    if cell is None:
        return True
    if isinstance(cell, float) and cell != cell:  # NaN
        return True
    return isinstance(cell, str) and cell.strip().casefold() in MISSING


def parse_number(cell: object, *, decimal: str = ".") -> float | None:
    """A count or amount: ``1.2K`` -> 1200, ``18,400`` -> 18400, ``1 234,5`` -> 1234.5.

    ``decimal`` is the file's decimal separator (``,`` for French exports); a lone comma in
    a ``.`` file is read as a thousands separator only when it groups digits by three.

    Raises:
        ValueError: text that is not a number.
    """
    if is_missing(cell):
        return None
    if isinstance(cell, bool):
        raise ValueError(f"{cell!r} is not a number")
    if isinstance(cell, int | float):
        return float(cell)
    text = _SPACES.sub("", str(cell)).casefold()
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    match = _NUMBER.match(text)
    if not match:
        raise ValueError(f"{str(cell).strip()!r} is not a number")
    sign, digits, suffix = match.groups()
    value = float(_digits(digits, decimal=decimal, suffixed=suffix is not None))
    value *= _SUFFIX[suffix] if suffix else 1.0
    if percent:
        value /= 100.0
    return -value if sign == "-" else value


def _digits(text: str, *, decimal: str, suffixed: bool) -> str:
    if "," in text and "." in text:  # the last one is the decimal mark
        if text.rfind(",") > text.rfind("."):
            return text.replace(".", "").replace(",", ".")
        return text.replace(",", "")
    if "," in text:
        if decimal == "." and not suffixed and _GROUPED_COMMA.match(text):
            return text.replace(",", "")
        if text.count(",") > 1:
            if _GROUPED_COMMA.match(text):
                return text.replace(",", "")
            raise ValueError(f"{text!r} is not a number")
        return text.replace(",", ".")
    grouped = decimal == "," and not suffixed and _GROUPED_DOT.match(text)
    if "." in text and (text.count(".") > 1 or grouped):
        if _GROUPED_DOT.match(text):
            return text.replace(".", "")
        raise ValueError(f"{text!r} is not a number")
    return text


def parse_fraction(cell: object, *, decimal: str = ".") -> float | None:
    """A share in 0..1: ``12.5%`` -> 0.125, ``0.2396`` -> 0.2396 (LinkedIn's CTR is a fraction).

    Raises:
        ValueError: not a number, or a bare number above 1 (write percentages with ``%``).
    """
    if is_missing(cell):
        return None
    value = parse_number(cell, decimal=decimal)
    assert value is not None
    text = str(cell)
    if not text.strip().endswith("%") and value > 1.0:
        raise ValueError(f"{text.strip()!r} is neither a fraction (0 to 1) nor a percentage "
                         "with %")
    return value


def parse_percent(cell: object, *, decimal: str = ".") -> float | None:
    """A column documented as a percentage (``Average percentage viewed (%)``): 45.2 -> 0.452.

    Raises:
        ValueError: not a number.
    """
    if is_missing(cell):
        return None
    value = parse_number(cell, decimal=decimal)
    assert value is not None
    return value if str(cell).strip().endswith("%") else value / 100.0


def parse_duration(cell: object, *, decimal: str = ".", unit: float = 1.0) -> float | None:
    """Seconds from ``H:MM:SS``, ``M:SS``, ``0:09``, ``11.5``, ``11,5 s`` or a spreadsheet time.

    A bare number is multiplied by ``unit`` (3600 for YouTube's ``Watch time (hours)``).

    Raises:
        ValueError: text that is not a duration.
    """
    if is_missing(cell):
        return None
    if isinstance(cell, timedelta):
        return cell.total_seconds()
    if isinstance(cell, time):
        return cell.hour * 3600.0 + cell.minute * 60.0 + cell.second + cell.microsecond / 1e6
    text = str(cell).strip()
    if ":" in text:
        parts = text.split(":")
        if len(parts) > 3 or not all(re.fullmatch(r"\d+([.,]\d+)?", p) for p in parts):
            raise ValueError(f"{text!r} is not a duration like 1:02:03 or 0:09")
        seconds = 0.0
        for part in parts:
            seconds = seconds * 60.0 + float(part.replace(",", "."))
        return seconds
    text = re.sub(r"\s*(s|sec|secs|seconds|secondes)$", "", text, flags=re.IGNORECASE)
    value = parse_number(text, decimal=decimal)
    return None if value is None else value * unit
