-- One row per post of the period, every canonical metric as a column: kpi/compute.py runs this
-- with {since} and {end} replaced by TIMESTAMP literals or NULL, {campaign} by a string or
-- NULL: the posts (of that campaign) published in [since, end), with all their metrics. Store tables come from the attached schema `s`.
--   lifetime rows: the latest `day` per (post, metric)    daily rows: summed over the days,
--   except the ratio metrics (averages, completion), which are averaged over the days.
--   A metric a post has in both scopes takes the lifetime value.
CREATE TEMP TABLE kpi_posts AS
WITH sel AS (
    SELECT platform, post_id, caption, published_at, duration_s, format, kind
    FROM s.posts
    WHERE ({since} IS NULL OR published_at >= {since})
      AND ({end} IS NULL OR published_at < {end})
      AND ({campaign} IS NULL OR campaign = {campaign})
),
rows AS (
    SELECT m.platform, m.post_id, m.scope, m.day, m.metric, m.value
    FROM s.metrics m SEMI JOIN sel USING (platform, post_id)
    WHERE m.post_id <> ''
),
life AS (
    SELECT platform, post_id, metric, arg_max(value, day) AS value
    FROM rows WHERE scope = 'lifetime' GROUP BY ALL
),
daily AS (
    SELECT platform, post_id, metric,
           CASE WHEN metric IN ('avg_watch_time_s', 'avg_pct_watched', 'completion_rate')
                THEN avg(value) ELSE sum(value) END AS value
    FROM rows WHERE scope = 'daily' GROUP BY platform, post_id, metric
),
vals AS (
    SELECT COALESCE(l.platform, d.platform) AS platform, COALESCE(l.post_id, d.post_id) AS post_id,
           COALESCE(l.metric, d.metric) AS metric, COALESCE(l.value, d.value) AS value
    FROM life l FULL JOIN daily d USING (platform, post_id, metric)
),
wide AS (
    SELECT platform, post_id,
        max(value) FILTER (WHERE metric = 'views') AS views,
        max(value) FILTER (WHERE metric = 'reach') AS reach,
        max(value) FILTER (WHERE metric = 'impressions') AS impressions,
        max(value) FILTER (WHERE metric = 'likes') AS likes,
        max(value) FILTER (WHERE metric = 'comments') AS comments,
        max(value) FILTER (WHERE metric = 'shares') AS shares,
        max(value) FILTER (WHERE metric = 'saves') AS saves,
        max(value) FILTER (WHERE metric = 'follows') AS follows,
        max(value) FILTER (WHERE metric = 'followers') AS followers,
        max(value) FILTER (WHERE metric = 'profile_views') AS profile_views,
        max(value) FILTER (WHERE metric = 'watch_time_s') AS watch_time_s,
        max(value) FILTER (WHERE metric = 'avg_watch_time_s') AS avg_watch_time_s,
        max(value) FILTER (WHERE metric = 'avg_pct_watched') AS avg_pct_watched,
        max(value) FILTER (WHERE metric = 'completion_rate') AS completion_rate,
        max(value) FILTER (WHERE metric = 'clicks') AS clicks,
        max(value) FILTER (WHERE metric = 'engaged_views') AS engaged_views,
        max(value) FILTER (WHERE metric = 'unique_viewers') AS unique_viewers,
        max(value) FILTER (WHERE metric = 'three_s_views') AS three_s_views,
        max(value) FILTER (WHERE metric = 'subscribers_gained') AS subscribers_gained,
        max(value) FILTER (WHERE metric = 'subscribers_lost') AS subscribers_lost
    FROM vals GROUP BY platform, post_id
),
fol AS (
    SELECT platform, day, value AS followers_at_publication
    FROM s.metrics WHERE post_id = '' AND scope = 'daily' AND metric = 'followers'
),
joined AS (
    SELECT sel.*, w.* EXCLUDE (platform, post_id),
           CAST(sel.published_at AS DATE) AS pub_day,
           regexp_extract(trim(sel.caption), '^[^.!?\n]*[.!?]?') AS first_sentence
    FROM sel LEFT JOIN wide w USING (platform, post_id)
)
SELECT j.* EXCLUDE (first_sentence, pub_day), f.followers_at_publication,
    COALESCE(j.kind, 'unknown') AS dim_kind,
    COALESCE(j.format, 'unknown') AS dim_format,
    CASE WHEN j.duration_s IS NULL THEN 'unknown'
         WHEN j.duration_s < 15 THEN '0-15s' WHEN j.duration_s < 30 THEN '15-30s'
         WHEN j.duration_s < 60 THEN '30-60s' WHEN j.duration_s < 180 THEN '1-3min'
         ELSE '3min+' END AS dim_length,
    CASE WHEN j.caption IS NULL OR trim(j.caption) = '' THEN 'unknown'
         WHEN contains(j.first_sentence, '?') THEN 'question'
         WHEN contains(j.first_sentence, '!') THEN 'exclamation'
         WHEN regexp_matches(trim(j.caption), '^[0-9]') THEN 'number'
         ELSE 'statement' END AS dim_hook,
    CASE WHEN j.published_at IS NULL THEN 'unknown'
         ELSE lpad(CAST(hour(j.published_at) // 3 * 3 AS VARCHAR), 2, '0') || '-'
              || lpad(CAST(hour(j.published_at) // 3 * 3 + 2 AS VARCHAR), 2, '0') || 'h' END
        AS dim_hour
FROM joined j
ASOF LEFT JOIN fol f ON j.platform = f.platform AND j.pub_day >= f.day
