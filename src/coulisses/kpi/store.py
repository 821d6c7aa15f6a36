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
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from coulisses.errors import AnalyticsImportError, OutputError

if TYPE_CHECKING:
    import duckdb

    from coulisses.kpi.imports.columnar import Staged
    from coulisses.kpi.imports.generic import Mapping
    from coulisses.kpi.match import KnownPost

#: DuckDB's memory cap for an open store. Parsing, sorts, joins and the merge spill to disk
#: past it (a staging database beside the store, and DuckDB's temporary files): an import's
#: memory does not grow with the file or the store (docs/benchmarks.md).
MEMORY_LIMIT = "1GB"
_KEY = ("platform", "post_id", "scope", "day", "metric")
_SAME = " AND ".join(f"m.{k} = v.{k}" for k in _KEY)
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
    """The sink of one import: a staging database beside the store, attached as ``stage``.

    The row engine writes posts and values to CSV files (never held in memory) that the merge
    loads; the columnar reader fills tables of the database directly (``staged``).
    """

    schema = "stage"

    def __init__(self, folder: Path, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.values_path = folder / "values.csv"
        self.posts_path = folder / "posts.csv"
        self._values_fh = self.values_path.open("w", encoding="utf-8", newline="")
        self._posts_fh = self.posts_path.open("w", encoding="utf-8", newline="")
        self._values = csv.writer(self._values_fh, lineterminator="\n")
        self._posts = csv.writer(self._posts_fh, lineterminator="\n")
        self.seq = 0
        self.count_values = 0
        self.count_posts = 0
        self.staged: Staged | None = None

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

    def load(self) -> tuple[str, str, int]:
        """The staged values and posts as tables of ``stage``, and how many values."""
        if self.staged is not None:
            if self.staged.unique:
                return self.staged.values, self.staged.posts, -1
            row = self.con.execute(f"SELECT count(*) FROM {self.staged.values}").fetchone()
            return self.staged.values, self.staged.posts, int(row[0]) if row else 0
        self.con.execute(
            "CREATE TABLE stage.stage_values AS SELECT * FROM read_csv("
            f"'{_sql_path(self.values_path)}', header=false, "
            f"columns={_VALUE_COLUMNS}, {_DIALECT})")
        self.con.execute(
            "CREATE TABLE stage.stage_posts AS SELECT * FROM read_csv("
            f"'{_sql_path(self.posts_path)}', header=false, "
            f"columns={_POST_COLUMNS}, {_DIALECT})")
        self.con.execute("UPDATE stage.stage_values SET post_id = '' WHERE post_id IS NULL")
        return "stage.stage_values", "stage.stage_posts", self.count_values


def open_store(path: Path) -> Store:
    """Open (creating if needed) the DuckDB store at ``path``.

    Raises:
        OutputError: the folder cannot be created or the file cannot be opened.
    """
    import duckdb

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path), config={"memory_limit": MEMORY_LIMIT})
    except (OSError, duckdb.Error) as exc:
        raise OutputError(f"cannot open the analytics store ({exc})", path=path) from None
    _ensure_schema(con)
    return Store(path, con)


_schema_lock = threading.Lock()


def _ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create or upgrade the tables, once per version of ``schema.sql``: a store already at
    this version is only read. DuckDB fails schema changes that race another connection's
    transaction (a page reading numbers while a sync writes), so they run only when needed,
    one at a time in this process (another process cannot open the file meanwhile)."""
    import duckdb

    schema = resources.files("coulisses.kpi").joinpath("schema.sql").read_text(encoding="utf-8")
    version = hashlib.sha256(schema.encode()).hexdigest()[:16]
    if _schema_version(con, duckdb) == version:
        return
    with _schema_lock:
        if _schema_version(con, duckdb) == version:
            return
        con.execute(schema)
        con.execute("CREATE TABLE IF NOT EXISTS store_schema (version VARCHAR)")
        con.execute("DELETE FROM store_schema")
        con.execute("INSERT INTO store_schema VALUES (?)", [version])


def _schema_version(con: duckdb.DuckDBPyConnection, duckdb: Any) -> str | None:
    try:
        row = con.execute("SELECT version FROM store_schema").fetchone()
    except duckdb.CatalogException:
        return None
    return str(row[0]) if row else None


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
                    progress: Callable[[float], None] | None = None,
                    brand_account: str | None = None) -> ImportResult:
        """Import one export file in one transaction.

        ``as_of`` is the day the export was made (default: the file's modification date): the
        day of lifetime totals, and the anchor of dates without a year. A mapping with
        ``comments:`` imports a comments export; ``brand_account`` (else the mapping's) names
        the account whose comments are the brand's replies.

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
        if mapping is not None:
            from coulisses.kpi.imports.generic import load_mapping

            spec = load_mapping(mapping)
            if spec.comments is not None:
                return self._import_comments(path, import_id, spec, as_of, brand_account)
        with self._stage() as staging:
            try:
                ctx, adapters = read_export(path, staging, as_of=as_of, platform=platform,
                                            mapping=mapping, progress=progress)
            finally:
                staging.close()
            platform_used = ctx.platform or _platform_of(adapters)
            return self._merge(path, import_id, staging, ctx, adapters, platform_used,
                               known_posts)

    @contextmanager
    def _stage(self) -> Iterator[_Staging]:
        """A staging database beside the store, attached as ``stage``, removed afterwards."""
        with tempfile.TemporaryDirectory(dir=self.path.parent,
                                         prefix=".kpi-import-") as folder:
            self.con.execute(f"ATTACH '{_sql_path(Path(folder) / 'stage.duckdb')}' AS stage")
            try:
                yield _Staging(Path(folder), self.con)
            finally:
                self.con.execute("DETACH stage")

    def _merge(self, path: Path, import_id: str, staging: _Staging, ctx: Any,
               adapters: list[str], platform: str,
               known_posts: list[KnownPost] | None) -> ImportResult:
        from coulisses.kpi.match import match_posts

        now = datetime.now(UTC).replace(tzinfo=None)
        con = self.con
        warnings = list(ctx.warnings)
        values, posts_table, count = staging.load()
        unique = staging.staged is not None and staging.staged.unique
        warnings += self._dedupe(values, posts_table, count, unique)
        new, changed, unchanged = con.execute(
            "SELECT count(*) FILTER (WHERE m.value IS NULL), "
            "count(*) FILTER (WHERE m.value <> v.value), "
            "count(*) FILTER (WHERE m.value = v.value) FROM stage.v v LEFT JOIN metrics m "
            f"ON {_SAME}").fetchone() or (0, 0, 0)
        con.execute("BEGIN TRANSACTION")
        try:
            # A staged merge rather than ON CONFLICT: no key index to hold in memory, and
            # both statements spill. Keys stay unique: stage.v has one row per key, the
            # UPDATE only touches keys already stored, the INSERT only keys that are not.
            con.execute(
                "UPDATE metrics m SET value = v.value, source_file = ?, source_sheet = v.sheet,"
                " source_row = v.row, source_column = v.col, import_id = ?, imported_at = ? "
                f"FROM stage.v v WHERE {_SAME} AND m.value <> v.value",
                [str(path), import_id, now])
            con.execute(
                "INSERT INTO metrics SELECT platform, post_id, scope, day, metric, value, ?, "
                "sheet, row, col, ?, ? FROM stage.v v WHERE NOT EXISTS (SELECT 1 FROM metrics "
                f"m WHERE {_SAME})", [str(path), import_id, now])
            con.execute(
                "INSERT INTO posts (platform, post_id, url, caption, published_at, duration_s, "
                "format, source_file, source_sheet, source_row, import_id) SELECT platform, "
                "post_id, url, caption, published_at, duration_s, format, ?, sheet, row, ? "
                "FROM stage.p ON CONFLICT (platform, post_id) DO UPDATE SET "
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
                "SELECT count(*), count(posts.campaign) FROM stage.p p JOIN posts "
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
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        if partial:
            warnings.append("partial days (the export was made before they ended), stored and "
                            f"flagged: {', '.join(d.isoformat() for d in partial)}")
        return ImportResult(import_id, str(path), platform, "+".join(dict.fromkeys(adapters)),
                            rows_read=ctx.rows_read, rows_stored=ctx.rows_stored,
                            values_new=new, values_changed=changed, values_unchanged=unchanged,
                            posts=posts, matched=matched, unmatched=posts - matched,
                            warnings=tuple(warnings), partial_days=partial)

    def _import_comments(self, path: Path, import_id: str, spec: Mapping, as_of: date,
                         brand_account: str | None) -> ImportResult:
        """Add a comments export in one transaction (a comment already stored is updated)."""
        from coulisses.kpi.imports.comments import read_comments
        from coulisses.kpi.imports.model import Context
        from coulisses.kpi.match import normalise_url

        con = self.con
        ctx = Context(path=path, as_of=as_of, platform=spec.platform)
        links = {normalise_url(url): post_id for post_id, url in con.execute(
            "SELECT post_id, url FROM posts WHERE platform = ? AND url IS NOT NULL",
            [spec.platform]).fetchall()}
        columns: list[list[object]] = [[] for _ in range(8)]
        for c in read_comments(path, spec, ctx, brand_account):
            post = links.get(normalise_url(c.post), c.post) if c.post_is_url else c.post
            for column, value in zip(columns, (c.comment_id, post, c.parent_id, c.author,
                                               c.by_brand, c.created_at, c.text, c.row),
                                     strict=True):
                column.append(value)
        if not columns[0]:
            raise ctx.error("the file has a header but no comments: nothing to import")
        now = datetime.now(UTC).replace(tzinfo=None)
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE c AS SELECT * FROM (SELECT unnest($1::VARCHAR[]) "
                "AS comment_id, unnest($2::VARCHAR[]) AS post_id, unnest($3::VARCHAR[]) AS "
                "parent_id, unnest($4::VARCHAR[]) AS author, unnest($5::BOOLEAN[]) AS by_brand,"
                " unnest($6::TIMESTAMP[]) AS created_at, unnest($7::VARCHAR[]) AS text, "
                "unnest($8::BIGINT[]) AS row) QUALIFY row_number() OVER (PARTITION BY "
                "comment_id ORDER BY row DESC) = 1", columns)
            new, known, orphans, brand = con.execute(
                "SELECT count(*) FILTER (WHERE o.comment_id IS NULL), count(o.comment_id), "
                "count(*) FILTER (WHERE c.post_id NOT IN (SELECT post_id FROM posts WHERE "
                "platform = ?)), count(*) FILTER (WHERE c.by_brand) FROM c LEFT JOIN comments o "
                "ON o.platform = ? AND o.comment_id = c.comment_id",
                [spec.platform, spec.platform]).fetchone() or (0, 0, 0, 0)
            con.execute(
                "INSERT INTO comments SELECT ?, comment_id, post_id, parent_id, author, "
                "by_brand, created_at, text, ?, row, ? FROM c ON CONFLICT (platform, "
                "comment_id) DO UPDATE SET post_id = excluded.post_id, parent_id = "
                "excluded.parent_id, author = excluded.author, by_brand = excluded.by_brand, "
                "created_at = excluded.created_at, text = excluded.text, source_file = "
                "excluded.source_file, source_row = excluded.source_row, import_id = "
                "excluded.import_id", [spec.platform, str(path), import_id])
            con.execute("DROP TABLE c")
            warnings = []
            if orphans:
                warnings.append(f"{orphans} comment(s) on posts not in the store yet: import "
                                "the platform's content export to measure them")
            if not brand:
                warnings.append("no comment by the brand's account: response rate and time "
                                "stay unavailable (give --brand-account or brand_account)")
            con.execute(
                "INSERT INTO imports (import_id, file, platform, adapter, imported_at, "
                "rows_read, rows_stored, as_of, values_new, values_changed, values_unchanged, "
                "warnings) VALUES (?, ?, ?, 'generic.comments', ?, ?, ?, ?, ?, 0, ?, ?)",
                [import_id, str(path), spec.platform, now, ctx.rows_read, ctx.rows_stored,
                 as_of, new, known, "\n".join(warnings) or None])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return ImportResult(import_id, str(path), spec.platform, "generic.comments",
                            rows_read=ctx.rows_read, rows_stored=ctx.rows_stored,
                            values_new=new, values_unchanged=known, warnings=tuple(warnings))

    def _dedupe(self, values: str, posts: str, count: int, unique: bool) -> list[str]:
        """Keep the last row of each key (values and posts) in ``stage.v`` and ``stage.p``;
        warn when a file repeats one."""
        con = self.con
        cols = "seq, platform, post_id, scope, day, metric, value, sheet, row, col"
        if unique:  # the reader checked it: the values are already one per key
            con.execute(f"CREATE VIEW stage.v AS SELECT * FROM {values}")
        else:
            con.execute(
                f"CREATE TABLE stage.v AS SELECT {', '.join(_KEY)}, "
                + ", ".join(f"arg_max({c}, seq) AS {c}" for c in cols.split(", ")
                            if c not in _KEY)
                + f" FROM {values} GROUP BY ALL")
        con.execute(
            f"CREATE TABLE stage.p AS SELECT * FROM {posts} QUALIFY row_number() "
            "OVER (PARTITION BY platform, post_id ORDER BY seq DESC) = 1")
        kept = None if unique else con.execute("SELECT count(*) FROM stage.v").fetchone()
        warnings = []
        if not unique and kept is not None and kept[0] < count:
            example = con.execute(
                f"SELECT list(row ORDER BY seq), any_value(col) FROM {values} GROUP BY "
                f"{', '.join(_KEY)} HAVING count(*) > 1 AND count(DISTINCT row) > 1 "
                "ORDER BY min(seq) LIMIT 1").fetchone()
            if example is not None:
                rows = ", ".join(str(r) for r in example[0][:5])
                warnings.append(f"{count - kept[0]} duplicated value(s) (the "
                                f"same post, day and metric on several rows): the last row "
                                f"wins, e.g. rows {rows}, column {example[1]!r}")
        return warnings

    def match(self, known: list[KnownPost]) -> int:
        """Match every stored post to ``known`` (in one transaction); how many matched."""
        from coulisses.kpi.match import match_posts

        self.con.execute("BEGIN TRANSACTION")
        try:
            matched = match_posts(self.con, known)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return matched

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
