"""What every triage stage is given and what it gives back: one entry in, one flat row out.

A stage is a pure function of one entry and the challenge's rules, so any worker (a local
process or a Ray task) can run it, and its rows can be checkpointed as one Parquet file per stage.
Rows hold compact features only (numbers, short text, hashes, embeddings as bytes), never frames.
Decisions across entries (duplicate groups, the shortlist) are made afterwards from the rows.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from coulisses.campaign.schema import AgeBand, Challenge

#: a value a stage's row may hold (one Parquet column each)
Scalar = str | int | float | bool | bytes | None

#: declared age bands under which French law asks a parent's joint consent before anyone sees
#: the entry (under 15), and the authorisations of hiring a minor before a casting shortlist
#: (under 16)
PARENT_CONSENT_BANDS: frozenset[AgeBand] = frozenset({"under-13", "13-14"})
HIRING_AUTHORISATION_BANDS: frozenset[AgeBand] = frozenset({"under-13", "13-14", "15"})


@dataclass(frozen=True)
class Rules:
    """The parts of a challenge that triage applies."""

    brief: str
    language: str | None = None  # None: detected per entry
    formats: tuple[str, ...] = ("mp4", "mov", "webm", "m4v")
    min_duration_s: float = 3.0
    max_duration_s: float = 60.0
    min_height: int = 480  # shorter side, pixels
    shortlist: int = 10
    diversity: tuple[str, ...] = ()  # declared fields the shortlist is spread across
    min_relevance: float = 0.5  # below it, an entry is off brief

    @classmethod
    def of(cls, challenge: Challenge) -> Rules:
        """The rules of a challenge from the campaign file."""
        return cls(brief=challenge.brief, language=challenge.language,
                   formats=tuple(f.lower().lstrip(".") for f in challenge.formats),
                   min_duration_s=challenge.min_duration_s,
                   max_duration_s=challenge.max_duration_s, min_height=challenge.min_height,
                   shortlist=challenge.shortlist, diversity=challenge.diversity,
                   min_relevance=challenge.min_relevance)


@dataclass(frozen=True)
class Entry:
    """One entry as a stage sees it: its id, its media file and what the entrant declared."""

    id: str  # the entry's public id (``ChallengeEntry.public_id``), the key of every row
    path: Path
    declared: Mapping[str, str] = field(default_factory=dict)  # city, age_band, ...
    face_matching: bool = False  # the entrant opted in to face matching (biometric)


class Stage(Protocol):
    """One triage stage: ``run`` is pure and picklable (module-level), cheap gates first.

    ``name`` names its checkpoint (``stage-<name>.parquet``); ``columns`` lists the keys of the
    row ``run`` returns, always all of them (None where a value could not be had).
    """

    @property
    def name(self) -> str: ...

    @property
    def columns(self) -> tuple[str, ...]: ...

    def run(self, entry: Entry, rules: Rules) -> dict[str, Scalar]: ...


@dataclass(frozen=True)
class Duplicate:
    """Where an entry stands among copies: ``group`` is shared by entries that are copies of
    each other (None: unique); ``original`` is the entry or blocklist item kept as the first
    (None: this one); ``blocked`` when it copies an item of the blocklist."""

    group: str | None = None
    original: str | None = None
    blocked: bool = False
    distance: float | None = None  # to the original, in the matcher's units


@dataclass(frozen=True)
class Candidate:
    """An entry as the shortlist sees it, after every stage."""

    id: str
    qc_passed: bool
    qc_reasons: tuple[str, ...]
    duplicate: Duplicate
    relevance: float  # 0 to 1
    relevance_reason: str
    quality: float  # 0 to 1, technical quality from the QC stage
    declared: Mapping[str, str]
    eligible: bool  # consent complete, not withdrawn, age band accepted, minors cleared
    ineligible_reason: str = ""


@dataclass(frozen=True)
class Verdict:
    """The shortlist's word on one entry: ranked, or excluded with a reason a person can read."""

    id: str
    shortlisted: bool
    rank: int | None
    reason: str


@dataclass(frozen=True)
class EntryRecord:
    """Everything ``coulisses challenge entries --json`` says of one entry (and the report,
    the jury page and the gallery read): the entry's row joined with every stage's row and the
    shortlist's verdict."""

    id: str
    file: str
    status: str
    consent: str
    qc_passed: bool | None  # None: not triaged yet
    qc_reasons: tuple[str, ...]
    duplicate_group: str | None
    duplicate_of: str | None
    relevance: float | None
    relevance_reason: str
    shortlisted: bool
    rank: int | None
    exclusion: str  # why it is not shortlisted, for a person to read ("" when shortlisted)
    declared: Mapping[str, str] = field(default_factory=dict)
    language: str | None = None
    duration_s: float | None = None
    #: the group of entries that show the same person (opted-in entries only; None: alone)
    same_person_group: str | None = None
    file_missing: bool = False  # the entry's media file is not where it was recorded


def new_entry_id() -> str:
    """A new entry's public id: ``e``, 13 hex digits of the time in microseconds, 7 random hex
    digits. Ids sort by arrival, so the first of a group of copies is the one sent first."""
    return f"e{time.time_ns() // 1000:013x}{secrets.token_hex(4)[:7]}"


def challenge_folder(data_dir: Path, challenge_id: int) -> Path:
    """Where a challenge's files live: uploads, ``stage-<name>.parquet`` checkpoints (one row
    per entry, its first column ``id`` the entry's public id) and ``derived/<public_id>/``
    (thumbnails, contact sheets: everything a purge deletes)."""
    return data_dir / "challenges" / str(challenge_id)


def stage_file(folder: Path, stage: str) -> Path:
    """A stage's checkpoint in a challenge's folder."""
    return folder / f"stage-{stage}.parquet"


def derived_folder(folder: Path, public_id: str) -> Path:
    """An entry's derived files (thumbnails, contact sheets), deleted by a purge."""
    return folder / "derived" / public_id
