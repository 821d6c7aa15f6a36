"""Read one export file into a sink: open its sheets, detect each, parse every row.

The store calls ``read_export`` inside nothing: all it writes goes to the sink (staging), so a
failure part-way leaves the store untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from coulisses.kpi.imports import columnar, linkedin, meta, tiktok, youtube
from coulisses.kpi.imports.detect import Detected, detect, known_exports
from coulisses.kpi.imports.generic import load_mapping
from coulisses.kpi.imports.headers import match_header
from coulisses.kpi.imports.model import Context, Hooks, Sink
from coulisses.kpi.imports.readers import encoding_of, open_sheets
from coulisses.kpi.imports.table import read_rows

HOOKS: dict[str, Hooks] = {**tiktok.HOOKS, **meta.HOOKS, **youtube.HOOKS, **linkedin.HOOKS}
#: The refusal of a file no export signature matches (the studio offers a mapping guess then).
UNRECOGNISED = "not an analytics export coulisses recognises"
#: The conventions a header language implies, unless the file says otherwise.
LOCALES = {"en": (".", False), "fr": (",", True), "es": (",", True)}


def read_export(path: Path, sink: Sink, *, as_of: date, platform: str = "auto",
                mapping: Path | None = None,
                progress: Callable[[float], None] | None = None) -> tuple[Context, list[str]]:
    """Parse ``path`` into ``sink``; return the context (counts, warnings, partial days) and
    the adapter id of each table read.

    Raises:
        AnalyticsImportError: the file is empty, unrecognised, of another platform than
            ``platform``, or has a cell that cannot be read (located by sheet, row, column).
    """
    wanted = None if platform in ("auto", "generic") else platform
    ctx = Context(path=path, as_of=as_of, platform=wanted)
    if mapping is not None or platform == "generic":
        return _read_generic(path, sink, ctx, mapping, progress), ["generic"]
    adapters: list[str] = []
    skipped: list[str] = []
    for sheet in open_sheets(path):
        ctx.sheet = sheet.name
        ctx.platform = wanted
        found = detect(sheet, ctx)
        if found is None:
            skipped.append(sheet.name or path.name)
            continue
        _apply_locale(ctx, found)
        match = found.match
        if match.spec.id == "meta.metric":
            match = meta.metric_match(match, found.title, ctx)
        if match.unknown:
            ctx.warnings.append(f"{_where(ctx)}columns not imported (unknown to the "
                                f"{match.spec.label} reader): {', '.join(match.unknown)}")
        read_rows(match, found.rows, ctx, sink, HOOKS[match.spec.id],
                  progress=_ticker(sheet.position, sheet.size, progress))
        adapters.append(match.spec.id)
    if not adapters:
        ctx.sheet = None
        raise ctx.error(UNRECOGNISED,
                        hint=f"known: {known_exports()}; for another CSV, run with --platform "
                             "generic (without --mapping) to get a guessed mapping")
    if skipped and len(skipped) < len(adapters) + len(skipped):
        ctx.warnings.append(f"sheets not imported (no known header): {', '.join(skipped)}")
    if ctx.rows_read == 0:
        raise ctx.error("the export has a header but no data rows: nothing to import")
    return ctx, adapters


def recognises(path: Path) -> bool:
    """True when a sheet of ``path`` is a complete export coulisses knows (a file refused for
    another reason than its header is one); False for anything else, unreadable files too."""
    from coulisses.errors import AnalyticsImportError

    ctx = Context(path=path, as_of=date.today())
    try:
        for sheet in open_sheets(path):
            try:
                if detect(sheet, ctx) is not None:
                    return True
            finally:
                sheet.close()
    except AnalyticsImportError:
        return False
    return False


def _read_generic(path: Path, sink: Sink, ctx: Context, mapping: Path | None,
                  progress: Callable[[float], None] | None) -> Context:
    if mapping is None:
        raise ctx.error("--platform generic needs --mapping MAP.yaml",
                        hint="see docs/kpi.md, Importing analytics")
    spec_file = load_mapping(mapping)
    spec = spec_file.spec()
    ctx.decimal, ctx.date_format = spec_file.decimal, spec_file.date_format
    ctx.dayfirst = spec_file.decimal == ","
    ctx.platform = spec_file.platform
    # Hold the generator: dropping it would close a workbook before its rows are read.
    sheets = open_sheets(path, delimiter=spec_file.delimiter, encoding=spec_file.encoding)
    sheet = next(sheets)
    ctx.sheet = sheet.name
    header = next(sheet.rows, None)
    if header is None:
        raise ctx.error("the file has no header row")
    number, cells = header
    match = match_header(spec, cells, number)
    missing = [spec.columns[f].en[0] for f in spec.signature if f not in match.columns]
    if missing:
        raise ctx.error(f"column(s) {', '.join(repr(m) for m in missing)} named in "
                        f"{mapping.name} are not in the header", row=number,
                        hint=f"the header has: {', '.join(str(c) for c in cells if c)}")
    if match.unknown:
        ctx.warnings.append(f"columns not in the mapping, not imported: "
                            f"{', '.join(match.unknown)}")
    sheet.check_merged(number)
    con = getattr(sink, "con", None)
    if con is not None and number == 1 and sheet.delimiter is not None and \
            columnar.eligible(path, cells, spec_file.encoding or encoding_of(path)):
        try:
            staged = columnar.read_mapped(con, getattr(sink, "schema", "stage"), path, match,
                                          ctx, sheet.delimiter, len(cells), progress)
        except BaseException:
            sheet.close()
            raise
        if staged is not None:
            sink.staged = staged  # type: ignore[attr-defined]
            sheet.close()
            return ctx
    found = Detected(match, None, sheet.rows)
    read_rows(found.match, found.rows, ctx, sink, Hooks(post_id=_generic_id),
              progress=_ticker(sheet.position, sheet.size, progress))
    if ctx.rows_read == 0:
        raise ctx.error("the file has a header but no data rows: nothing to import")
    return ctx


def _generic_id(fields: dict[str, object]) -> str | None:
    for key in ("post_id", "url"):
        value = fields.get(key)
        if isinstance(value, str) and value:
            return value
    return "" if "post_id" not in fields and "url" not in fields else None


def _apply_locale(ctx: Context, found: Detected) -> None:
    ctx.decimal, ctx.dayfirst = LOCALES.get(found.match.lang, (".", False))


def _where(ctx: Context) -> str:
    return f"sheet {ctx.sheet}: " if ctx.sheet else ""


def _ticker(position: Callable[[], int], size: int,
            progress: Callable[[float], None] | None) -> Callable[[], None] | None:
    if progress is None:
        return None
    report = progress
    return lambda: report(position() / size if size else 1.0)
