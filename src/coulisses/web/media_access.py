"""Look up media rows inside one workspace: an id from another workspace is simply not found.

Every media route goes through these, so a member of workspace A asking for B's rush, cut,
version, variant or comment gets the same 404 as for an id that never existed.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from coulisses.errors import NotFoundError
from coulisses.settings import Settings
from coulisses.store.media_tables import Comment, Cut, CutVersion, Rush, Variant

Row = TypeVar("Row", Rush, Cut, CutVersion, Variant, Comment)

_WHAT: dict[type, str] = {Rush: "rush", Cut: "cut", CutVersion: "cut version",
                          Variant: "variant", Comment: "comment"}


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


def settings_of(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def wants_json(request: Request) -> bool:
    """Whether the caller asked for JSON (an API path or an ``Accept`` header)."""
    accept = request.headers.get("accept", "")
    return request.url.path.startswith("/api/") or (
        "application/json" in accept and "text/html" not in accept)


def number(raw: Any, name: str, *, minimum: float = 0.0,
           maximum: float = 24 * 3600.0) -> float | None:
    """A time in seconds from a form field; empty means None.

    Raises:
        UsageError: not a number, or out of range.
    """
    from coulisses.errors import UsageError

    text = str(raw if raw is not None else "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{name}: {text[:40]!r} is not a number of seconds") from None
    if not minimum <= value <= maximum or value != value:
        raise UsageError(f"{name}: {value:g} is out of range ({minimum:g} to {maximum:g} s)")
    return value


def allowed(action: str) -> Any:
    """``deps.require(action)``: the media routes' guard (the membership comes with its
    workspace loaded, so error pages raised later in a route still name it)."""
    from coulisses.web.deps import require

    return require(action)


@lru_cache(maxsize=8)
def registry_for(platform_dirs: tuple[Path, ...]) -> Any:
    """The platform registry (read once per process and folder list: pages list it often)."""
    from coulisses.platforms.registry import Registry

    return Registry.load(platform_dirs)


def platform_choices(settings: Settings) -> list[tuple[str, str]]:
    """(id, name) of every platform, for the render forms."""
    registry = registry_for(tuple(settings.platform_dirs))
    return [(p, registry[p].name) for p in registry]
