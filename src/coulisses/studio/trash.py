"""The trash: deleting a campaign, rush, cut or comment only stamps its ``deleted_at``; the row
vanishes from lists and routes (``scope.scoped`` and the list queries skip it) until an owner or
editor restores it, and the upkeep purges it, files included, after ``RETENTION``.

A rush takes its cuts to the trash with it (the same stamp), and brings them back on restore.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from coulisses.errors import NotFoundError
from coulisses.studio import files
from coulisses.studio.tables import AuditEvent, Campaign, Comment, Cut, Rush, utcnow

RETENTION = timedelta(days=30)

Trashable = Campaign | Rush | Cut | Comment

# purged in this order: comments and cuts before the rushes and campaigns that hold them
KINDS: dict[str, Any] = {
    "comment": Comment, "cut": Cut, "rush": Rush, "campaign": Campaign}


@dataclass(frozen=True)
class TrashItem:
    """One thing in a workspace's trash, as the trash page lists it."""

    kind: str
    id: int
    label: str
    deleted_at: datetime


def _label(row: Any) -> str:
    if isinstance(row, Comment):
        return row.body[:80]
    if isinstance(row, Cut):
        return row.title
    return str(row.name)


def find(db: Session, kind: str, workspace_id: int, item_id: int, *,
         deleted: bool) -> Trashable:
    """The workspace's ``kind`` row ``item_id``, in the trash (``deleted``) or not.

    Raises:
        NotFoundError: no such kind, or no such row in that state in this workspace.
    """
    model = KINDS.get(kind)
    if model is None:
        raise NotFoundError("No such kind of item.", hint="check the link")
    column = model.deleted_at
    row = db.scalars(select(model).where(
        model.id == item_id, model.workspace_id == workspace_id,
        column.is_not(None) if deleted else column.is_(None))).first()
    if row is None:
        raise NotFoundError(f"No such {kind} in this workspace.", hint="check the link")
    found: Trashable = row
    return found


def trash(db: Session, row: Trashable, *, user_id: int) -> None:
    """Put ``row`` in the trash (a rush takes its cuts along) and commit, with an audit event."""
    now = utcnow()
    row.deleted_at = now
    kind = _kind(row)
    if isinstance(row, Rush):
        db.execute(update(Cut).where(Cut.rush_id == row.id, Cut.deleted_at.is_(None))
                   .values(deleted_at=now))
    db.add(AuditEvent(workspace_id=row.workspace_id, user_id=user_id, action=f"{kind}.delete",
                      detail=f"{row.id}:{_label(row)[:150]}"))
    db.commit()


def restore(db: Session, row: Trashable, *, user_id: int) -> None:
    """Take ``row`` out of the trash (a rush brings back the cuts it took along) and commit."""
    stamp = row.deleted_at
    if isinstance(row, Rush) and stamp is not None:
        db.execute(update(Cut).where(Cut.rush_id == row.id, Cut.deleted_at == stamp)
                   .values(deleted_at=None))
    row.deleted_at = None
    db.add(AuditEvent(workspace_id=row.workspace_id, user_id=user_id,
                      action=f"{_kind(row)}.restore", detail=str(row.id)))
    db.commit()


def listing(db: Session, workspace_id: int) -> list[TrashItem]:
    """What is in the workspace's trash, most recently deleted first."""
    items: list[TrashItem] = []
    for kind, model in KINDS.items():
        rows = db.scalars(select(model).where(model.workspace_id == workspace_id,
                                              model.deleted_at.is_not(None)).limit(500))
        for row in rows:
            if isinstance(row, Cut) and _rush_trashed_with(db, row):
                continue  # it comes back with its rush
            assert row.deleted_at is not None
            items.append(TrashItem(kind, row.id, _label(row), row.deleted_at))
    return sorted(items, key=lambda i: i.deleted_at, reverse=True)


def purge(db: Session, data_dir: Path, *, retention: timedelta = RETENTION) -> int:
    """Delete for good what has been in the trash longer than ``retention``, with its files;
    returns how many rows went. The rows go first: a crash leaves orphan files (swept again
    next time), never a row whose file is gone."""
    cutoff = utcnow() - retention
    doomed_files: list[Path] = []
    count = 0
    for model in KINDS.values():
        rows = list(db.scalars(select(model).where(model.deleted_at.is_not(None),
                                                   model.deleted_at < cutoff).limit(1000)))
        for row in rows:
            doomed_files += _files_of(db, data_dir, row)
            db.delete(row)
            count += 1
    db.commit()
    for path in doomed_files:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return count


def _files_of(db: Session, data_dir: Path, row: Any) -> list[Path]:
    if isinstance(row, Rush):
        out = [Path(data_dir) / rel for rel in (row.path, row.thumb) if rel]
        out.append(files.analysis_file(data_dir, row.workspace_id, row.id))
        for cut in db.scalars(select(Cut).where(Cut.rush_id == row.id)):
            out += _files_of(db, data_dir, cut)
        return out
    if isinstance(row, Cut):
        return [Path(data_dir) / v.out_dir for v in row.versions if v.out_dir]
    return []


def _rush_trashed_with(db: Session, cut: Cut) -> bool:
    rush = db.get(Rush, cut.rush_id)
    return rush is not None and rush.deleted_at is not None and rush.deleted_at == cut.deleted_at


def _kind(row: Trashable) -> str:
    return {Campaign: "campaign", Rush: "rush", Cut: "cut", Comment: "comment"}[type(row)]
