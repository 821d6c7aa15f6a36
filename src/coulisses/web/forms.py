"""What the media pages share: the settings, time fields parsed from forms, the platform list
for the render forms. Rows are looked up in their workspace by ``studio.scope.scoped``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request

from coulisses.settings import Settings


def settings_of(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def number(raw: Any, name: str, *, minimum: float = 0.0,
           maximum: float = 24 * 3600.0) -> float | None:
    """A time in seconds from a form field, given as seconds (``75.5``, ``75,5``) or as a time
    code (``mm:ss``, ``hh:mm:ss.ff``: ``timecode.parse_time``); empty means None.

    Raises:
        UsageError: not a number or time code, or out of range.
    """
    from coulisses.errors import UsageError
    from coulisses.timecode import parse_time

    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = repr(float(raw)) if abs(raw) >= 1e-4 or raw == 0 else f"{raw:.6f}"  # JSON numbers
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    try:
        value = float(parse_time(text[:40]))
    except UsageError:
        raise UsageError(f"{name}: {text[:40]!r} is not a number of seconds or a time code "
                         "(mm:ss or hh:mm:ss.ff)") from None
    if not minimum <= value <= maximum or value != value:
        raise UsageError(f"{name}: {value:g} is out of range ({minimum:g} to {maximum:g} s)")
    return value


@lru_cache(maxsize=8)
def registry_for(platform_dirs: tuple[Path, ...]) -> Any:
    """The platform registry (read once per process and folder list: pages list it often)."""
    from coulisses.platforms.registry import Registry

    return Registry.load(platform_dirs)


def platform_choices(settings: Settings) -> list[tuple[str, str]]:
    """(id, name) of every platform, for the render forms."""
    registry = registry_for(tuple(settings.platform_dirs))
    return [(p, registry[p].name) for p in registry]
