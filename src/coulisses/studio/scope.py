"""Look up media rows inside one workspace: an id from another workspace is simply not found.

Every media rule and route goes through ``scoped``, so a member of workspace A asking for B's
rush, cut, version, variant or comment gets the same 404 as for an id that never existed.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
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
    row = db.scalars(select(model).where(model.id == row_id,
                                         model.workspace_id == workspace_id)).first()
    if row is None:
        raise NotFoundError(f"No such {_WHAT[model]} in this workspace.",
                            hint="check the link")
    return row
