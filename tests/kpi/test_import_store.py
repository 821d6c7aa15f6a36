"""The store's promises: the same file twice changes nothing, a newer export updates values
instead of adding to them, a broken file leaves every stored number as it was, duplicated rows
never double count, partial days are flagged."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from exports import Video, write_tiktok_content, write_tiktok_daily, write_youtube_table

from conftest import AS_OF
from coulisses.errors import AnalyticsImportError
from coulisses.kpi.store import open_store


def snapshot(store: Any) -> list[tuple[Any, ...]]:
    return store.con.execute("SELECT * FROM metrics ORDER BY ALL").fetchall()


def test_same_file_twice_changes_nothing(store: Any, tmp_path: Path,
                                         videos: list[Video]) -> None:
    path = write_tiktok_content(tmp_path / "content.csv", videos)
    first = store.import_file(path, as_of=AS_OF)
    before = snapshot(store)
    again = store.import_file(path, as_of=AS_OF)
    assert again.already and again.import_id == first.import_id
    assert snapshot(store) == before
    assert store.con.execute("SELECT count(*) FROM imports").fetchone() == (1,)


def test_newer_export_updates_values_never_adds(store: Any, tmp_path: Path,
                                                videos: list[Video]) -> None:
    old = write_tiktok_content(tmp_path / "old.csv", videos)
    store.import_file(old, as_of=AS_OF)
    newer = [dataclasses.replace(videos[0], views=20000, likes=1300), *videos[1:]]
    new = write_tiktok_content(tmp_path / "new.csv", newer)
    result = store.import_file(new, as_of=AS_OF)
    assert (result.values_new, result.values_changed, result.values_unchanged) == (0, 2, 22)
    views = store.con.execute(
        "SELECT value, source_file FROM metrics WHERE post_id = ? AND metric = 'views'",
        [videos[0].id]).fetchall()
    assert views == [(20000.0, str(new))]  # replaced, with the newer file as its source
    comments = store.con.execute(
        "SELECT source_file FROM metrics WHERE post_id = ? AND metric = 'comments'",
        [videos[0].id]).fetchone()
    assert comments == (str(old),)  # an unchanged value keeps where it first came from
    record = store.con.execute("SELECT values_changed FROM imports WHERE import_id = ?",
                               [result.import_id]).fetchone()
    assert record == (2,)


def test_a_later_download_is_a_new_lifetime_snapshot(store: Any, tmp_path: Path,
                                                     videos: list[Video]) -> None:
    store.import_file(write_tiktok_content(tmp_path / "a.csv", videos), as_of=AS_OF)
    store.import_file(write_tiktok_content(tmp_path / "b.csv", videos[:1]),
                      as_of=date(2026, 10, 27))
    days = store.con.execute("SELECT day FROM metrics WHERE post_id = ? AND metric = 'views' "
                             "ORDER BY day", [videos[0].id]).fetchall()
    assert days == [(AS_OF,), (date(2026, 10, 27),)]


def test_a_broken_file_leaves_the_store_untouched(store: Any, tmp_path: Path,
                                                  videos: list[Video]) -> None:
    store.import_file(write_tiktok_content(tmp_path / "a.csv", videos), as_of=AS_OF)
    before = snapshot(store)
    broken = [dataclasses.replace(videos[0], views=1), videos[1],
              dataclasses.replace(videos[2], views="lots")]
    with pytest.raises(AnalyticsImportError) as caught:
        store.import_file(write_tiktok_content(tmp_path / "b.csv", broken), as_of=AS_OF)
    assert caught.value.row == 4 and caught.value.column == "Total views"
    assert snapshot(store) == before
    assert store.con.execute("SELECT count(*) FROM imports").fetchone() == (1,)
    assert not list(tmp_path.glob("data/.kpi-import-*"))  # no staging left behind


def test_a_failure_in_the_merge_rolls_back(store_path: Path, tmp_path: Path,
                                           videos: list[Video]) -> None:
    """Even when the database fails mid-transaction, the earlier import stays whole."""
    with open_store(store_path) as store:
        store.import_file(write_tiktok_content(tmp_path / "a.csv", videos), as_of=AS_OF)
        before = snapshot(store)
        store.con.execute("DROP TABLE imports")  # the last statement of the merge will fail
        with pytest.raises(Exception, match="imports"):
            store.import_file(write_youtube_table(tmp_path / "yt.csv", videos), as_of=AS_OF)
        assert snapshot(store) == before
    with open_store(store_path) as store:  # reopening recreates the missing table
        assert snapshot(store) == before


def test_duplicated_rows_last_wins_with_a_warning(store: Any, tmp_path: Path,
                                                  videos: list[Video]) -> None:
    rows = [videos[0], dataclasses.replace(videos[0], views=19000)]
    result = store.import_file(write_tiktok_content(tmp_path / "dup.csv", rows), as_of=AS_OF)
    views = store.con.execute("SELECT value, source_row FROM metrics WHERE metric = 'views'"
                              ).fetchall()
    assert views == [(19000.0, 3)]
    assert any("duplicated" in w and "rows 2, 3" in w for w in result.warnings)
    assert result.values_new == 8


def test_partial_days_are_stored_and_flagged(store: Any, tmp_path: Path) -> None:
    path = write_tiktok_daily(tmp_path / "Overview.csv", "overview",
                              [(date(2026, 10, 19), [10, 1, 1, 1, 1]),
                               (date(2026, 10, 20), [3, 0, 0, 0, 0])])
    result = store.import_file(path, as_of=AS_OF)
    assert result.partial_days == (date(2026, 10, 20),)
    assert any("partial" in w for w in result.warnings)
    assert store.con.execute("SELECT partial_days FROM imports").fetchone() == ("2026-10-20",)
    assert store.con.execute("SELECT count(*) FROM metrics WHERE day = '2026-10-20'"
                             ).fetchone() == (5,)


def test_days_after_the_download_are_impossible(store: Any, tmp_path: Path) -> None:
    path = write_generic_day(tmp_path)
    with pytest.raises(AnalyticsImportError, match="after the day the export was made"):
        store.import_file(path, as_of=date(2026, 10, 1))


def write_generic_day(tmp_path: Path) -> Path:
    from exports import write_meta_metric_file

    return write_meta_metric_file(tmp_path / "Facebook visits.csv", "Facebook visits",
                                  [(date(2026, 10, 9), 4)])


def test_the_store_reopens_with_its_data(store_path: Path, tmp_path: Path,
                                         videos: list[Video]) -> None:
    with open_store(store_path) as store:
        store.import_file(write_tiktok_content(tmp_path / "a.csv", videos), as_of=AS_OF)
    with open_store(store_path) as store:
        assert store.con.execute("SELECT count(*) FROM metrics").fetchone() == (24,)
        assert len(store.posts()) == 3
