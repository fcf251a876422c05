-- analytics.student_engagement_windows (extra rollup, for the student_engagement query):
-- one row per (window_days, student) with a submission in the window. Windows as in
-- student_subject_windows: UTC days d > today - N (today = UTC date at refresh time), N in 7, 30, 90,
-- 365. Each day falls in exactly one band (the narrowest window holding it), so a window's active
-- days are the sum of its bands' distinct days.
--   active_days            distinct UTC days with a submission
--   active_share           active_days / N, 4 decimals
--   submission_count       submissions in the window
--   mean_days_between      mean gap between consecutive submissions in days, 2 decimals: the gaps add up
--                          to last - first, so it is (last - first) / (count - 1); NULL under two submissions
-- count(DISTINCT day) per student rides the (student_id, submitted_at) index order (incremental sort).
-- Unique index (window_days, student_id) for CONCURRENTLY and one student; (window_days, active_days DESC,
-- student_id) for the ranked list.
CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.student_engagement_windows
    -- no truncation by (auto)vacuum: it takes a lock that readers would queue on
    WITH (vacuum_truncate = false) AS
WITH bounds AS MATERIALIZED (
    SELECT (t.today - 6)::timestamp AT TIME ZONE 'UTC' AS b7,
           (t.today - 29)::timestamp AT TIME ZONE 'UTC' AS b30,
           (t.today - 89)::timestamp AT TIME ZONE 'UTC' AS b90,
           (t.today - 364)::timestamp AT TIME ZONE 'UTC' AS b365
    FROM (SELECT (now() AT TIME ZONE 'UTC')::date AS today) t
), banded AS (
    SELECT s.student_id,
           CASE WHEN s.submitted_at >= b.b7 THEN 7
                WHEN s.submitted_at >= b.b30 THEN 30
                WHEN s.submitted_at >= b.b90 THEN 90
                ELSE 365 END AS band_days,
           count(DISTINCT (s.submitted_at AT TIME ZONE 'UTC')::date) AS active_days,
           count(*) AS submissions,
           min(s.submitted_at) AS first_at,
           max(s.submitted_at) AS last_at
    FROM platform.submissions s
    CROSS JOIN bounds b
    WHERE s.submitted_at >= b.b365
    GROUP BY 1, 2
), windows (window_days) AS (
    VALUES (7), (30), (90), (365)
), totals AS (
    SELECT w.window_days,
           b.student_id,
           sum(b.active_days) AS active_days,
           sum(b.submissions) AS submissions,
           min(b.first_at) AS first_at,
           max(b.last_at) AS last_at
    FROM banded b
    JOIN windows w ON b.band_days <= w.window_days
    GROUP BY w.window_days, b.student_id
)
SELECT window_days,
       student_id,
       active_days::integer AS active_days,
       round(active_days / window_days, 4) AS active_share,
       submissions::integer AS submission_count,
       round(extract(epoch FROM last_at - first_at) / 86400 / nullif(submissions - 1, 0), 2) AS mean_days_between
FROM totals
WITH DATA;

CREATE UNIQUE INDEX IF NOT EXISTS ux_student_engagement_windows
    ON analytics.student_engagement_windows (window_days, student_id);
CREATE INDEX IF NOT EXISTS ix_student_engagement_windows_ranked
    ON analytics.student_engagement_windows (window_days, active_days DESC, student_id);
