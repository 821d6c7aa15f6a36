"""The public vote on a challenge's shortlist: a poll of the backstage page (its engine, its
fraud defences, its results on the page) whose options are the shortlisted entries' clips.

An entry that is withdrawn leaves the vote at once: ``remove_entry`` deletes its option, and
the votes cast for it with it, so nothing counts for an entry no one may see any more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.backstage import polls
from coulisses.backstage.tables import BackstagePage, Poll, PollOption
from coulisses.campaign.schema import Challenge
from coulisses.challenges.consent import visible
from coulisses.challenges.entry import EntryRecord
from coulisses.challenges.jury import jury_of
from coulisses.challenges.jury_tables import ChallengeVoteOption
from coulisses.challenges.tables import ChallengeEntry, ChallengeRow
from coulisses.errors import ConflictError, UsageError

#: a clip's end when triage did not measure the entry's duration
FALLBACK_END_S = 60.0

QUESTION = {"en": "Who should get the part? ({title})",
            "fr": "Qui doit avoir le rôle ? ({title})"}
LABEL = {"en": "Entry {rank}", "fr": "Candidature {rank}"}


def poll_of(db: Session, challenge: ChallengeRow) -> Poll | None:
    """The challenge's public vote, if one was opened."""
    jury = jury_of(db, challenge)
    return db.get(Poll, jury.poll_id) if jury.poll_id is not None else None


def _media(entry: ChallengeEntry, data_dir: Path) -> str:
    path = Path(entry.path).resolve()
    root = data_dir.resolve()
    if not path.is_relative_to(root):
        raise UsageError(f"entry {entry.public_id} is outside the data folder ({root}): "
                         "ingest it again so the backstage page may show it")
    return path.relative_to(root).as_posix()


def open_vote(db: Session, challenge: ChallengeRow, rules: Challenge,
              records: Sequence[EntryRecord], *, page: BackstagePage, data_dir: Path,
              opens_at: datetime, closes_at: datetime, lang: str = "en") -> Poll:
    """Open the public vote on the shortlist (``records`` from ``results.entry_records``,
    shortlisted ones in rank order) as a poll of the campaign's backstage ``page``, one clip
    option per visible shortlisted entry; flushed, not committed.

    Raises:
        UsageError: the challenge does not say ``public_vote: true``, fewer than two visible
            shortlisted entries, an entry outside the data folder, or bad dates.
        ConflictError: the challenge's vote is already open.
    """
    if not rules.public_vote:
        raise UsageError(f"challenge {rules.id!r} has no public vote: set public_vote: true "
                         "in the campaign file; until then the shortlist is jury-only")
    if poll_of(db, challenge) is not None:
        raise ConflictError(f"the public vote of challenge {rules.id!r} is already open")
    chosen = sorted((r for r in records if r.shortlisted),
                    key=lambda r: (r.rank is None, r.rank or 0, r.id))
    rows = {e.public_id: e for e in db.scalars(select(ChallengeEntry).where(
        ChallengeEntry.challenge_id == challenge.id,
        ChallengeEntry.public_id.in_([r.id for r in chosen])))}
    shown = [(r, rows[r.id]) for r in chosen if r.id in rows and visible(rows[r.id])]
    if len(shown) < polls.MIN_OPTIONS:
        raise UsageError(f"the public vote needs at least {polls.MIN_OPTIONS} shortlisted "
                         f"entries that may be shown, not {len(shown)}")
    lang = lang if lang in LABEL else "en"
    specs = [polls.OptionSpec(LABEL[lang].format(rank=i), kind="clip",
                              media=_media(entry, data_dir), t_start=0.0,
                              t_end=record.duration_s or FALLBACK_END_S)
             for i, (record, entry) in enumerate(shown, start=1)]
    poll = polls.create_poll(db, page_id=page.id,
                             question=QUESTION[lang].format(title=rules.title)[:300],
                             options=specs, opens_at=opens_at, closes_at=closes_at,
                             results="after_close", max_options=len(specs))
    for option, (_, entry) in zip(polls.options_of(db, poll), shown, strict=True):
        db.add(ChallengeVoteOption(option_id=option.id, entry_id=entry.id))
    jury_of(db, challenge).poll_id = poll.id
    db.flush()
    return poll


def remove_entry(db: Session, entry: ChallengeEntry) -> int:
    """Take a (withdrawn) entry out of every vote at once: its options and the votes for them
    are deleted; returns how many options went. The caller commits."""
    options = list(db.scalars(select(PollOption).join(
        ChallengeVoteOption, ChallengeVoteOption.option_id == PollOption.id)
        .where(ChallengeVoteOption.entry_id == entry.id)))
    for option in options:
        db.delete(option)  # its votes and its ChallengeVoteOption go by ON DELETE CASCADE
    db.flush()
    return len(options)


@dataclass(frozen=True)
class Standing:
    """One shortlisted entry's counted votes in the public vote."""

    public_id: str
    label: str
    votes: int


def results(db: Session, challenge: ChallengeRow) -> tuple[Standing, ...]:
    """The counted votes per entry still in the vote, most first (the page shows the same
    tally through the poll engine)."""
    poll = poll_of(db, challenge)
    if poll is None:
        return ()
    owner = dict(db.execute(select(ChallengeVoteOption.option_id, ChallengeEntry.public_id)
                            .join(ChallengeEntry,
                                  ChallengeEntry.id == ChallengeVoteOption.entry_id)).all())
    tally = polls.tally(db, poll)
    out = [Standing(owner.get(o.id, ""), o.label, n) for o, n in tally.counts]
    return tuple(sorted(out, key=lambda s: -s.votes))
