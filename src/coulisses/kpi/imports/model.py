"""What adapters produce and where it goes: the ``Sink`` (the store's staging files, or a list
in tests), the per-file ``Context`` and the per-export ``Hooks``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from coulisses.errors import AnalyticsImportError

Fields = dict[str, object]


class Sink(Protocol):
    """Receives posts and values row by row; must not hold them all in memory."""

    def post(self, platform: str, post_id: str, url: str | None, caption: str | None,
             published_at: datetime | None, duration_s: float | None, format: str | None,
             sheet: str | None, row: int) -> None: ...

    def value(self, platform: str, post_id: str, scope: str, day: date, metric: str,
              value: float, sheet: str | None, row: int, column: str) -> None: ...


@dataclass
class Context:
    """One file being read: where it is, the export's date, and what was noticed on the way."""

    path: Path
    as_of: date
    platform: str | None = None  # what --platform said, None for auto
    sheet: str | None = None
    decimal: str = "."
    dayfirst: bool = False
    date_format: str | None = None  # a generic CSV's strptime format
    warnings: list[str] = field(default_factory=list)
    partial_days: set[date] = field(default_factory=set)
    rows_read: int = 0
    rows_stored: int = 0

    def error(self, message: str, *, row: int | None = None, column: str | None = None,
              hint: str | None = None) -> AnalyticsImportError:
        return AnalyticsImportError(message, path=self.path, sheet=self.sheet, row=row,
                                    column=column, hint=hint)


@dataclass(frozen=True)
class Hooks:
    """What differs between exports beyond their headers.

    ``post_id`` gives the platform id of a row's post ('' for account-level rows, None when
    the row names no post); ``skip`` drops rows such as YouTube's ``Total``; ``platform``
    picks the platform of a row (Meta exports mix Instagram and Facebook).
    """

    post_id: Callable[[Fields], str | None]
    skip: Callable[[Fields], bool] = lambda fields: False
    platform: Callable[[Fields, str], str] = lambda fields, default: default
