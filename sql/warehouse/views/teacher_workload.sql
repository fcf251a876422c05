-- analytics.teacher_workload: one row per teacher (every teacher, idle ones with zeros).
--   pending_reviews          submissions still pending_review in the teacher's classes (the class teacher
--                            owes the review: a pending submission has no grader yet)
--   graded_submissions       submissions the teacher graded (graded_by; status graded or returned)
--   avg_grade_time_minutes   mean of graded_at - submitted_at over those, 1 decimal; NULL when none
--   overdue_percentage       100 * pending reviews submitted more than 7 days before the refresh (now() at
--                            refresh time) / pending_reviews, 2 decimals; NULL when nothing is pending
-- Built from analytics.teacher_daily_workload (refresh that first), summed over all days.
-- Unique index on teacher_id for CONCURRENTLY.
CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.teacher_workload
    -- no truncation by (auto)vacuum: it takes a lock that readers would queue on
    WITH (vacuum_truncate = false) AS
WITH totals AS (
    SELECT teacher_id,
           sum(pending_reviews) AS pending_reviews,
           sum(overdue_reviews) AS overdue_reviews,
           sum(graded_submissions) AS graded_submissions,
           sum(grade_seconds) AS grade_seconds
    FROM analytics.teacher_daily_workload
    GROUP BY teacher_id
)
SELECT t.teacher_id,
       coalesce(x.pending_reviews, 0)::integer AS pending_reviews,
       coalesce(x.graded_submissions, 0)::integer AS graded_submissions,
       round(x.grade_seconds / (60 * nullif(x.graded_submissions, 0)), 1) AS avg_grade_time_minutes,
       round(100 * x.overdue_reviews::numeric / nullif(x.pending_reviews, 0), 2) AS overdue_percentage
FROM platform.teachers t
LEFT JOIN totals x ON x.teacher_id = t.teacher_id
WITH DATA;

CREATE UNIQUE INDEX IF NOT EXISTS ux_teacher_workload
    ON analytics.teacher_workload (teacher_id);
