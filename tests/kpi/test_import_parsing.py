"""Numbers, dates and headers as exports write them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from coulisses.kpi.imports.dates import infer_years, parse_datetime, parse_month_day
from coulisses.kpi.imports.numbers import (
    parse_duration,
    parse_fraction,
    parse_number,
    parse_percent,
)


@pytest.mark.parametrize(("text", "decimal", "value"), [
    ("1.2K", ".", 1200.0), ("3,4 M", ",", 3_400_000.0), ("3,4 M", ".", 3_400_000.0),
    ("18,400", ".", 18400.0), ("1 234,5", ",", 1234.5), ("1\u202f234,5", ",", 1234.5),
    ("1\u00a0234", ",", 1234.0), ("1,234,567", ".", 1234567.0), ("1.234.567", ",", 1234567.0),
    ("1,234.5", ".", 1234.5), ("1.234,5", ",", 1234.5), ("12.5%", ".", 0.125),
    ("12,5 %", ",", 0.125), ("-1", ".", -1.0), ("0", ".", 0.0), (42, ".", 42.0),
    ("0,5", ".", 0.5),
])
def test_numbers(text: object, decimal: str, value: float) -> None:
    assert parse_number(text, decimal=decimal) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "  ", "--", "-", "undefined", "N/A", None])
def test_missing_is_none_never_zero(text: object) -> None:
    assert parse_number(text) is None
    assert parse_duration(text) is None


@pytest.mark.parametrize("text", ["many", "1,2,3", "12abc", "1.2.3"])
def test_not_numbers(text: str) -> None:
    with pytest.raises(ValueError, match="not a number"):
        parse_number(text)


def test_fractions_and_percentages() -> None:
    assert parse_fraction("0.2396") == pytest.approx(0.2396)
    assert parse_fraction("23.96%") == pytest.approx(0.2396)
    with pytest.raises(ValueError, match="neither a fraction"):
        parse_fraction("23.96")
    assert parse_percent("45.2") == pytest.approx(0.452)
    assert parse_percent("45,2 %", decimal=",") == pytest.approx(0.452)


@pytest.mark.parametrize(("text", "seconds"), [
    ("0:09", 9.0), ("1:02:03", 3723.0), ("0:00:31", 31.0), ("11.5", 11.5), ("11,5 s", 11.5),
    ("12 sec", 12.0)])
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


def test_hours() -> None:
    assert parse_duration("1.5", unit=3600.0) == 5400.0


@pytest.mark.parametrize(("text", "dayfirst", "value"), [
    ("2026-08-22T00:00:00", False, datetime(2026, 8, 22)),
    ("2026-08-22", False, datetime(2026, 8, 22)),
    ("10/03/2026 18:05", False, datetime(2026, 10, 3, 18, 5)),
    ("03/10/2026 18:05", True, datetime(2026, 10, 3, 18, 5)),
    ("Oct 3, 2026", False, datetime(2026, 10, 3)),
    ("October 3, 2026 6:05 PM", False, datetime(2026, 10, 3, 18, 5)),
    ("3 oct. 2026", True, datetime(2026, 10, 3)),
    ("3 octobre 2026", True, datetime(2026, 10, 3)),
    ("1er août 2026", True, datetime(2026, 8, 1)),
])
def test_dates(text: str, dayfirst: bool, value: datetime) -> None:
    assert parse_datetime(text, dayfirst=dayfirst) == value


def test_dates_without_a_year() -> None:
    assert parse_month_day("August 31") == (8, 31)
    assert parse_month_day("31 août") == (8, 31)
    with pytest.raises(ValueError, match="has no year"):
        parse_datetime("August 31")
    with pytest.raises(ValueError, match="not a day of the year"):
        parse_month_day("February 30")


def test_year_inference_across_new_year() -> None:
    days = [(12, 30), (12, 31), (1, 1)]
    assert infer_years(days, date(2027, 1, 3)) == [date(2026, 12, 30), date(2026, 12, 31),
                                                   date(2027, 1, 1)]


def test_year_inference_refuses_ambiguous_windows() -> None:
    with pytest.raises(ValueError, match="more than one matching year"):
        infer_years([(10, 1), (3, 1), (10, 1)], date(2026, 10, 20))
    with pytest.raises(ValueError, match="no single matching year"):
        infer_years([(12, 1), (1, 5), (11, 1)], date(2026, 12, 20))
    with pytest.raises(ValueError, match="February 29"):
        infer_years([(2, 29)], date(2026, 3, 1))


def test_every_platform_has_french_headers() -> None:
    from coulisses.kpi.imports.headers import export_specs

    for key, spec in export_specs().items():
        for name, column in spec.columns.items():
            assert column.fr, f"{key}.{name} has no French spelling"
