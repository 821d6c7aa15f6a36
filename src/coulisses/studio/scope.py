"""Look up media rows inside one workspace: an id from another workspace is simply not found.

Every media rule and route goes through ``scoped``, so a member of workspace A asking for B's
rush, cut, version, variant or comment gets the same 404 as for an id that never existed.
Rows in the trash (``deleted_at`` set, ``studio/trash.py``), and the versions and variants of a
cut in the trash, are not found either.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from coulisses.errors import NotFoundError
from coulisses.studio.tables import Comment, Cut, CutVariant, CutVersion, Rush

Row = TypeVar("Row", Rush, Cut, CutVersion, CutVariant, Comment)

_WHAT: dict[type, str] = {Rush: "rush", Cut: "cut", CutVersion: "cut version",
                          CutVariant: "variant", Comment: "comment"}


def scoped(db: Session, model: type[Row], workspace_id: int, row_id: int) -> Row:
    """The row ``row_id`` of ``model`` in ``workspace_id``.

    Raises:
        NotFoundError: no such row in this workspace.
    """
    query = select(model).where(model.id == row_id, model.workspace_id == workspace_id)
    if issubclass(model, Rush | Cut | Comment):
        query = query.where(model.deleted_at.is_(None))
    elif model is CutVersion:
        query = query.where(CutVersion.cut_id.in_(_live_cuts(workspace_id)))
    elif model is CutVariant:
        query = query.where(CutVariant.version_id.in_(
            select(CutVersion.id).where(CutVersion.cut_id.in_(_live_cuts(workspace_id)))))
    row = db.scalars(query).first()
    if row is None:
        raise NotFoundError(f"No such {_WHAT[model]} in this workspace.",
                            hint="check the link")
    return row


def _live_cuts(workspace_id: int) -> Select[Any]:
    return select(Cut.id).where(Cut.workspace_id == workspace_id, Cut.deleted_at.is_(None))
