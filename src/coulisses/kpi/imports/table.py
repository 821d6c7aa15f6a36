"""The row engine shared by every adapter: parse each mapped cell by its kind, check it, and
send posts and values to the sink, with the file, sheet, row and column of each number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from functools import partial

from coulisses.kpi.imports import dates, numbers
from coulisses.kpi.imports.headers import FIELDS, HeaderMatch
from coulisses.kpi.imports.model import Context, Fields, Hooks, Sink

Parser = Callable[[object], object]
Row = list[object]
_MAX_UNDATED_ROWS = 400  # a daily file without years covers at most a year


def cell_parsers(ctx: Context) -> dict[str, Parser]:
    """How each kind of cell is read under the file's conventions (decimal mark, day first,
    a mapping's ``date_format``); each parser raises ``ValueError`` on a cell it cannot read."""
    fmt = ctx.date_format
    if fmt is not None:
        return {**_parsers_base(ctx), "datetime": partial(dates.parse_formatted, fmt=fmt),
                "date": partial(_formatted_day, fmt=fmt)}
    return _parsers_base(ctx)


def _formatted_day(cell: object, *, fmt: str) -> date | None:
    value = dates.parse_formatted(cell, fmt)
    return None if value is None else value.date()


def _parsers_base(ctx: Context) -> dict[str, Parser]:
    d = ctx.decimal
    return {
        "text": lambda c: None if numbers.is_missing(c) else str(c).strip(),
        "url": lambda c: None if numbers.is_missing(c) else str(c).strip(),
        "id": _id,
        "datetime": partial(dates.parse_datetime, dayfirst=ctx.dayfirst),
        "date": partial(_day, dayfirst=ctx.dayfirst),
        "month_day": dates.parse_month_day,
        "meta_day": partial(_meta_day, dayfirst=ctx.dayfirst),
        "count": partial(numbers.parse_number, decimal=d),
        "adjusted_count": partial(numbers.parse_number, decimal=d),
        "duration": partial(numbers.parse_duration, decimal=d),
        "hours": partial(numbers.parse_duration, decimal=d, unit=3600.0),
        "fraction": partial(numbers.parse_fraction, decimal=d),
        "percent": partial(numbers.parse_percent, decimal=d),
    }


def _id(cell: object) -> str | None:
    if numbers.is_missing(cell):
        return None
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # spreadsheets store long ids as numbers
    return str(cell).strip()


def _day(cell: object, *, dayfirst: bool) -> date | None:
    value = dates.parse_datetime(cell, dayfirst=dayfirst)
    return None if value is None else value.date()


def _meta_day(cell: object, *, dayfirst: bool) -> date | str | None:
    if isinstance(cell, str) and cell.strip().casefold() in ("lifetime", "durée de vie",
                                                             "à vie", "total", "de por vida"):
        return "lifetime"
    return _day(cell, dayfirst=dayfirst)


def read_rows(match: HeaderMatch, rows: Iterator[tuple[int, Row]], ctx: Context, sink: Sink,
              hooks: Hooks, *, progress: Callable[[], None] | None = None) -> None:
    """Parse every data row after the header and feed the sink.

    Raises:
        AnalyticsImportError: a cell that cannot be read or holds an impossible value,
            located by file, sheet, row and column.
    """
    parsers = cell_parsers(ctx)
    plan = [(name, index, header, parsers[match.spec.columns[name].kind],
             match.spec.columns[name].kind) for name, (index, header) in match.columns.items()]
    undated = "day" in match.columns and match.spec.columns["day"].kind == "month_day"
    pending: list[tuple[int, Fields]] = []
    negatives: dict[str, list[int]] = {}
    for number, cells in rows:
        if not any(not numbers.is_missing(c) for c in cells):
            continue
        ctx.rows_read += 1
        fields: Fields = {}
        for name, index, header, parse, kind in plan:
            cell = cells[index] if index < len(cells) else None
            try:
                value = parse(cell)
            except ValueError as exc:
                raise ctx.error(str(exc), row=number, column=header) from None
            if isinstance(value, float):
                if value != value or value in (float("inf"), float("-inf")):
                    raise ctx.error(f"{cell!r} is not a finite number", row=number,
                                    column=header)
                if value < 0:
                    if kind != "adjusted_count":
                        raise ctx.error(f"{cell} is negative: {name} cannot be below zero",
                                        row=number, column=header,
                                        hint="fix the cell or download the export again")
                    negatives.setdefault(header, []).append(number)
            fields[name] = value
        if hooks.skip(fields):
            continue
        if undated:
            pending.append((number, fields))
            if len(pending) > _MAX_UNDATED_ROWS:
                raise ctx.error("more than a year of days without a year: no single "
                                "matching year", row=number, column=match.columns["day"][1],
                                hint="export a window shorter than a year")
            continue
        _emit(match, number, fields, ctx, sink, hooks)
        if progress is not None and ctx.rows_read % 4096 == 0:
            progress()
    if undated:
        _emit_undated(match, pending, ctx, sink, hooks)
    for header, where in negatives.items():
        ctx.warnings.append(f"column {header!r}: {len(where)} negative value(s) stored as "
                            f"platform adjustments (first at row {where[0]})")


def _emit_undated(match: HeaderMatch, pending: list[tuple[int, Fields]], ctx: Context,
                  sink: Sink, hooks: Hooks) -> None:
    header = match.columns["day"][1]
    days = []
    for number, fields in pending:
        if fields.get("day") is None:
            raise ctx.error("the date is missing", row=number, column=header)
        days.append(fields["day"])
    try:
        full = dates.infer_years(days, ctx.as_of)  # type: ignore[arg-type]
    except ValueError as exc:
        raise ctx.error(str(exc), row=pending[0][0] if pending else None, column=header,
                        hint="pass --as-of with the day the export was downloaded") from None
    for (number, fields), day in zip(pending, full, strict=True):
        fields["day"] = day
        _emit(match, number, fields, ctx, sink, hooks)


def _emit(match: HeaderMatch, number: int, fields: Fields, ctx: Context, sink: Sink,
          hooks: Hooks) -> None:
    platform = hooks.platform(fields, ctx.platform or match.spec.platform)
    post_id = hooks.post_id(fields)
    if post_id is None:
        where = match.columns.get("url") or match.columns.get("post_id")
        raise ctx.error("no post id or link on this row", row=number,
                        column=where[1] if where else None)
    scope, day = "lifetime", ctx.as_of
    raw_day = fields.get("day", fields.get("meta_day"))
    if raw_day == "lifetime":
        pass
    elif isinstance(raw_day, date):
        scope, day = "daily", raw_day
        column = (match.columns.get("day") or match.columns["meta_day"])[1]
        if day > ctx.as_of + timedelta(days=1):
            raise ctx.error(f"{day.isoformat()} is after the day the export was made "
                            f"({ctx.as_of.isoformat()})", row=number, column=column,
                            hint="pass --as-of with the download date if it is wrong")
        if day >= ctx.as_of:
            ctx.partial_days.add(day)
    elif "day" in match.columns or "meta_day" in match.columns:
        column = (match.columns.get("day") or match.columns["meta_day"])[1]
        raise ctx.error("the date is missing", row=number, column=column)
    if post_id:
        published = fields.get("published_at")
        duration = fields.get("duration_s")
        sink.post(platform, post_id, _str(fields.get("url")), _str(fields.get("caption")),
                  published if isinstance(published, datetime) else None,
                  duration if isinstance(duration, float) else None,
                  _str(fields.get("format")), ctx.sheet, number)
    stored = bool(post_id)
    for name, (_, header) in match.columns.items():
        if name in FIELDS:
            continue
        value = fields.get(name)
        if isinstance(value, float):
            sink.value(platform, post_id, scope, day, name, value, ctx.sheet, number, header)
            stored = True
    if stored:
        ctx.rows_stored += 1


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
