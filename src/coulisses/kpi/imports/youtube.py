"""YouTube Studio advanced-mode export ("Table data.csv"): one row per video after a
``Total`` row, which is skipped (it would double count every video).
"""

from __future__ import annotations

from coulisses.kpi.imports.model import Fields, Hooks

TOTAL_ROWS = frozenset({"total", "totaux", "totales"})


def video_id(fields: Fields) -> str | None:
    """The ``Content`` column holds the 11-character video id."""
    value = fields.get("post_id")
    return value if isinstance(value, str) and value else None


def is_total(fields: Fields) -> bool:
    value = fields.get("post_id")
    return isinstance(value, str) and value.casefold() in TOTAL_ROWS


HOOKS = {"youtube.table": Hooks(post_id=video_id, skip=is_total)}
