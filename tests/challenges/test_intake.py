"""Public intake's domain rules on a migrated database: consent items recorded one by one with
the text shown, a minor waiting for a parent, repeats and floods refused, signed links that
cannot be forged or replayed, and the purge that leaves a receipt and no rows behind."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from coulisses.challenges import consent, intake, purge
from coulisses.challenges.entry import challenge_folder, derived_folder, stage_file
from coulisses.challenges.intake_tables import ChallengeContact, ChallengeReceipt
from coulisses.challenges.tables import ChallengeConsent, ChallengeEntry, ChallengeRow
from coulisses.errors import ConflictError, NotFoundError, RateLimitError, RightsError, UsageError
from coulisses.studio.board_tables import MailOutbox
from coulisses.studio.tables import Campaign, Job, User, Workspace, utcnow
from studiodb import fresh_database

ADULT = intake.Submission(email="Zoe@Example.org ", age_band="18-24", country="fr",
                          city="Lyon", answers={"data": True, "release": True, "scope": True})
MINOR = replace(ADULT, email="kid@example.org", age_band="13-14",
                parent_email="parent@example.org")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Session]:
    from coulisses.studio.db import open_database

    with fresh_database("sqlite", tmp_path, "c") as url:
        engine, sessions = open_database(url)
        with _seed(sessions) as session:
            yield session
        engine.dispose()


class _seed:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.session = sessions()

    def __enter__(self) -> Session:
        from coulisses.campaign.template import example_text

        db = self.session
        workspace = Workspace(name="Acme")
        db.add(workspace)
        db.flush()
        db.add(Campaign(workspace_id=workspace.id, name="Cités", filename="c.yaml",
                        source=example_text("casting-series-fr"), version_id=1))
        db.commit()
        return db

    def __exit__(self, *exc: object) -> None:
        self.session.close()


def _row(db: Session) -> ChallengeRow:
    campaign = db.scalars(select(Campaign)).one()
    row = intake.sync(db, campaign, "casting")
    db.commit()
    return row


def _entry(db: Session, row: ChallengeRow, form: intake.Submission, data: Path,
           content: bytes = b"video bytes") -> ChallengeEntry:
    folder = challenge_folder(data, row.id) / "entries"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{len(list(folder.iterdir()))}.mp4"
    path.write_bytes(content)
    checked = intake.check(intake.rules_of(row), form)
    entry = intake.add_entry(db, row, checked, path=path, sha256=intake.file_sha256(path),
                             original_name="me.mp4", address="203.0.113.7", agent="Phone",
                             owner="Prime Video")
    db.commit()
    return entry


def test_sync_makes_one_row_with_an_unguessable_slug_and_the_files_rules(db: Session) -> None:
    row = _row(db)
    again = _row(db)
    assert again.id == row.id and len(row.slug) >= 21 and row.secret != row.salt
    assert intake.rules_of(row).title.startswith("Casting Cités")
    with pytest.raises(NotFoundError):
        intake.taking(db, row.slug)  # closed until the team opens it
    intake.set_open(db, row, True)
    during = datetime(2026, 1, 10, 12, tzinfo=UTC)  # the example takes entries Jan 5 to 18
    assert intake.taking(db, row.slug, now=during).id == row.id
    with pytest.raises(NotFoundError):
        intake.taking(db, row.slug[:-1] + ("y" if row.slug.endswith("x") else "x"), now=during)


def test_entries_are_taken_from_the_first_day_to_the_end_of_the_last_in_the_campaigns_zone(
        db: Session) -> None:
    row = _row(db)
    intake.set_open(db, row, True)
    paris = ZoneInfo("Europe/Paris")  # the example campaign's time zone
    with pytest.raises(ConflictError, match="Entries open on 2026-01-05"):
        intake.taking(db, row.slug, now=datetime(2026, 1, 4, 23, 59, tzinfo=paris))
    assert intake.taking(db, row.slug, now=datetime(2026, 1, 5, 0, 0, tzinfo=paris))
    assert intake.taking(db, row.slug, now=datetime(2026, 1, 18, 23, 59, tzinfo=paris))
    after = datetime(2026, 1, 19, 0, 1, tzinfo=paris)  # 23:01 UTC on the 18th: already closed
    with pytest.raises(ConflictError, match="Entries closed on 2026-01-18"):
        intake.taking(db, row.slug, now=after)
    # an upload begun in time may finish after the end, within the grace
    assert intake.taking(db, row.slug, now=after, grace=intake.UPLOAD_GRACE)
    with pytest.raises(ConflictError):
        intake.taking(db, row.slug, now=after + intake.UPLOAD_GRACE, grace=intake.UPLOAD_GRACE)


def test_each_item_is_recorded_with_its_own_text_and_hash_and_digests(
        db: Session, tmp_path: Path) -> None:
    row = _row(db)
    entry = _entry(db, row, ADULT, tmp_path)
    assert entry.consent == consent.COMPLETE and consent.visible(entry)
    rows = db.scalars(select(ChallengeConsent).where(ChallengeConsent.entry_id == entry.id)).all()
    assert sorted(r.item for r in rows) == ["data", "release", "scope"]
    scope = next(r for r in rows if r.item == "scope")
    assert "tiktok" in scope.terms_text and "12" in scope.terms_text
    assert scope.terms_hash == consent.terms_hash(scope.terms_text)
    assert len({r.terms_hash for r in rows}) == 3
    assert scope.address_hash == intake.digest(row.salt, "203.0.113.7")
    assert "203.0.113.7" not in json.dumps([r.address_hash for r in rows])
    assert entry.entrant_key == intake.digest(row.salt, "zoe@example.org")
    mail = db.scalars(select(MailOutbox)).all()
    assert [m.to_addr for m in mail] == ["zoe@example.org"]
    assert intake.withdraw_url(row, entry) in mail[0].body and "{base}" in mail[0].body


def test_incomplete_consent_and_a_minor_without_a_parent_are_refused(db: Session) -> None:
    rules = intake.rules_of(_row(db))
    with pytest.raises(RightsError, match="image and voice release is not ticked") as refused:
        intake.check(rules, replace(ADULT, answers={"data": True, "scope": True}))
    assert refused.value.reasons == ("release",)
    with pytest.raises(RightsError, match="parent"):
        intake.check(rules, replace(MINOR, parent_email=""))
    with pytest.raises(RightsError, match="must not be"):
        intake.check(rules, replace(MINOR, parent_email="KID@example.org"))
    with pytest.raises(UsageError, match="age band"):
        intake.check(rules, replace(ADULT, age_band="50+"))  # not in the file's bands
    with pytest.raises(UsageError, match="DE"):
        intake.check(rules, replace(ADULT, country="de"))
    with pytest.raises(UsageError, match="e-mail"):
        intake.check(rules, replace(ADULT, email="not an address"))
    with pytest.raises(UsageError, match="https"):
        intake.check(rules, replace(ADULT, link="javascript:alert(1)"))


def test_a_minor_waits_for_the_parent_whose_link_works_once(db: Session,
                                                            tmp_path: Path) -> None:
    row = _row(db)
    entry = _entry(db, row, MINOR, tmp_path)
    assert entry.consent == consent.PENDING_PARENT and not consent.visible(entry)
    to = sorted(m.to_addr for m in db.scalars(select(MailOutbox)))
    assert to == ["kid@example.org", "parent@example.org"]
    url = intake.parent_url(row, entry, utcnow())
    token = url.split("?t=")[1]
    assert intake.entry_by_link(db, row, intake.PARENT, entry.public_id, token) is entry
    with pytest.raises(NotFoundError):  # the withdrawal purpose does not confirm
        intake.entry_by_link(db, row, intake.WITHDRAW, entry.public_id, token)
    with pytest.raises(NotFoundError):  # expired
        intake.entry_by_link(db, row, intake.PARENT, entry.public_id, token,
                             now=utcnow() + timedelta(days=intake.PARENT_LINK_DAYS + 1))
    with pytest.raises(NotFoundError):  # forged
        forged = token[:-1] + ("1" if token.endswith("0") else "0")
        intake.entry_by_link(db, row, intake.PARENT, entry.public_id, forged)
    assert intake.confirm_parent(db, row, entry, answer=True, address="198.51.100.2",
                                 agent="Laptop", lang="fr", owner="Prime Video")
    assert entry.consent == consent.COMPLETE
    assert not intake.confirm_parent(db, row, entry, answer=True, address="x", agent="y",
                                     lang="fr", owner="Prime Video")  # a replay changes nothing
    parent = db.scalars(select(ChallengeConsent).where(ChallengeConsent.item == "parent")).all()
    assert len(parent) == 1 and parent[0].by == "parent" and "tuteur" in parent[0].terms_text


def test_a_parents_refusal_withdraws_the_entry_and_queues_its_purge(
        db: Session, tmp_path: Path) -> None:
    row = _row(db)
    entry = _entry(db, row, MINOR, tmp_path)
    assert intake.confirm_parent(db, row, entry, answer=False, address="a", agent="b",
                                 lang="en", owner="Prime Video")
    db.commit()
    assert entry.status == "withdrawn" and not consent.visible(entry)
    assert db.scalars(select(Job).where(Job.kind == purge.KIND)).one()
    with pytest.raises(ConflictError, match="withdrawn"):
        intake.confirm_parent(db, row, entry, answer=True, address="a", agent="b",
                              lang="en", owner="Prime Video")


def test_the_same_video_is_taken_once_per_entrant_and_floods_stop(db: Session,
                                                                  tmp_path: Path) -> None:
    row = _row(db)
    _entry(db, row, ADULT, tmp_path, b"same")
    with pytest.raises(ConflictError, match="already sent this video"):
        _entry(db, row, ADULT, tmp_path, b"same")
    other = _entry(db, row, replace(ADULT, email="sam@example.org"), tmp_path, b"same")
    assert other.consent == consent.COMPLETE  # another entrant: triage finds the copy
    for n in range(intake.PER_ENTRANT - 1):
        _entry(db, row, ADULT, tmp_path, f"clip {n}".encode())
    with pytest.raises(RateLimitError, match="already sent 10"):
        _entry(db, row, ADULT, tmp_path, b"one more")
    with pytest.raises(RateLimitError, match="network"):
        for n in range(intake.PER_ADDRESS_DAY):
            _entry(db, row, replace(ADULT, email=f"bot{n}@example.org"), tmp_path,
                   f"bot {n}".encode())


def _stage(path: Path, ids: list[str]) -> None:
    import duckdb

    values = ", ".join(f"('{i}', {n})" for n, i in enumerate(ids))
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT * FROM (VALUES {values}) t(id, score)) TO '{path}' "
                    "(FORMAT parquet)")


def _ids(path: Path) -> list[str]:
    import duckdb

    with duckdb.connect() as con:
        return [r[0] for r in con.execute(f"SELECT id FROM read_parquet('{path}') ORDER BY id")
                .fetchall()]


def test_withdrawal_is_immediate_and_the_purge_leaves_only_a_receipt(
        db: Session, tmp_path: Path) -> None:
    row = _row(db)
    gone = _entry(db, row, ADULT, tmp_path, b"gone")
    kept = _entry(db, row, replace(ADULT, email="sam@example.org"), tmp_path, b"kept")
    folder = challenge_folder(tmp_path, row.id)
    for name in ("probe", "speech"):
        _stage(stage_file(folder, name), [gone.public_id, kept.public_id])
    _stage(folder / "verdicts.parquet", [kept.public_id, gone.public_id])
    derived = derived_folder(folder, gone.public_id)
    derived.mkdir(parents=True)
    (derived / "thumb.jpg").write_bytes(b"jpg")
    media = Path(gone.path)

    assert intake.withdraw(db, row, gone)
    assert not intake.withdraw(db, row, gone)  # a replayed link
    db.commit()
    assert not consent.visible(gone) and gone.status == "withdrawn"
    job = db.scalars(select(Job).where(Job.kind == purge.KIND)).one()
    assert json.loads(job.payload)["public_id"] == gone.public_id
    assert purge.purge_due(db, tmp_path) == 0  # the job's to do first, the chore later

    receipt = purge.purge(db, gone, tmp_path)
    db.commit()
    assert not media.exists() and not derived.exists() and Path(kept.path).exists()
    for name in ("stage-probe", "stage-speech", "verdicts"):
        assert _ids(folder / f"{name}.parquet") == [kept.public_id]
    assert gone.status == "purged" and gone.entrant_key == "" and gone.path == ""
    assert gone.declared == "{}" and db.get(ChallengeContact, gone.id) is None
    listed = set(json.loads(receipt.deleted))
    assert {"video", "derived", "results:stage-probe", "entrant"} <= listed
    assert receipt.receipt_id.startswith("r") and purge.purge(db, gone, tmp_path) is receipt
    sent = db.scalars(select(MailOutbox).where(MailOutbox.subject.contains(receipt.receipt_id)))
    assert [m.to_addr for m in sent] == ["zoe@example.org"]
    assert db.scalars(select(ChallengeConsent).where(
        ChallengeConsent.entry_id == gone.id)).all()  # the consent log stays, as the law asks
    assert db.scalars(select(ChallengeReceipt)).one().public_id == gone.public_id


def test_the_chore_purges_what_no_job_did_within_the_day(db: Session, tmp_path: Path) -> None:
    row = _row(db)
    entry = _entry(db, row, ADULT, tmp_path)
    intake.withdraw(db, row, entry, now=utcnow() - timedelta(hours=2))
    db.commit()
    assert purge.purge_due(db, tmp_path) == 1
    assert entry.status == "purged" and not Path(intake.rules_of(row).id).exists()
    assert db.scalars(select(User)).all() == []  # entrants are never accounts


def test_abandoned_entry_uploads_are_swept_and_workspace_ones_are_not_touched(
        tmp_path: Path) -> None:
    import time

    from coulisses.studio.uploads import UploadStore

    entries = intake.EntryUploads(tmp_path, intake.HARD_CAP - 1)
    started = entries.create(7, 0, "me.mp4", 100)
    assert (challenge_folder(tmp_path, 7) / "uploads" / f"{started.id}.part").exists()
    studio = UploadStore(tmp_path, 10_000)
    studio.create(7, 1, "rush.mp4", 100)
    later = time.time() + 8 * 24 * 3600
    assert entries.sweep(later) == 1 and entries.sweep(later) == 0
    assert studio.sweep(later) == 1


def test_an_entry_far_longer_than_the_rules_is_refused_at_once(
        landscape_clip: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coulisses.campaign.template import load_example
    from coulisses.errors import UploadError

    casting = next(c for c in load_example("casting-series-fr").challenges
                   if c.id == "casting")
    assert intake.check_media(casting, landscape_clip, "me.mp4") == pytest.approx(3.0, abs=0.1)
    monkeypatch.setattr(intake, "DURATION_SLACK_S", 0.5)  # the clip is 3 s; the rules say 1 s
    short = casting.model_copy(update={"min_duration_s": 0.0, "max_duration_s": 1.0})
    with pytest.raises(UploadError, match=r"me.mp4: 3 s long, over the 1 s") as refused:
        intake.check_media(short, landscape_clip, "me.mp4")
    assert refused.value.http_status == 422
