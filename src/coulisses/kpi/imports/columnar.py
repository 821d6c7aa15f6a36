"""A mapped CSV read column-wise by DuckDB: the fast path for big generic exports.

The file is loaded as text into an on-disk staging database (DuckDB's parallel CSV reader,
memory bounded by the connection's ``memory_limit``), then each column is normalised in SQL.
SQL handles the common spellings (``1234``, ``1 234,5``, ``18,400``, ``0:09``, ISO dates); any
other cell is parsed by the same Python parsers as the row engine, once per distinct text, so
both paths agree. A cell that fails is reported at its row and column (the first one in the
file). Files the fast path cannot number exactly (blank lines, line breaks inside quotes, a
``sep=`` line, a non-UTF-8 encoding) go through the row engine instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from coulisses.kpi.imports import dates, numbers
from coulisses.kpi.imports.headers import FIELDS, HeaderMatch
from coulisses.kpi.imports.model import Context

if TYPE_CHECKING:
    import duckdb

_WS = r"[\s\x{00a0}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{0085}]"


def _strip(x: str) -> str:
    """SQL: the cell without surrounding whitespace, as Python's ``str.strip``."""
    return "regexp_replace(" + x + ", '^" + _WS + "+|" + _WS + "+$', '', 'g')"

_BATCH = 50_000  # distinct odd cells parsed per Python batch
_NUMERIC = ("count", "adjusted_count", "duration", "hours", "fraction", "percent")


@dataclass(frozen=True)
class Staged:
    """Where the fast path left its tables (same columns as the row engine's staging)."""

    values: str
    posts: str
    unique: bool  # no two rows share a post and day: values need no deduplication


def _missing(x: str) -> str:
    """SQL: the cell is empty or a placeholder (``--``, ``undefined``...), as is_missing."""
    words = ", ".join("'" + w.replace("'", "''") + "'" for w in sorted(numbers.MISSING))
    return (f"({x} IS NULL OR (NOT (left({x}, 1) BETWEEN '0' AND '9') AND length({x}) <= 40 "
            f"AND lower({_strip(x)}) IN ({words})))")


def _spaceless(x: str) -> str:
    """SQL: the cell without the spaces and apostrophes numbers are grouped with."""
    return f"regexp_replace({x}, '[\\s\\x{{00a0}}\\x{{202f}}\\x{{2009}}\\x{{2007}}'']', '', 'g')"


def _number(x: str, decimal: str) -> str:
    """SQL for the plain spellings of parse_number (NULL for anything else)."""
    s = f"s_{x}"  # the cell without spaces, computed once by the ``clean`` view
    body = f"rtrim({s}, '%')"
    pct = f"(CASE WHEN ends_with({s}, '%') THEN 100.0 ELSE 1.0 END)"
    if decimal == ".":
        cases = (f"WHEN regexp_full_match({s}, '-?\\d+(\\.\\d+)?%?') "
                 f"THEN try_cast({body} AS DOUBLE) "
                 f"WHEN regexp_full_match({s}, '-?\\d{{1,3}}(,\\d{{3}})+%?') "
                 f"THEN try_cast(replace({body}, ',', '') AS DOUBLE)")
    else:
        cases = (f"WHEN regexp_full_match({s}, '-?\\d+(,\\d+)?%?') "
                 f"THEN try_cast(replace({body}, ',', '.') AS DOUBLE) "
                 f"WHEN regexp_full_match({s}, '-?\\d{{1,3}}(\\.\\d{{3}})+%?') "
                 f"THEN try_cast(replace({body}, '.', '') AS DOUBLE)")
    return f"((CASE {cases} END) / {pct})"


def _value(x: str, kind: str, decimal: str) -> str:
    """SQL giving a cell's value by kind, or NULL when Python must decide."""
    n = _number(x, decimal)
    bare = f"NOT contains({x}, '%')"
    t = f"trim({x})"
    if kind in ("count", "adjusted_count"):
        return n
    if kind == "fraction":
        return f"CASE WHEN {bare} AND {n} > 1 THEN NULL ELSE {n} END"
    if kind == "percent":
        return f"CASE WHEN {bare} THEN {n} / 100.0 ELSE {n} END"
    unit = "3600.0" if kind == "hours" else "1.0"
    parts = f"string_split({t}, ':')"
    clock = (f"CASE WHEN regexp_full_match({t}, '\\d+:\\d+') THEN "
             f"{parts}[1]::DOUBLE * 60 + {parts}[2]::DOUBLE "
             f"WHEN regexp_full_match({t}, '\\d+:\\d+:\\d+') THEN {parts}[1]::DOUBLE * 3600 "
             f"+ {parts}[2]::DOUBLE * 60 + {parts}[3]::DOUBLE END")
    return f"CASE WHEN contains({x}, ':') THEN {clock} ELSE {n} * {unit} END"


def _when(x: str, kind: str, fmt: str | None) -> str:
    """SQL for a date (``date``) or timestamp (``datetime``) cell, NULL when Python decides."""
    t = f"trim({x})"
    if fmt is not None:
        value = f"try_strptime({t}, '{fmt.replace(chr(39), chr(39) * 2)}')"
    else:
        value = (f"CASE WHEN regexp_full_match({t}, '\\d{{4}}-\\d{{2}}-\\d{{2}}([ T]\\d{{2}}:"
                 f"\\d{{2}}(:\\d{{2}})?)?') THEN try_cast({t} AS TIMESTAMP) END")
    return f"CAST({value} AS DATE)" if kind == "date" else value


def _python(kind: str, ctx: Context) -> Callable[[str], object]:
    """The row engine's parser for ``kind`` (the reference the SQL must agree with)."""
    d = ctx.decimal
    fmt = ctx.date_format
    if kind in ("date", "datetime"):
        def when(cell: str) -> object:
            v = dates.parse_formatted(cell, fmt) if fmt else dates.parse_datetime(
                cell, dayfirst=ctx.dayfirst)
            return v.date() if kind == "date" and isinstance(v, datetime) else v
        return when
    table: dict[str, Callable[[str], object]] = {
        "count": lambda c: numbers.parse_number(c, decimal=d),
        "adjusted_count": lambda c: numbers.parse_number(c, decimal=d),
        "duration": lambda c: numbers.parse_duration(c, decimal=d),
        "hours": lambda c: numbers.parse_duration(c, decimal=d, unit=3600.0),
        "fraction": lambda c: numbers.parse_fraction(c, decimal=d),
        "percent": lambda c: numbers.parse_percent(c, decimal=d),
    }
    return table[kind]


def eligible(path: Path, header_cells: list[object], encoding: str) -> bool:
    """Whether the fast path can number this file's rows exactly (see the module doc)."""
    if encoding not in ("utf-8", "utf-8-sig"):
        return False
    first = str(header_cells[0]) if header_cells else ""
    return not re.match(r'^"?sep=', first.lstrip("\ufeff"))


def read_mapped(con: duckdb.DuckDBPyConnection, schema: str, path: Path, match: HeaderMatch,
                ctx: Context, delimiter: str, width: int,
                progress: Callable[[float], None] | None = None) -> Staged | None:
    """Load ``path`` (header on line 1, ``width`` columns) into ``schema`` tables of values and
    posts; None when the fast path cannot number its rows exactly.

    Raises:
        AnalyticsImportError: a cell that cannot be read or is impossible, located by row and
            column; a row with another number of cells than the header.
    """
    import duckdb

    raw = f"{schema}.raw"
    names = [f"c{i}" for i in range(width)]
    cols = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    quoted = str(path).replace("'", "''")
    delim = delimiter.replace("'", "''")
    try:
        con.execute(f"CREATE TABLE {raw} AS SELECT * FROM read_csv('{quoted}', header=false, "
                    f"skip=1, delim='{delim}', quote='\"', escape='\"', auto_detect=false, "
                    f"columns={cols}, strict_mode=true)")
    except duckdb.Error as exc:
        found = re.search(r"Line: (\d+).*?Expected Number of Columns: (\d+) Found: (\d+)",
                          str(exc), re.S)
        if found:
            raise ctx.error(f"this row has {found[3]} cells, the header {found[2]}",
                            row=int(found[1]), hint="the file may be cut or edited: "
                            "download it again") from None
        if "CSV" not in str(exc):
            raise
        return None  # let the row engine read it and say what is wrong
    if progress:
        progress(0.4)
    records = _one(con, f"SELECT count(*) FROM {raw}")
    newline = " OR ".join(f"contains({n}, chr(10))" for n in names)
    if _lines(path) != records + 1 or _one(con, f"SELECT count(*) FROM {raw} WHERE {newline}"):
        con.execute(f"DROP TABLE {raw}")
        return None
    numeric = [f"c{i}" for n, (i, _) in match.columns.items()
               if match.spec.columns[n].kind in _NUMERIC]
    con.execute(f"CREATE VIEW {schema}.clean AS SELECT rowid + 2 AS row, *"
                + "".join(f", {_spaceless(x)} AS s_{x}" for x in numeric) + f" FROM {raw}")
    exprs, joins = _parse_columns(con, schema, match, ctx)
    if progress:
        progress(0.7)
    return _emit(con, schema, match, ctx, exprs, joins, names)


def _parse_columns(con: duckdb.DuckDBPyConnection, schema: str, match: HeaderMatch,
                   ctx: Context) -> tuple[dict[str, str], list[str]]:
    """Each mapped field as an SQL expression over ``rows``, and the joins of the fallback
    maps it reads."""
    exprs: dict[str, str] = {}
    joins: list[str] = []
    for name, (index, header) in match.columns.items():
        kind = match.spec.columns[name].kind
        x = f"c{index}"
        if kind in ("text", "url", "id"):
            exprs[name] = f"CASE WHEN {_missing(x)} THEN NULL ELSE {_strip(x)} END"
            continue
        fast = _when(x, kind, ctx.date_format) if kind in ("date", "datetime") \
            else _value(x, kind, ctx.decimal)
        mapped = _fallback(con, schema, name, x, fast, _python(kind, ctx), header, ctx, kind)
        if mapped:
            joins.append(f"LEFT JOIN {mapped} m_{name} ON m_{name}.raw = r.{x}")
            exprs[name] = f"coalesce({fast}, m_{name}.value)"
        else:
            exprs[name] = fast
    return exprs, joins


def _fallback(con: duckdb.DuckDBPyConnection, schema: str, name: str, x: str, fast: str,
              parse: Callable[[str], object], header: str, ctx: Context,
              kind: str) -> str | None:
    """Parse in Python the distinct cells SQL left undecided; the SQL of the looked-up value.

    Raises:
        AnalyticsImportError: the first row whose cell Python refuses.
    """
    table = f"{schema}.map_{name}"
    sql_type = "DATE" if kind == "date" else "TIMESTAMP" if kind == "datetime" else "DOUBLE"
    cursor = con.cursor()  # its own cursor: the inserts below must not reset the query
    cursor.execute(f"SELECT DISTINCT {x} FROM {schema}.clean WHERE {fast} IS NULL "
                   f"AND NOT {_missing(x)}")
    created = False
    while batch := cursor.fetchmany(_BATCH):
        texts, values, bad = [], [], []
        for (cell,) in batch:
            try:
                value = parse(cell)
            except ValueError as exc:
                bad.append((cell, str(exc)))
                continue
            texts.append(cell)
            values.append(value)
        if bad:
            _raise_first(con, schema, x, bad, header, ctx)
        if not created:
            con.execute(f"CREATE TABLE {table} (raw VARCHAR PRIMARY KEY, value {sql_type})")
            created = True
        con.execute(f"INSERT INTO {table} SELECT unnest($1::VARCHAR[]), "
                    f"unnest($2::{sql_type}[])", [texts, values])
    cursor.close()
    if not created:
        return None
    return table


def _raise_first(con: duckdb.DuckDBPyConnection, schema: str, x: str,
                 bad: list[tuple[str, str]], header: str, ctx: Context) -> None:
    cells = [cell for cell, _ in bad]
    row, cell = con.execute(f"SELECT row, {x} FROM {schema}.clean WHERE {x} = ANY($1) "
                            "ORDER BY row LIMIT 1", [cells]).fetchone() or (None, cells[0])
    reason = dict(bad)[cell]
    raise ctx.error(reason, row=row, column=header)


def _emit(con: duckdb.DuckDBPyConnection, schema: str, match: HeaderMatch, ctx: Context,
          exprs: dict[str, str], joins: list[str], names: list[str]) -> Staged:
    """Check every parsed row (ids, days, signs) and write the staging tables."""
    platform = ctx.platform or match.spec.platform
    metrics = [n for n in match.columns if n not in FIELDS]
    has_id = "post_id" in exprs or "url" in exprs
    post = ("coalesce(nullif(" + exprs.get("post_id", "NULL") + ", ''), nullif("
            + exprs.get("url", "NULL") + ", ''))") if has_id else "''"
    picked = ", ".join(f"{exprs[n]} AS f_{n}" for n in match.columns)
    keep = " OR ".join(f"NOT {_missing('r.' + n)}" for n in names)
    con.execute(f"CREATE TABLE {schema}.parsed AS SELECT r.row, {post} AS post_id, "
                f"{picked} FROM {schema}.clean r {' '.join(joins)} WHERE {keep}")
    con.execute(f"DROP VIEW {schema}.clean")
    con.execute(f"DROP TABLE {schema}.raw")
    p = f"{schema}.parsed"
    ctx.rows_read = _one(con, f"SELECT count(*) FROM {p}")
    if ctx.rows_read == 0:
        raise ctx.error("the file has a header but no data rows: nothing to import")
    header = {n: h for n, (_, h) in match.columns.items()}
    if has_id:
        row = _first(con, f"SELECT min(row) FROM {p} WHERE post_id IS NULL")
        if row is not None:
            where = match.columns.get("url") or match.columns.get("post_id")
            raise ctx.error("no post id or link on this row", row=row,
                            column=where[1] if where else None)
    day = "'lifetime'"
    if "day" in match.columns:
        row = _first(con, f"SELECT min(row) FROM {p} WHERE f_day IS NULL")
        if row is not None:
            raise ctx.error("the date is missing", row=row, column=header["day"])
        late = con.execute(f"SELECT row, f_day FROM {p} WHERE f_day > ? ORDER BY row LIMIT 1",
                           [ctx.as_of + timedelta(days=1)]).fetchone()
        if late is not None:
            raise ctx.error(f"{late[1].isoformat()} is after the day the export was made "
                            f"({ctx.as_of.isoformat()})", row=late[0], column=header["day"],
                            hint="pass --as-of with the download date if it is wrong")
        ctx.partial_days |= {r[0] for r in con.execute(
            f"SELECT DISTINCT f_day FROM {p} WHERE f_day >= ?", [ctx.as_of]).fetchall()}
        day = "f_day"
    for name in metrics:
        kind = match.spec.columns[name].kind
        neg = con.execute(f"SELECT count(*), min(row) FROM {p} WHERE f_{name} < 0").fetchone()
        if neg and neg[0]:
            if kind != "adjusted_count":
                cell = con.execute(f"SELECT f_{name} FROM {p} WHERE row = {neg[1]}"
                                   ).fetchone()
                shown = f"{cell[0]:g}" if cell else "a value"
                raise ctx.error(f"{shown} is negative: {name} cannot be below zero",
                                row=neg[1], column=header[name],
                                hint="fix the cell or download the export again")
            ctx.warnings.append(f"column {header[name]!r}: {neg[0]} negative value(s) stored "
                                f"as platform adjustments (first at row {neg[1]})")
    width = len(match.columns) + 1
    scope = "'daily'" if "day" in match.columns else "'lifetime'"
    when = day if day == "f_day" else f"DATE '{ctx.as_of.isoformat()}'"
    selects = [f"SELECT row * {width} + {i + 1} AS seq, '{platform}' AS platform, post_id, "
               f"{scope} AS scope, {when} AS day, '{n}' AS metric, f_{n} AS value, "
               f"NULL::VARCHAR AS sheet, row, {_lit(header[n])} AS col FROM {p} "
               f"WHERE f_{n} IS NOT NULL" for i, n in enumerate(metrics)]
    values = f"{schema}.cols_values"
    if not selects:
        raise ctx.error("the mapping names no metric column found in the file")
    con.execute(f"CREATE VIEW {values} AS " + " UNION ALL ".join(selects))
    key = "post_id, f_day" if "day" in match.columns else "post_id"
    unique = _one(con, f"SELECT count(*) - count(DISTINCT ({key})) FROM {p}") == 0
    posts = f"{schema}.cols_posts"
    field = {n: f"f_{n}" if n in match.columns else "NULL" for n in
             ("url", "caption", "published_at")}
    con.execute(f"CREATE TABLE {posts} AS SELECT row * {width} AS seq, '{platform}' AS "
                f"platform, post_id, {field['url']}::VARCHAR AS url, "
                f"{field['caption']}::VARCHAR AS caption, "
                f"{field['published_at']}::TIMESTAMP AS published_at, NULL::DOUBLE AS "
                "duration_s, NULL::VARCHAR AS format, NULL::VARCHAR AS sheet, row "
                f"FROM {p} WHERE post_id <> ''")
    stored = " OR ".join([f"f_{n} IS NOT NULL" for n in metrics] + ["post_id <> ''"])
    ctx.rows_stored = _one(con, f"SELECT count(*) FROM {p} WHERE {stored}")
    return Staged(values, posts, unique)


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _first(con: duckdb.DuckDBPyConnection, sql: str) -> int | None:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def _lines(path: Path) -> int:
    """Physical lines of the file (a last line without a newline counts)."""
    count, last = 0, b"\n"
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


