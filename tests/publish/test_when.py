from datetime import UTC, datetime

import pytest

from coulisses.errors import UsageError
from coulisses.publish.when import parse_at

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_local_times_become_utc() -> None:
    assert parse_at("2026-12-10 18:00 Europe/Paris", NOW) == datetime(2026, 12, 10, 17, 0,
                                                                       tzinfo=UTC)
    assert parse_at("2026-12-10T18:00+01:00", NOW) == datetime(2026, 12, 10, 17, 0, tzinfo=UTC)
    assert parse_at("now", NOW) == NOW


@pytest.mark.parametrize(("text", "words"), [
    ("2027-03-28 02:30 Europe/Paris", "does not exist"),
    ("2027-10-31 02:30 Europe/Paris", "happens twice"),
    ("2026-12-01 18:00 Europe/Paris", "in the past"),
    ("2026-12-10 18:00 Mars/Olympus", "unknown time zone"),
    ("2026-12-10 18:00", "no time zone"),
    ("tomorrow Europe/Paris", "not a date"),
])
def test_bad_times_are_refused(text: str, words: str) -> None:
    with pytest.raises(UsageError, match=words):
        parse_at(text, NOW)
