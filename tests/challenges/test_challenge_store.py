"""The challenge store: the CLI's challenge row from the campaign file, and the Parquet
checkpoints (batches appended atomically, rows keyed by id)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from core_world import campaign_file, db  # noqa: F401
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coulisses.challenges.store import (
    append_rows,
    columns_of,
    done_ids,
    iter_rows,
    open_challenge,
    read_rows,
)
from coulisses.challenges.tables import ChallengeRow
from coulisses.errors import CampaignError


def test_the_challenge_row_is_made_once_and_its_rules_synced(campaign_file: Path,  # noqa: F811
                                                             db: Session) -> None:  # noqa: F811
    row, challenge = open_challenge(db, campaign_file, "casting")
    db.commit()
    assert row.workspace_id is None and row.campaign_key == "cites-casting"
    assert row.key == "casting" and row.title == challenge.title
    assert json.loads(row.rules)["max_duration_s"] == 60
    assert len(row.slug) == 32 and len(row.salt) == 64
    # the file changes: the same row, its rules synced
    text = campaign_file.read_text("utf-8").replace("max_duration_s: 60", "max_duration_s: 45")
    campaign_file.write_text(text, "utf-8")
    again, _ = open_challenge(db, campaign_file, "casting")
    db.commit()
    assert again.id == row.id and json.loads(again.rules)["max_duration_s"] == 45
    assert db.scalar(select(func.count()).select_from(ChallengeRow)) == 1


def test_an_unknown_challenge_names_the_known_ones(campaign_file: Path,  # noqa: F811
                                                   db: Session) -> None:  # noqa: F811
    with pytest.raises(CampaignError) as caught:
        open_challenge(db, campaign_file, "duet")
    assert "'duet'" in caught.value.one_line() and "casting" in caught.value.one_line()


def test_batches_append_and_a_row_written_again_replaces_the_older(tmp_path: Path) -> None:
    path = tmp_path / "stage-qc.parquet"
    cols = ("qc_passed", "duration_s", "note", "blob")
    append_rows(path, [{"id": "e1", "qc_passed": True, "duration_s": 3, "note": None,
                        "blob": b"\x00\x01"},
                       {"id": "e2", "qc_passed": False, "duration_s": None, "note": "x",
                        "blob": None}], cols)
    append_rows(path, [{"id": "e3", "qc_passed": True, "duration_s": 4.5, "note": "é",
                        "blob": b""},
                       {"id": "e1", "qc_passed": False, "duration_s": 2.25, "note": "again",
                        "blob": None}], cols)
    rows = read_rows(path)
    assert sorted(rows) == ["e1", "e2", "e3"] == sorted(done_ids(path))
    assert rows["e1"] == {"id": "e1", "qc_passed": False, "duration_s": 2.25, "note": "again",
                          "blob": None}
    assert rows["e2"]["duration_s"] is None and rows["e3"]["note"] == "é"
    assert rows["e3"]["blob"] == b""
    # an integer column met by floats widens (never truncates)
    assert columns_of(path)["duration_s"] == "DOUBLE"
    assert [r["id"] for r in iter_rows(path, batch=1)].count("e1") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stage-qc.parquet"]


def test_a_batch_that_cannot_be_written_leaves_the_checkpoint_whole(tmp_path: Path) -> None:
    path = tmp_path / "stage-qc.parquet"
    append_rows(path, [{"id": "e1", "qc_passed": True}], ("qc_passed",))
    before = path.read_bytes()
    with pytest.raises(TypeError):  # a boolean column given text: refused before any write
        append_rows(path, [{"id": "e2", "qc_passed": "yes"}], ("qc_passed",))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stage-qc.parquet"]
    assert read_rows(tmp_path / "absent.parquet") == {} and done_ids(tmp_path / "x") == set()
