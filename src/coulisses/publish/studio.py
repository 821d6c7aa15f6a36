"""The publishing side's only door into the studio database: sessions from the settings, and
the studio's cuts offered for posts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from coulisses.settings import Settings
from coulisses.studio.db import default_url, open_database

if TYPE_CHECKING:
    from coulisses.publish.plan_posts import Offer


def sessions(settings: Settings) -> sessionmaker[Session]:
    """A session factory on the studio database, migrated to the newest schema.

    Raises:
        UsageError: the database cannot be reached or migrated.
    """
    return open_database(default_url(settings))[1]


def open_url(url: str) -> tuple[Engine, sessionmaker[Session]]:
    """The engine and a session factory for a database URL, migrated to the newest schema.

    Raises:
        UsageError: the database cannot be reached or migrated.
    """
    return open_database(url)


def offer_from_cut(session: Session, data_dir: Path, deliverable: str, version_id: int,
                   platform: str) -> Offer:
    """A studio cut version's variant for ``platform``, offered for ``deliverable``: its QC,
    whether the version was approved, and the moment kinds found in the part of the rush it
    uses.

    Raises:
        NotFoundError: no such cut version, or no variant of it for that platform.
    """
    from coulisses.analysis.moments import BTS_CUES
    from coulisses.errors import NotFoundError
    from coulisses.publish.plan_posts import Offer
    from coulisses.studio.tables import CutVariant, CutVersion, Rush

    version = session.get(CutVersion, version_id)
    if version is None:
        raise NotFoundError(f"no cut version {version_id}")
    variant = session.scalars(select(CutVariant).where(CutVariant.version_id == version_id,
                                                       CutVariant.platform == platform)).first()
    if variant is None:
        raise NotFoundError(f"cut version {version_id} has no {platform} variant",
                            hint="render it for that platform in the studio")
    rush = session.get(Rush, version.cut.rush_id)
    kinds: list[str] = []
    start, end = version.start or 0.0, version.end if version.end is not None else float("inf")
    known = {*BTS_CUES, "laughter", "crew"}
    for moment in json.loads(rush.moments or "[]") if rush is not None else []:
        if moment.get("end", 0) > start and moment.get("start", 0) < end:
            kinds += [k for k, v in (moment.get("scores") or {}).items() if k in known and v > 0]
    label = f"studio cut {version.cut_id} version {version.number}"
    qc = json.loads(variant.qc or "{}")
    reasons = tuple(f"{c['name']}: expected {c['expected']}, got {c['actual']}"
                    for c in qc.get("checks", []) if not c.get("passed", True))
    duration = (version.end - version.start) if version.end is not None and \
        version.start is not None else 0.0
    return Offer(deliverable, data_dir / variant.video, bool(variant.passed), reasons,
                 cut=label, approved=version.decision == "approved",
                 moment_kinds=tuple(dict.fromkeys(kinds)), duration_s=duration)
