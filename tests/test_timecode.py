from fractions import Fraction

import pytest

from coulisses.errors import UsageError
from coulisses.timecode import format_clock, format_timecode, parse_time, to_seconds_arg


@pytest.mark.parametrize(("text", "expected"), [
    ("75", Fraction(75)), ("75.5", Fraction(151, 2)), ("75,5s", Fraction(151, 2)),
    ("1:15.5", Fraction(151, 2)), ("00:01:15.500", Fraction(151, 2)),
    ("1:00:00", Fraction(3600)), ("0.001", Fraction(1, 1000)),
])
def test_parse_time_forms(text: str, expected: Fraction) -> None:
    assert parse_time(text) == expected


def test_smpte_needs_a_rate_and_is_exact_at_ntsc() -> None:
    assert parse_time("00:00:01:15", rate=Fraction(30000, 1001)) == 1 + Fraction(15 * 1001, 30000)
    with pytest.raises(UsageError, match="frames"):
        parse_time("00:00:01:15")


@pytest.mark.parametrize("bad", ["abc", "-3", "1:75", "1:2:3:4:5", ""])
def test_bad_time_codes_are_usage_errors(bad: str) -> None:
    with pytest.raises(UsageError):
        parse_time(bad)


def test_ffmpeg_seconds_are_exact_decimal_without_exponent() -> None:
    assert to_seconds_arg(Fraction(1, 3)) == "0.333333"
    assert to_seconds_arg(Fraction(1001, 30000)) == "0.033367"
    assert to_seconds_arg(Fraction(7200)) == "7200.000000"
    assert format_clock(Fraction(3723, 1) + Fraction(1, 2)) == "1:02:03.500"


@pytest.mark.parametrize(("seconds", "shown"), [
    (0, "00:00.00"), (Fraction(151, 2), "01:15.50"), (59.999, "01:00.00"),
    (Fraction(3723, 1) + Fraction(1, 4), "01:02:03.25"), (-1, "00:00.00"),
])
def test_review_time_codes_read_back_as_they_are_shown(seconds: Fraction | float,
                                                       shown: str) -> None:
    assert format_timecode(seconds) == shown
    assert parse_time(shown) == max(0, round(Fraction(seconds) * 100)) / Fraction(100)
