"""KPIs over the analytics store: DuckDB SQL generated from the definitions, frozen results.

``open_posts(store, period)`` builds one row per post (latest lifetime snapshot per metric, or
the daily series up to the period's end) with the dimensions the report groups by;
``compute(table, dims)`` aggregates every KPI per group. A KPI whose inputs are missing is
``None`` with the reason, never 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coulisses.errors import AnalyticsImportError, ConflictError
from coulisses.kpi.definitions import METRICS, Definitions, Formula, Kpi, load_definitions

if TYPE_CHECKING:
    import duckdb

Key = tuple[str | None, ...]
DIM_COLUMN = {"platform": "platform", "format": "dim_format", "kind": "dim_kind",
              "length": "dim_length", "hook": "dim_hook", "hour": "dim_hour"}


@dataclass(frozen=True)
class Period:
    """Posts published from ``since`` to ``until`` (inclusive dates); None = open."""

    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class KpiValue:
    """One KPI over one group of posts. ``value`` is None when the data cannot support it."""

    kpi: str
    value: float | None
    numerator: float | None
    denominator: float | None
    n_posts: int
    n_total: int
    unavailable_reason: str | None = None
    estimated: bool = False
    n_estimated: int = 0
    post_mean: float | None = None
    basis: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Group:
    """Every KPI for the posts sharing ``key`` on the dimensions ``dims``."""

    dims: tuple[str, ...]
    key: Key
    n_posts: int
    values: tuple[KpiValue, ...]

    def get(self, kpi: str) -> KpiValue:
        """The value of one KPI in this group.

        Raises:
            KeyError: a KPI this group was not computed for.
        """
        for v in self.values:
            if v.kpi == kpi:
                return v
        raise KeyError(kpi)


class PostTable:
    """The per-post table of one period, in an in-memory DuckDB that attaches the store."""

    def __init__(self, con: duckdb.DuckDBPyConnection, defs: Definitions, period: Period):
        self.con = con
        self.defs = defs
        self.period = period
        self.presence = self._presence()
        cols = []
        for k in defs.kpis:
            if k.scope == "post":
                num, den, est, basis = kpi_sql(k)
                cols += [f"{num} AS n_{k.id}", f"{den} AS d_{k.id}", f"{est} AS e_{k.id}",
                         f"{basis} AS b_{k.id}"]
        # every post KPI's numerator and denominator, once per post, for the group queries
        con.execute(f"CREATE TEMP TABLE kpi_rates AS SELECT *, {', '.join(cols)} FROM kpi_posts")

    def _presence(self) -> dict[str, set[str]]:
        """Per platform, the metrics at least one post carries."""
        cols = [*METRICS, "duration_s", "followers_at_publication"]
        sql = "SELECT platform, " + ", ".join(f"count({c})" for c in cols) + \
            " FROM kpi_posts GROUP BY platform"
        return {row[0]: {c for c, n in zip(cols, row[1:], strict=True) if n}
                for row in self.con.execute(sql).fetchall()}

    def count(self) -> int:
        """How many posts the period holds."""
        row = self.con.execute("SELECT count(*) FROM kpi_posts").fetchone()
        return int(row[0]) if row else 0

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return self.con.execute(sql).fetchall()


@contextmanager
def open_posts(store: Path, period: Period = Period(), defs: Definitions | None = None,
               campaign: str | None = None) -> Iterator[PostTable]:
    """Attach ``store`` read-only and build the per-post table of ``period`` (and of the
    posts matched to ``campaign``, when given).

    Raises:
        AnalyticsImportError: no store at that path, or not an analytics store.
        ConflictError: an import is writing to the store right now.
    """
    import duckdb

    if not store.is_file():
        raise AnalyticsImportError("no analytics store here", path=store,
                                   hint="import exports first: coulisses kpi import FILE")
    con = duckdb.connect(":memory:")
    try:
        quoted = str(store).replace("'", "''")
        try:
            con.execute(f"ATTACH '{quoted}' AS s (READ_ONLY)")
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise ConflictError(f"{store}: an import is writing to the analytics store",
                                    hint="run the report when it has finished") from None
            raise AnalyticsImportError(f"not an analytics store ({exc})", path=store) from None
        except duckdb.Error as exc:
            raise AnalyticsImportError(f"not an analytics store ({exc})", path=store) from None
        try:
            since, end = _bound(period)
            con.execute(_posts_sql().format(since=since, end=end, campaign=literal(campaign)))
        except duckdb.CatalogException as exc:
            raise AnalyticsImportError(f"not an analytics store: {exc}", path=store,
                                       hint="import exports with coulisses kpi import") from None
        yield PostTable(con, defs or load_definitions(), period)
    finally:
        con.close()


def _posts_sql() -> str:
    from importlib import resources

    return (resources.files("coulisses.kpi") / "templates" / "posts.sql").read_text("utf-8")


def literal(text: str | None) -> str:
    """A SQL string literal (or NULL) for a value that cannot be a bound parameter."""
    return "NULL" if text is None else "'" + text.replace("'", "''") + "'"


def _bound(period: Period) -> tuple[str, str]:
    since = f"TIMESTAMP '{period.since.isoformat()}'" if period.since else "NULL"
    end = f"TIMESTAMP '{(period.until + timedelta(days=1)).isoformat()}'" \
        if period.until else "NULL"
    return since, end


# --- post KPIs: SQL generated from the formulas ------------------------------------------


def _formula_sql(f: Formula) -> tuple[str, str, str, str]:
    """(has inputs, numerator, denominator, basis) as SQL expressions over kpi_posts."""
    conds = [f"{m} IS NOT NULL" for m in f.requires]
    den = f"COALESCE({', '.join(f.denominator)})" if f.denominator else "1.0"
    if f.denominator:
        conds.append(f"{den} > 0")
    if f.weight:
        conds.append(f"{f.weight} > 0")
    num = " + ".join(f"COALESCE({m}, 0)" if m in f.optional else m for m in f.numerator)
    num = f"({num})"
    if f.cap is not None:
        num = f"LEAST({num}, {f.cap!r} * {den})"
    if f.weight:  # a weighted mean of the per-post rates: Σ rate × weight / Σ weight
        num_sql, den_sql = f"{num} / {den} * {f.scale!r} * {f.weight}", f.weight
    else:
        num_sql, den_sql = f"{num} * {f.scale!r}", den
    basis = "CASE " + " ".join(f"WHEN {d} IS NOT NULL THEN '{d}'" for d in f.denominator) + \
        " END" if f.denominator else "NULL"
    return " AND ".join(conds) or "TRUE", num_sql, den_sql, basis


def kpi_sql(kpi: Kpi) -> tuple[str, str, str, str]:
    """(numerator, denominator, estimated, basis) per post for a post KPI, formulas in order."""
    parts = [_formula_sql(f) for f in kpi.formulas]
    num = "CASE " + " ".join(f"WHEN {h} THEN {n}" for h, n, _, _ in parts) + " END"
    den = "CASE " + " ".join(f"WHEN {h} THEN {d}" for h, _, d, _ in parts) + " END"
    est = "CASE " + " ".join(f"WHEN {h} THEN {str(f.estimated).upper()}"
                             for (h, _, _, _), f in zip(parts, kpi.formulas, strict=True)) + " END"
    basis = "CASE " + " ".join(f"WHEN {h} THEN {b}" for h, _, _, b in parts) + " END"
    return num, den, est, basis


def _dim_cols(dims: Sequence[str]) -> list[str]:
    return [DIM_COLUMN[d] for d in dims]


def compute(table: PostTable, dims: Sequence[str] = (), where: str = "TRUE") -> list[Group]:
    """Every KPI per group of posts sharing the values of ``dims`` (none: one overall group),
    over the posts matching the SQL condition ``where`` (built by the caller from literals)."""
    cols = _dim_cols(dims)
    post_kpis = [k for k in table.defs.kpis if k.scope == "post"]
    select = [*cols, "count(*)", "list(DISTINCT platform)"]
    bases = {k.id: list(dict.fromkeys(d for f in k.formulas for d in f.denominator))
             for k in post_kpis}
    for k in post_kpis:
        num, den, est, basis = (f"{p}_{k.id}" for p in "ndeb")
        ok = f"FILTER (WHERE {num} IS NOT NULL)"
        select += [f"sum({num}) {ok}", f"sum({den}) {ok}", f"count({num})",
                   f"count_if({est}) {ok}", f"avg({num} / {den}) {ok}",
                   "[" + ", ".join([f"count_if({basis} = '{d}')" for d in bases[k.id]]) + "]"]
    group_by = f" GROUP BY {', '.join(cols)} ORDER BY {', '.join(cols)}" if cols else ""
    rows = table.rows(f"SELECT {', '.join(select)} FROM kpi_rates WHERE {where}{group_by}")
    others = _others(table, dims, where)
    groups = []
    for row in rows:
        key: Key = tuple(row[: len(cols)])
        n_total, platforms = int(row[len(cols)]), list(row[len(cols) + 1] or [])
        values = []
        for i, k in enumerate(post_kpis):
            s_num, s_den, n, n_est, mean, counts = row[len(cols) + 2 + 6 * i:len(cols) + 8 + 6 * i]
            hist = {d: int(c) for d, c in zip(bases[k.id], counts or [], strict=False) if c}
            values.append(_post_value(table, k, s_num, s_den, int(n), n_total, int(n_est or 0),
                                      mean, hist, platforms))
        values += [others(k, key, n_total, platforms) for k in table.defs.kpis
                   if k.scope != "post"]
        groups.append(Group(tuple(dims), key, n_total, tuple(values)))
    return groups


def _post_value(table: PostTable, k: Kpi, s_num: float | None, s_den: float | None, n: int,
                n_total: int, n_est: int, mean: float | None, hist: dict[str, int] | None,
                platforms: list[str]) -> KpiValue:
    if not n or not s_den:
        return KpiValue(k.id, None, None, None, 0, n_total,
                        unavailable_reason=missing_reason(table, k, platforms))
    basis = tuple(sorted((hist or {}).items()))
    return KpiValue(k.id, s_num / s_den * k.scale if s_num is not None else None, s_num, s_den,
                    n, n_total, estimated=n_est > 0, n_estimated=n_est,
                    post_mean=mean * k.scale if mean is not None else None, basis=basis)


def missing_reason(table: PostTable, k: Kpi, platforms: Sequence[str]) -> str:
    """Which inputs of ``k`` the data lacks, platform by platform."""
    parts = []
    for platform in sorted(platforms):
        have = table.presence.get(platform, set())
        missing: list[str] = []
        for f in k.formulas[:1]:
            missing += [m for m in f.requires if m not in have]
            if f.denominator and not any(d in have for d in f.denominator):
                missing.append(" or ".join(f.denominator))
        if missing:
            parts.append(f"{platform} exports no {', '.join(missing)}")
    if parts:
        return "; ".join(parts)
    return f"no post in this group has {', '.join(k.needs())}"


def post_rates(table: PostTable, kpi: Kpi, dims: Sequence[str]) -> list[tuple[Key, float, float]]:
    """Per post with the KPI's inputs: (group key, numerator, denominator), for resampling."""
    num, den = f"n_{kpi.id}", f"d_{kpi.id}"
    cols = _dim_cols(dims)
    head = ", ".join(cols) + ", " if cols else ""
    rows = table.rows(f"SELECT {head}{num}, {den} FROM kpi_rates WHERE {num} IS NOT NULL "
                      f"AND {den} > 0 ORDER BY platform, post_id")
    return [(tuple(r[: len(cols)]), float(r[-2]), float(r[-1])) for r in rows]


# --- account and comment KPIs -----------------------------------------------------------

Other = Callable[[Kpi, Key, int, Sequence[str]], KpiValue]


def _others(table: PostTable, dims: Sequence[str], where: str) -> Other:
    """The account-level and comment KPIs of each group, as a lookup."""
    account = _account(table) if set(dims) <= {"platform"} else None
    talk, returning = _comments(table, dims, where)
    brand = {r[0] for r in table.rows(
        "SELECT platform FROM s.comments GROUP BY platform HAVING bool_or(by_brand)")}

    def value(k: Kpi, key: Key, n_total: int, platforms: Sequence[str]) -> KpiValue:
        def none(reason: str) -> KpiValue:
            return KpiValue(k.id, None, None, None, 0, n_total, unavailable_reason=reason)

        if k.measure == "follower_growth":
            if account is None:
                return none("account-level KPI: shown overall and by platform only")
            series = {p: v for p, v in account.items() if p in platforms}
            usable = {p: v for p, v in series.items() if v[2]}
            if not usable:
                return none("no daily followers series spanning the period for "
                            + ", ".join(sorted(set(platforms) | set(series))))
            first = sum(v[0] for v in usable.values())
            gained = sum(v[1] - v[0] for v in usable.values())
            if first <= 0:
                return none("the followers series starts at 0")
            return KpiValue(k.id, gained / first * k.scale, gained, first, 0, n_total)
        row = talk.get(key)
        if row is None:
            return none("no comment data imported for " + ", ".join(sorted(platforms)))
        inbound, replied, hours, n_posts, commented = row
        if k.measure == "returning_commenters":
            back, everyone = returning.get(key, (0, 0))
            if not everyone:
                return none("no audience comment, only the brand's")
            return KpiValue(k.id, back / everyone * k.scale, back, everyone, n_posts, n_total)
        lacking = sorted(p for p in commented if p not in brand)
        if not inbound:
            return none("the comment data of " + ", ".join(lacking or sorted(platforms))
                        + " has no brand replies: unanswered and not exported look the same")
        if k.measure == "response_rate":
            return KpiValue(k.id, replied / inbound * k.scale, replied, inbound, n_posts,
                            n_total)
        if not replied:
            return none("no audience comment got a brand reply")
        return KpiValue(k.id, hours / replied * k.scale, hours, replied, n_posts, n_total)

    return value


def _account(table: PostTable) -> dict[str, tuple[float, float, int]]:
    """Per platform: followers at the period's start (the last day on or before ``since``,
    else the first day), at its end (the last day up to ``until``), and whether they differ
    in day (1) or not (0)."""
    since, end = _bound(table.period)
    start = f"day <= CAST({since} AS DATE)"
    rows = table.rows(
        f"SELECT platform, coalesce(arg_max(value, day) FILTER (WHERE {start}), "
        f"arg_min(value, day)), arg_max(value, day), "
        f"coalesce(max(day) FILTER (WHERE {start}), min(day)) < max(day) FROM s.metrics "
        "WHERE post_id = '' AND scope = 'daily' AND metric = 'followers' "
        f"AND ({end} IS NULL OR day < CAST({end} AS DATE)) GROUP BY platform")
    return {r[0]: (float(r[1]), float(r[2]), int(bool(r[3]))) for r in rows}


def _comments(table: PostTable, dims: Sequence[str], where: str) -> tuple[
        dict[Key, tuple[int, int, float, int, list[str]]], dict[Key, tuple[int, int]]]:
    """Per group: audience comments (on platforms with brand replies), replied ones, reply
    hours, posts with comments, platforms; and (returning, all) audience commenters."""
    cols = [("c.platform" if d == "platform" else f"p.{DIM_COLUMN[d]}") for d in dims]
    names = [f"g{i}" for i in range(len(cols))]
    picked = "".join(f"{c} AS {n}, " for c, n in zip(cols, names, strict=True))
    group = f"GROUP BY {', '.join(names)}" if names else ""
    head = ", ".join(names) + ", " if names else ""
    base = f"""
        WITH brand AS (SELECT platform FROM s.comments GROUP BY platform HAVING bool_or(by_brand)),
        reply AS (SELECT platform, parent_id, min(created_at) AS t FROM s.comments
                  WHERE by_brand AND parent_id IS NOT NULL GROUP BY ALL),
        aud AS (SELECT {picked}c.platform AS platform, c.post_id, c.author, c.created_at,
                       r.t AS replied_at, c.platform IN (SELECT platform FROM brand) AS branded
                FROM s.comments c JOIN kpi_posts p USING (platform, post_id)
                LEFT JOIN reply r ON r.platform = c.platform AND r.parent_id = c.comment_id
                WHERE NOT c.by_brand AND c.post_id IN (SELECT post_id FROM kpi_posts p
                    WHERE p.platform = c.platform AND {where}))"""
    talk = {tuple(r[: len(names)]): (int(r[-5]), int(r[-4]), float(r[-3] or 0.0), int(r[-2]),
                                     list(r[-1]))
            for r in table.rows(f"""{base}
        SELECT {head}count(*) FILTER (WHERE branded), count(replied_at) FILTER (WHERE branded),
               sum(greatest(epoch(replied_at) - epoch(created_at), 0)) / 3600,
               count(DISTINCT post_id), list(DISTINCT platform) FROM aud {group}""") if r[-1]}
    returning = {tuple(r[: len(names)]): (int(r[-2]), int(r[-1])) for r in table.rows(f"""{base}
        SELECT {head}count(*) FILTER (WHERE n >= 2), count(*) FROM (
            SELECT {head}platform, author, count(DISTINCT post_id) AS n FROM aud
            GROUP BY ALL) {group}""") if r[-1]}
    return talk, returning


def metric_total(table: PostTable, metric: str, where: str = "TRUE") -> KpiValue:
    """A store metric over the posts matching ``where``: the sum of a count, the views-weighted
    mean of an average or share (shares in %), or the latest account ``followers``."""
    if metric == "followers":
        platforms = [r[0] for r in table.rows(f"SELECT DISTINCT platform FROM kpi_posts "
                                              f"WHERE {where}")]
        latest = [v for p, v in _account(table).items() if p in platforms]
        if not latest:
            return KpiValue(metric, None, None, None, 0, 0,
                            unavailable_reason="no daily followers series imported")
        return KpiValue(metric, sum(v[1] for v in latest), None, None, 0, 0)
    if metric in ("avg_watch_time_s", "avg_pct_watched", "completion_rate"):
        scale = 1.0 if metric == "avg_watch_time_s" else 100.0
        sql = f"sum({metric} * views) * {scale}, sum(views) FILTER (WHERE {metric} IS NOT NULL)"
    else:
        sql = f"sum({metric}), NULL"
    row = table.rows(f"SELECT {sql}, count({metric}), count(*) FROM kpi_posts WHERE {where}")[0]
    total, weight, n, n_total = row
    if not n or (weight is not None and not weight) or total is None:
        return KpiValue(metric, None, None, None, 0, int(n_total),
                        unavailable_reason=f"no post here has {metric}")
    value = total / weight if weight else total
    return KpiValue(metric, float(value), float(total), float(weight) if weight else None,
                    int(n), int(n_total))
