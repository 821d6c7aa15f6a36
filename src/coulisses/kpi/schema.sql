-- The analytics store (DuckDB, `<data_dir>/analytics.duckdb`): the contract between the importers
-- (kpi/imports/, kpi/store.py) and the KPIs and report (kpi/compute.py, kpi/report.py).
-- Metric names are canonical (see kpi/metrics.yaml); a value a file does not carry is absent, never 0.

CREATE TABLE IF NOT EXISTS imports (
    import_id    VARCHAR PRIMARY KEY,   -- sha256 of the file's bytes: the same file twice is one import
    file         VARCHAR NOT NULL,      -- path as given
    platform     VARCHAR NOT NULL,      -- tiktok | instagram | facebook | youtube | linkedin | generic
    adapter      VARCHAR NOT NULL,      -- e.g. tiktok.content, meta.metric, youtube.table
    imported_at  TIMESTAMP NOT NULL,
    rows_read    BIGINT NOT NULL,
    rows_stored  BIGINT NOT NULL
);
-- Added by the importer (nullable, so stores made before them still open): what the import
-- changed, the export's as-of date, the days it flagged as partial and its warnings.
ALTER TABLE imports ADD COLUMN IF NOT EXISTS as_of DATE;               -- day the export was made
ALTER TABLE imports ADD COLUMN IF NOT EXISTS values_new BIGINT;        -- values not stored before
ALTER TABLE imports ADD COLUMN IF NOT EXISTS values_changed BIGINT;    -- values it updated
ALTER TABLE imports ADD COLUMN IF NOT EXISTS values_unchanged BIGINT;  -- values already equal
ALTER TABLE imports ADD COLUMN IF NOT EXISTS partial_days VARCHAR;     -- ISO days, comma-separated
ALTER TABLE imports ADD COLUMN IF NOT EXISTS warnings VARCHAR;         -- one per line

-- One row per published post (a video, reel, short, page post), as the platform identifies it.
CREATE TABLE IF NOT EXISTS posts (
    platform      VARCHAR NOT NULL,
    post_id       VARCHAR NOT NULL,     -- platform id, or the URL when no id is exported
    url           VARCHAR,
    caption       VARCHAR,
    published_at  TIMESTAMP,            -- naive UTC
    duration_s    DOUBLE,
    format        VARCHAR,              -- reel | short | video | image | carousel | text | ...
    campaign      VARCHAR,              -- coulisses campaign id when matched, else NULL
    variant       VARCHAR,              -- coulisses deliverable / variant id when matched
    kind          VARCHAR,              -- campaign | bts | other (from the match, else NULL)
    match_rule    VARCHAR,              -- id | url | caption | time: how it was matched
    source_file   VARCHAR NOT NULL,
    source_sheet  VARCHAR,
    source_row    BIGINT NOT NULL,
    import_id     VARCHAR NOT NULL,
    PRIMARY KEY (platform, post_id)
);

-- Every number, with where it came from. One row per (platform, post_id, scope, day, metric), so a
-- newer export of the same period replaces the value instead of adding to it. The import's staged
-- merge (kpi/store.py) keeps that key unique without a PRIMARY KEY: DuckDB holds a key index in
-- memory, which grew past 512 MB at 20 million values (stores made before keep theirs).
--   scope = 'lifetime' : totals for a post as of `day` (the export's as-of date); the report reads
--                        the latest `day` per (platform, post_id, metric)
--   scope = 'daily'    : the value for that calendar day (account-level rows have post_id = '')
CREATE TABLE IF NOT EXISTS metrics (
    platform      VARCHAR NOT NULL,
    post_id       VARCHAR NOT NULL,     -- '' for account-level series (followers, profile views)
    scope         VARCHAR NOT NULL,     -- lifetime | daily
    day           DATE NOT NULL,
    metric        VARCHAR NOT NULL,     -- canonical: views, reach, impressions, likes, comments,
                                        -- shares, saves, follows, followers, profile_views,
                                        -- watch_time_s, avg_watch_time_s, avg_pct_watched,
                                        -- completion_rate, clicks, engaged_views, unique_viewers,
                                        -- three_s_views, subscribers_gained, subscribers_lost
    value         DOUBLE NOT NULL,
    source_file   VARCHAR NOT NULL,
    source_sheet  VARCHAR,
    source_row    BIGINT NOT NULL,
    source_column VARCHAR NOT NULL,
    import_id     VARCHAR NOT NULL,
    imported_at   TIMESTAMP NOT NULL
);

-- Comments, when an export or API carries them: response rate, response time, returning commenters.
CREATE TABLE IF NOT EXISTS comments (
    platform      VARCHAR NOT NULL,
    comment_id    VARCHAR NOT NULL,
    post_id       VARCHAR NOT NULL,
    parent_id     VARCHAR,              -- the comment replied to, NULL for top-level
    author        VARCHAR NOT NULL,
    by_brand      BOOLEAN NOT NULL,     -- written by the brand's own account
    created_at    TIMESTAMP NOT NULL,
    text          VARCHAR,
    source_file   VARCHAR NOT NULL,
    source_row    BIGINT NOT NULL,
    import_id     VARCHAR NOT NULL,
    PRIMARY KEY (platform, comment_id)
);

-- Posts published by coulisses (`coulisses publish sync`): what each was made from, known by its
-- platform id when it was scheduled, never guessed. `moment_kinds` and `beats` are comma-separated.
CREATE TABLE IF NOT EXISTS published (
    platform      VARCHAR NOT NULL,
    post_id       VARCHAR NOT NULL,     -- platform id
    publish_post  BIGINT NOT NULL,      -- the post's id in the studio database
    campaign      VARCHAR,
    deliverable   VARCHAR,
    cut           VARCHAR,              -- studio cut version, or the cut's results folder
    variant       VARCHAR,              -- the rendered file published
    bts_item      VARCHAR,
    beats         VARCHAR,
    moment_kinds  VARCHAR,
    synced_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (platform, post_id)
);
