WITH bounds AS MATERIALIZED (
    SELECT (t.today - 6)::timestamp AT TIME ZONE 'UTC' AS b7,
           (t.today - 29)::timestamp AT TIME ZONE 'UTC' AS b30,
           (t.today - 89)::timestamp AT TIME ZONE 'UTC' AS b90,
           (t.today - 364)::timestamp AT TIME ZONE 'UTC' AS b365
    FROM (SELECT (%(as_of)s::timestamptz AT TIME ZONE 'UTC')::date AS today) t
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
)
SELECT w.window_days, b.student_id, sum(b.active_days), sum(b.submissions), min(b.first_at), max(b.last_at)
FROM banded b
JOIN (VALUES (7), (30), (90), (365)) AS w (window_days) ON b.band_days <= w.window_days
GROUP BY w.window_days, b.student_id
