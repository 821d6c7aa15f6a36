"""The deliverables matrix: every asset by platform, canvas, duration and dates, as CSV and HTML.

Rows come from ``Plan.deliverables`` (built from the platform registry); this module only
lays them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from coulisses import spreadsheet
from coulisses.campaign.pages import label
from coulisses.campaign.plan import Plan, PlannedDeliverable
from coulisses.spreadsheet import decimal

CSV_COLUMNS = ("asset", "source_kind", "source", "title", "platform", "canvas", "aspect",
               "min_seconds", "max_seconds", "target_seconds", "due", "publish", "status",
               "shoot_day", "timezone")


def rows(deliverables: Sequence[PlannedDeliverable], timezone: str = "UTC",
         lang: str = "en") -> list[list[str]]:
    """One row of text per deliverable, in the order of ``CSV_COLUMNS``; a timed publication
    is ``YYYY-MM-DDTHH:MM`` in ``timezone`` (the campaign's), seconds with ``lang``'s decimal
    mark."""
    out = []
    for d in deliverables:
        publish = "" if d.publish is None else (
            d.publish.isoformat(timespec="minutes") if isinstance(d.publish, datetime)
            else d.publish.isoformat())
        out.append([d.id, d.source_kind, d.source, d.title, d.platform, d.canvas, d.aspect,
                    decimal(d.min_seconds, lang, "g"), decimal(d.max_seconds, lang, "g"),
                    decimal(d.target_seconds, lang, "g") if d.target_seconds else "",
                    d.due.isoformat() if d.due else "",
                    publish, d.status, d.day, timezone])
    return out


def to_csv(plan: Plan, lang: str = "en") -> str:
    """The matrix as CSV text, one header row and one row per asset, separated as a
    spreadsheet in ``lang`` expects (``spreadsheet.file_bytes`` adds the byte-order mark)."""
    return spreadsheet.table(CSV_COLUMNS, rows(plan.deliverables, plan.timezone or "UTC",
                                               lang), lang)


def matrix(plan: Plan) -> tuple[list[str], list[tuple[str, str, dict[str, PlannedDeliverable]]]]:
    """Platforms (columns) and, per episode or BTS item, its asset on each platform."""
    platforms: list[str] = []
    by_source: dict[str, tuple[str, str, dict[str, PlannedDeliverable]]] = {}
    for d in plan.deliverables:
        if d.platform not in platforms:
            platforms.append(d.platform)
        by_source.setdefault(d.source, (d.source_kind, d.title, {}))[2][d.platform] = d
    return platforms, [(kind, title, cells) for kind, title, cells in by_source.values()]


def to_html(plan: Plan, lang: str = "en") -> str:
    """The matrix (sources by platforms) and the full list, as one HTML page."""
    from coulisses.campaign.pages import render

    platforms, grid = matrix(plan)
    names = {d.platform: d.platform_name for d in plan.deliverables}
    return render("deliverables.html", lang, page_title=f"{label(lang, 'deliverables_title')}"
                  f" · {plan.title}", campaign_title=plan.title, platforms=platforms,
                  names=names, grid=grid, deliverables=plan.deliverables,
                  timezone=plan.timezone or "UTC",
                  status=lambda d: label(lang, f"status_{d.status}"))
