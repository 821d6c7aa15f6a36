"""Numbers read through the platforms' APIs (``coulisses publish sync``) into the analytics store,
with their provenance, and the posts coulisses published matched to what they were made from.

One sync of one platform's endpoint is one import: ``imports.adapter`` is ``api``, ``file`` the
endpoint, ``imported_at`` the time it was read; each value's ``source_file`` is the endpoint,
``source_sheet`` ``api`` and ``source_column`` the platform's own field name. A post is matched
by its platform id (``match_rule = 'id'``) to the campaign and deliverable it was scheduled for.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coulisses.kpi.store import Store

ADAPTER = "api"


@dataclass(frozen=True)
class ApiPost:
    """A post published by coulisses, and what it was made from (empty when not planned)."""

    platform: str
    post_id: str
    publish_post: int
    url: str = ""
    caption: str = ""
    published_at: datetime | None = None  # naive UTC
    duration_s: float | None = None
    campaign: str = ""
    deliverable: str = ""
    kind: str = ""  # campaign | bts
    cut: str = ""
    variant: str = ""
    bts_item: str = ""
    beats: tuple[str, ...] = ()
    moment_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApiValue:
    post_id: str
    field: str  # the platform's name for it
    metric: str  # canonical
    value: float


@dataclass(frozen=True)
class ApiImport:
    """What recording one sync of one endpoint did."""

    import_id: str
    platform: str
    endpoint: str
    posts: int
    values_new: int
    values_changed: int
    values_unchanged: int


def record_api(store: Store, *, platform: str, endpoint: str, at: datetime,
               posts: list[ApiPost], values: list[ApiValue]) -> ApiImport:
    """Store one endpoint's answer for ``posts`` in one transaction (``at``: naive UTC).

    Values are lifetime totals as of ``at``'s day: a later sync the same day updates them, a
    sync another day adds that day's totals (the report reads the latest).
    """
    con = store.con
    key = f"{ADAPTER}|{platform}|{endpoint}|{at.isoformat()}|{len(values)}"
    import_id = hashlib.sha256(key.encode()).hexdigest()
    day = at.date()
    cols: list[list[object]] = [[], [], [], []]
    for v in values:
        for column, item in zip(cols, (v.post_id, v.metric, v.value, v.field), strict=True):
            column.append(item)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE api_v AS SELECT $1 AS platform, post_id, 'lifetime' AS "
            "scope, $2::DATE AS day, metric, value, col FROM (SELECT unnest($3::VARCHAR[]) AS "
            "post_id, unnest($4::VARCHAR[]) AS metric, unnest($5::DOUBLE[]) AS value, "
            "unnest($6::VARCHAR[]) AS col)", [platform, day, *cols])
        same = ("m.platform = v.platform AND m.post_id = v.post_id AND m.scope = v.scope AND "
                "m.day = v.day AND m.metric = v.metric")
        new, changed, unchanged = con.execute(
            "SELECT count(*) FILTER (WHERE m.value IS NULL), count(*) FILTER (WHERE m.value <> "
            f"v.value), count(*) FILTER (WHERE m.value = v.value) FROM api_v v LEFT JOIN "
            f"metrics m ON {same}").fetchone() or (0, 0, 0)
        con.execute(
            "UPDATE metrics m SET value = v.value, source_file = ?, source_sheet = 'api', "
            "source_row = 0, source_column = v.col, import_id = ?, imported_at = ? FROM api_v v "
            f"WHERE {same} AND m.value <> v.value", [endpoint, import_id, at])
        con.execute(
            "INSERT INTO metrics SELECT platform, post_id, scope, day, metric, value, ?, 'api', "
            "0, col, ?, ? FROM api_v v WHERE NOT EXISTS (SELECT 1 FROM metrics m WHERE "
            f"{same})", [endpoint, import_id, at])
        con.execute("DROP TABLE api_v")
        for p in posts:
            _post(store, p, endpoint, import_id, at)
        con.execute(
            "INSERT INTO imports (import_id, file, platform, adapter, imported_at, rows_read, "
            "rows_stored, as_of, values_new, values_changed, values_unchanged) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [import_id, endpoint, platform, ADAPTER, at, len(values), len(values), day, new,
             changed, unchanged])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return ApiImport(import_id, platform, endpoint, len(posts), new, changed, unchanged)


def _post(store: Store, p: ApiPost, endpoint: str, import_id: str, at: datetime) -> None:
    planned = bool(p.campaign)
    store.con.execute(
        "INSERT INTO posts (platform, post_id, url, caption, published_at, duration_s, campaign, "
        "variant, kind, match_rule, source_file, source_sheet, source_row, import_id) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'api', 0, ?) ON CONFLICT (platform, post_id) DO "
        "UPDATE SET url = excluded.url, caption = excluded.caption, published_at = "
        "excluded.published_at, duration_s = coalesce(excluded.duration_s, posts.duration_s), "
        "campaign = coalesce(excluded.campaign, posts.campaign), variant = "
        "coalesce(excluded.variant, posts.variant), kind = coalesce(excluded.kind, posts.kind), "
        "match_rule = coalesce(excluded.match_rule, posts.match_rule), source_file = "
        "excluded.source_file, source_sheet = 'api', source_row = 0, import_id = "
        "excluded.import_id",
        [p.platform, p.post_id, p.url or None, p.caption or None, p.published_at,
         p.duration_s, p.campaign or None, p.deliverable or None,
         (p.kind or "campaign") if planned else None, "id" if planned else None, endpoint,
         import_id])
    store.con.execute(
        "INSERT INTO published VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, "
        "post_id) DO UPDATE SET publish_post = excluded.publish_post, campaign = "
        "excluded.campaign, deliverable = excluded.deliverable, cut = excluded.cut, variant = "
        "excluded.variant, bts_item = excluded.bts_item, beats = excluded.beats, moment_kinds = "
        "excluded.moment_kinds, synced_at = excluded.synced_at",
        [p.platform, p.post_id, p.publish_post, p.campaign or None, p.deliverable or None,
         p.cut or None, p.variant or None, p.bts_item or None, ",".join(p.beats) or None,
         ",".join(p.moment_kinds) or None, at])


def moment_kinds(store: Store) -> dict[tuple[str, str], tuple[str, ...]]:
    """The moment kinds of every post coulisses published, by (platform, platform id)."""
    rows = store.con.execute("SELECT platform, post_id, moment_kinds FROM published "
                             "WHERE moment_kinds IS NOT NULL").fetchall()
    return {(r[0], r[1]): tuple(k for k in str(r[2]).split(",") if k) for r in rows}


#: the numbers a post's row shows, in this order (watch time only where the platform gives it)
SHOWN = ("views", "likes", "comments", "shares", "watch_time_s")


@dataclass(frozen=True)
class PostNumbers:
    """A published post's latest lifetime totals and when they were read."""

    values: tuple[tuple[str, float], ...]  # (canonical metric, value), in ``SHOWN`` order
    synced_at: datetime | None  # naive UTC

    def get(self, metric: str) -> float | None:
        return dict(self.values).get(metric)

    @property
    def synced_ms(self) -> int | None:
        """``synced_at`` in ms since the epoch."""
        if self.synced_at is None:
            return None
        return int(self.synced_at.replace(tzinfo=UTC).timestamp() * 1000)


def latest_numbers(store: Store, keys: list[tuple[str, str]]
                   ) -> dict[tuple[str, str], PostNumbers]:
    """The latest lifetime totals (``SHOWN``) of the posts ``keys`` (platform, platform id)
    that a sync read, by key; a post never synced is absent."""
    if not keys:
        return {}
    rows = store.con.execute(
        "SELECT m.platform, m.post_id, m.metric, arg_max(m.value, m.day), max(p.synced_at) "
        "FROM metrics m JOIN published p ON p.platform = m.platform AND p.post_id = m.post_id "
        "WHERE m.scope = 'lifetime' AND m.metric IN (SELECT unnest($1::VARCHAR[])) AND "
        "(m.platform || '|' || m.post_id) IN (SELECT unnest($2::VARCHAR[])) "
        "GROUP BY m.platform, m.post_id, m.metric",
        [list(SHOWN), [f"{p}|{i}" for p, i in keys]]).fetchall()
    found: dict[tuple[str, str], dict[str, float]] = {}
    synced: dict[tuple[str, str], datetime | None] = {}
    for platform, post_id, metric, value, at in rows:
        found.setdefault((platform, post_id), {})[metric] = float(value)
        synced[(platform, post_id)] = at
    return {key: PostNumbers(tuple((m, values[m]) for m in SHOWN if m in values), synced[key])
            for key, values in found.items()}
