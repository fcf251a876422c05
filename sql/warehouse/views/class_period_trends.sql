-- analytics.class_period_trends (extra rollup, for the class_trends query):
-- one row per (granularity, class, period) with a submission; granularity day / week (ISO, Monday) /
-- month; periods are UTC calendar periods of submitted_at. Built from per-class-day sums, so every
-- granularity adds the same submissions.
--   submission_count, graded_count
--   avg_grade   mean grade, 2 decimals; pass_rate: share of graded with grade >= 60, 4 decimals; NULL when
--               nothing in the period is graded
-- Unique index (granularity, class_id, period_start) for CONCURRENTLY; it also serves one class's trend
-- and the all-classes list in (class_id, period_start) order.
CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.class_period_trends
    -- no truncation by (auto)vacuum: it takes a lock that readers would queue on
    WITH (vacuum_truncate = false) AS
WITH daily AS (
    SELECT a.class_id,
           (s.submitted_at AT TIME ZONE 'UTC')::date AS day,
           count(*) AS submissions,
           count(s.grade) AS graded,
           coalesce(sum((s.grade * 100)::integer), 0) AS grade_centi,  -- integer hundredths: exact and fast
           count(*) FILTER (WHERE s.grade >= 60) AS passed
    FROM platform.submissions s
    JOIN platform.assignments a ON a.assignment_id = s.assignment_id
    GROUP BY 1, 2
), granularities (granularity) AS (
    VALUES ('day'), ('week'), ('month')
)
SELECT g.granularity,
       d.class_id,
       date_trunc(g.granularity, d.day::timestamp)::date AS period_start,
       sum(d.submissions)::integer AS submission_count,
       sum(d.graded)::integer AS graded_count,
       round(sum(d.grade_centi) / (100.0 * nullif(sum(d.graded), 0)), 2) AS avg_grade,
       round(sum(d.passed) / nullif(sum(d.graded), 0), 4) AS pass_rate
FROM daily d
CROSS JOIN granularities g
GROUP BY 1, 2, 3
WITH DATA;

CREATE UNIQUE INDEX IF NOT EXISTS ux_class_period_trends
    ON analytics.class_period_trends (granularity, class_id, period_start);
