"""Which export is this? Match the first rows against every header signature in headers.yaml
and name the file, and the platform it looks like, when nothing fits or --platform disagrees.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain

from coulisses.kpi.imports.headers import HeaderMatch, export_specs, match_header
from coulisses.kpi.imports.model import Context
from coulisses.kpi.imports.readers import Row, Sheet

PLATFORM_NAMES = {"tiktok": "TikTok", "instagram": "Instagram", "facebook": "Facebook",
                  "youtube": "YouTube", "linkedin": "LinkedIn", "generic": "a mapped CSV"}
_PEEK = 12  # header rows sit below at most a few title lines
_META = ("meta.",)  # Meta's exports carry Instagram or Facebook numbers alike


@dataclass
class Detected:
    """A recognised table: its header match, the title line above it, and the data rows."""

    match: HeaderMatch
    title: str | None
    rows: Iterator[tuple[int, Row]]


def detect(sheet: Sheet, ctx: Context) -> Detected | None:
    """Find the header row among the first rows; None when this sheet matches no export.

    Raises:
        AnalyticsImportError: the file looks like another platform's export than --platform,
            or like a known export with a required column missing.
    """
    head: list[tuple[int, Row]] = []
    for item in sheet.rows:
        head.append(item)
        if len(head) >= _PEEK:
            break
    best: HeaderMatch | None = None
    partial: HeaderMatch | None = None
    title: str | None = None
    last_single: str | None = None
    start = 0
    for position, (number, cells) in enumerate(head):
        filled = [c for c in cells if c not in (None, "")]
        if len(filled) == 1:
            last_single = str(filled[0]).strip()
        if len(filled) < 2:
            continue
        for spec in export_specs().values():
            found = match_header(spec, cells, number)
            if found.complete and (best is None or found.score > best.score):
                best, title = found, last_single
                start = position + 1
            elif not found.complete and found.score >= 3 and (
                    partial is None or found.score > partial.score):
                partial = found
        if best is not None:
            break
    if best is None:
        if partial is not None:
            missing = [f for f in partial.spec.signature if f not in partial.columns]
            wanted = [partial.spec.columns[f].en[0] for f in missing]
            raise ctx.error(f"looks like a {partial.spec.label} but the column(s) "
                            f"{', '.join(repr(w) for w in wanted)} are missing",
                            row=partial.row,
                            hint="download the full export again; for a sheet of your own, "
                                 "--platform generic guesses a mapping")
        sheet.rows = chain(head, sheet.rows)
        return None
    wanted_platform = ctx.platform
    if wanted_platform and wanted_platform != best.spec.platform and not (
            best.spec.id.startswith(_META) and wanted_platform in ("instagram", "facebook")):
        raise ctx.error(f"looks like a {best.spec.label} ({PLATFORM_NAMES[best.spec.platform]}),"
                        f" not {PLATFORM_NAMES.get(wanted_platform, wanted_platform)}",
                        row=best.row, hint="drop --platform to detect it, or pick the right file")
    sheet.check_merged(best.row)
    return Detected(best, title, chain(head[start:], sheet.rows))


def known_exports() -> str:
    """The labels of every export coulisses recognises, for error hints."""
    return "; ".join(spec.label for spec in export_specs().values())
