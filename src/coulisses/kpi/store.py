"""The analytics store: one DuckDB file holding imports, posts, metrics and comments
(``schema.sql``), and ``Store.import_file``, which adds one export in one transaction.

An export is parsed first into staging files beside the store (bounded memory, however big the
file); only then does one transaction merge it: the same file twice (by sha256) changes
nothing, a newer export of the same period updates values instead of adding to them, and a
failure leaves every stored number as it was.
"""

from __future__ import annotations

import csv
import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from coulisses.errors import AnalyticsImportError, OutputError

if TYPE_CHECKING:
    import duckdb

    from coulisses.kpi.match import KnownPost

#: DuckDB's memory cap while an import merges (None: DuckDB's default, 80% of RAM). Sorts and
#: joins spill past it, but the metrics primary-key index does not: a cap too small for the
#: store's index fails with DuckDB's out-of-memory error (see docs/benchmarks.md).
MERGE_MEMORY: str | None = None
_KEY = ("platform", "post_id", "scope", "day", "metric")
_VALUE_COLUMNS = ("{'seq': 'BIGINT', 'platform': 'VARCHAR', 'post_id': 'VARCHAR', "
                  "'scope': 'VARCHAR', 'day': 'DATE', 'metric': 'VARCHAR', 'value': 'DOUBLE', "
                  "'sheet': 'VARCHAR', 'row': 'BIGINT', 'col': 'VARCHAR'}")
_DIALECT = ("nullstr='', delim=',', quote='\"', escape='\"', auto_detect=false, "
            "new_line='\\n', strict_mode=true")
_POST_COLUMNS = ("{'seq': 'BIGINT', 'platform': 'VARCHAR', 'post_id': 'VARCHAR', "
                 "'url': 'VARCHAR', 'caption': 'VARCHAR', 'published_at': 'TIMESTAMP', "
                 "'duration_s': 'DOUBLE', 'format': 'VARCHAR', 'sheet': 'VARCHAR', "
                 "'row': 'BIGINT'}")


@dataclass(frozen=True)
class ImportResult:
    """What one ``import_file`` did."""

    import_id: str
    file: str
    platform: str
    adapter: str
    already: bool = False
    rows_read: int = 0
    rows_stored: int = 0
    values_new: int = 0
    values_changed: int = 0
    values_unchanged: int = 0
    posts: int = 0
    matched: int = 0
    unmatched: int = 0
    warnings: tuple[str, ...] = ()
    partial_days: tuple[date, ...] = ()


@dataclass(frozen=True)
class PostRow:
    """A post as stored, with its campaign match."""

    platform: str
    post_id: str
    url: str | None
    caption: str | None
    published_at: datetime | None
    campaign: str | None
    variant: str | None
    kind: str | None
    match_rule: str | None


class _Staging:
    """The sink of one import: posts and values written to CSV files, never held in memory."""

    def __init__(self, folder: Path) -> None:
        self.values_path = folder / "values.csv"
        self.posts_path = folder / "posts.csv"
        self._values_fh = self.values_path.open("w", encoding="utf-8", newline="")
        self._posts_fh = self.posts_path.open("w", encoding="utf-8", newline="")
        self._values = csv.writer(self._values_fh, lineterminator="\n")
        self._posts = csv.writer(self._posts_fh, lineterminator="\n")
        self.seq = 0
        self.count_values = 0
        self.count_posts = 0

    def post(self, platform: str, post_id: str, url: str | None, caption: str | None,
             published_at: datetime | None, duration_s: float | None, format: str | None,
             sheet: str | None, row: int) -> None:
        self.seq += 1
        self.count_posts += 1
        self._posts.writerow((self.seq, platform, post_id, url, caption,
                              published_at.isoformat(" ") if published_at else None,
                              duration_s, format, sheet, row))

    def value(self, platform: str, post_id: str, scope: str, day: date, metric: str,
              value: float, sheet: str | None, row: int, column: str) -> None:
        self.seq += 1
        self.count_values += 1
        self._values.writerow((self.seq, platform, post_id, scope, day.isoformat(), metric,
                               repr(value), sheet, row, column))

    def close(self) -> None:
        self._values_fh.close()
        self._posts_fh.close()


def open_store(path: Path) -> Store:
    """Open (creating if needed) the DuckDB store at ``path``.

    Raises:
        OutputError: the folder cannot be created or the file cannot be opened.
    """
    import duckdb

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path))
    except (OSError, duckdb.Error) as exc:
        raise OutputError(f"cannot open the analytics store ({exc})", path=path) from None
    schema = resources.files("coulisses.kpi").joinpath("schema.sql").read_text(encoding="utf-8")
    con.execute(schema)
    return Store(path, con)


class Store:
    """An open analytics store; use as a context manager or call ``close``."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection) -> None:
        self.path = path
        self.con = con

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def import_file(self, path: Path, *, platform: str = "auto", mapping: Path | None = None,
                    known_posts: list[KnownPost] | None = None, as_of: date | None = None,
                    progress: Callable[[float], None] | None = None) -> ImportResult:
        """Import one export file in one transaction.

        ``as_of`` is the day the export was made (default: the file's modification date): the
        day of lifetime totals, and the anchor of dates without a year.

        Raises:
            AnalyticsImportError: the file cannot be imported; nothing of it was stored.
        """
        from coulisses.kpi.imports.read import read_export

        import_id = _sha256(path)
        found = self.con.execute("SELECT platform, adapter FROM imports WHERE import_id = ?",
                                 [import_id]).fetchone()
        if found is not None:
            return ImportResult(import_id, str(path), found[0], found[1], already=True)
        if as_of is None:
            as_of = date.fromtimestamp(path.stat().st_mtime)
        with tempfile.TemporaryDirectory(dir=self.path.parent,
                                         prefix=".kpi-import-") as folder:
            staging = _Staging(Path(folder))
            try:
                ctx, adapters = read_export(path, staging, as_of=as_of, platform=platform,
                                            mapping=mapping, progress=progress)
            finally:
                staging.close()
            platform_used = ctx.platform or _platform_of(adapters)
            return self._merge(path, import_id, staging, ctx, adapters, platform_used,
                               known_posts)

    def _merge(self, path: Path, import_id: str, staging: _Staging, ctx: Any,
               adapters: list[str], platform: str,
               known_posts: list[KnownPost] | None) -> ImportResult:
        from coulisses.kpi.match import match_posts

        now = datetime.now(UTC).replace(tzinfo=None)
        con = self.con
        warnings = list(ctx.warnings)
        limit = con.execute("SELECT current_setting('memory_limit')").fetchone()
        if MERGE_MEMORY is not None:
            con.execute(f"SET memory_limit = '{MERGE_MEMORY}'")
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE stage_values AS SELECT * FROM read_csv("
                f"'{_sql_path(staging.values_path)}', header=false, "
                f"columns={_VALUE_COLUMNS}, {_DIALECT})")
            con.execute(
                "CREATE OR REPLACE TEMP TABLE stage_posts AS SELECT * FROM read_csv("
                f"'{_sql_path(staging.posts_path)}', header=false, "
                f"columns={_POST_COLUMNS}, {_DIALECT})")
            con.execute("UPDATE stage_values SET post_id = '' WHERE post_id IS NULL")
            warnings += self._dedupe(staging)
            new, changed, unchanged = con.execute(
                "SELECT count(*) FILTER (WHERE m.value IS NULL), "
                "count(*) FILTER (WHERE m.value <> v.value), "
                "count(*) FILTER (WHERE m.value = v.value) FROM v LEFT JOIN metrics m "
                "USING (platform, post_id, scope, day, metric)").fetchone() or (0, 0, 0)
            con.execute(
                "INSERT INTO metrics SELECT platform, post_id, scope, day, metric, value, ?, "
                "sheet, row, col, ?, ? FROM v ON CONFLICT (platform, post_id, scope, day, "
                "metric) DO UPDATE SET value = excluded.value, source_file = "
                "excluded.source_file, source_sheet = excluded.source_sheet, source_row = "
                "excluded.source_row, source_column = excluded.source_column, import_id = "
                "excluded.import_id, imported_at = excluded.imported_at "
                "WHERE metrics.value <> excluded.value", [str(path), import_id, now])
            con.execute(
                "INSERT INTO posts (platform, post_id, url, caption, published_at, duration_s, "
                "format, source_file, source_sheet, source_row, import_id) SELECT platform, "
                "post_id, url, caption, published_at, duration_s, format, ?, sheet, row, ? "
                "FROM p ON CONFLICT (platform, post_id) DO UPDATE SET "
                "url = coalesce(excluded.url, posts.url), "
                "caption = coalesce(excluded.caption, posts.caption), "
                "published_at = coalesce(excluded.published_at, posts.published_at), "
                "duration_s = coalesce(excluded.duration_s, posts.duration_s), "
                "format = coalesce(excluded.format, posts.format), "
                "source_file = excluded.source_file, source_sheet = excluded.source_sheet, "
                "source_row = excluded.source_row, import_id = excluded.import_id",
                [str(path), import_id])
            if known_posts is not None:
                match_posts(con, known_posts)
            posts, matched = con.execute(
                "SELECT count(*), count(posts.campaign) FROM p JOIN posts "
                "USING (platform, post_id)").fetchone() or (0, 0)
            partial = tuple(sorted(ctx.partial_days))
            con.execute(
                "INSERT INTO imports (import_id, file, platform, adapter, imported_at, "
                "rows_read, rows_stored, as_of, values_new, values_changed, values_unchanged, "
                "partial_days, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [import_id, str(path), platform, "+".join(dict.fromkeys(adapters)), now,
                 ctx.rows_read, ctx.rows_stored, ctx.as_of, new, changed, unchanged,
                 ",".join(d.isoformat() for d in partial) or None,
                 "\n".join(warnings) or None])
            con.execute("DROP TABLE v")
            con.execute("DROP TABLE p")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            if limit is not None:
                con.execute(f"SET memory_limit = '{limit[0]}'")
        if partial:
            warnings.append("partial days (the export was made before they ended), stored and "
                            f"flagged: {', '.join(d.isoformat() for d in partial)}")
        return ImportResult(import_id, str(path), platform, "+".join(dict.fromkeys(adapters)),
                            rows_read=ctx.rows_read, rows_stored=ctx.rows_stored,
                            values_new=new, values_changed=changed, values_unchanged=unchanged,
                            posts=posts, matched=matched, unmatched=posts - matched,
                            warnings=tuple(warnings), partial_days=partial)

    def _dedupe(self, staging: _Staging) -> list[str]:
        """Keep the last row of each key (values and posts); warn when a file repeats one."""
        con = self.con
        con.execute(
            "CREATE OR REPLACE TEMP TABLE v AS SELECT * FROM stage_values QUALIFY row_number() "
            f"OVER (PARTITION BY {', '.join(_KEY)} ORDER BY seq DESC) = 1")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE p AS SELECT * FROM stage_posts QUALIFY row_number() "
            "OVER (PARTITION BY platform, post_id ORDER BY seq DESC) = 1")
        kept = con.execute("SELECT count(*) FROM v").fetchone()
        warnings = []
        if kept is not None and kept[0] < staging.count_values:
            example = con.execute(
                f"SELECT list(row ORDER BY seq), any_value(col) FROM stage_values GROUP BY "
                f"{', '.join(_KEY)} HAVING count(*) > 1 AND count(DISTINCT row) > 1 "
                "ORDER BY min(seq) LIMIT 1").fetchone()
            if example is not None:
                rows = ", ".join(str(r) for r in example[0][:5])
                warnings.append(f"{staging.count_values - kept[0]} duplicated value(s) (the "
                                f"same post, day and metric on several rows): the last row "
                                f"wins, e.g. rows {rows}, column {example[1]!r}")
        con.execute("DROP TABLE stage_values")
        con.execute("DROP TABLE stage_posts")
        return warnings

    def posts(self, *, unmatched: bool = False, platform: str | None = None) -> list[PostRow]:
        """The stored posts, newest first; only those with no campaign when ``unmatched``."""
        where = ["campaign IS NULL"] if unmatched else []
        params: list[object] = []
        if platform:
            where.append("platform = ?")
            params.append(platform)
        sql = ("SELECT platform, post_id, url, caption, published_at, campaign, variant, kind, "
               "match_rule FROM posts" + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY published_at DESC NULLS LAST, platform, post_id")
        return [PostRow(*row) for row in self.con.execute(sql, params).fetchall()]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise AnalyticsImportError(f"cannot read the file ({exc.strerror or exc})",
                                   path=path) from None
    return digest.hexdigest()


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _platform_of(adapters: list[str]) -> str:
    from coulisses.kpi.imports.headers import export_specs

    specs = export_specs()
    names = dict.fromkeys(specs[a].platform if a in specs else a for a in adapters)
    return ",".join(names)
