-- analytics.teacher_daily_workload (extra rollup, for the teacher_workload query over a date range):
-- one row per (teacher, day) with any review work, day = UTC date the submissions were handed in.
--   pending_reviews, overdue_reviews   pending submissions of that day in the teacher's classes; overdue =
--                                      submitted more than 7 days before the refresh (now() at refresh time)
--   graded_submissions, grade_seconds  submissions of that day the teacher graded (graded_by), and the sum
--                                      of graded_at - submitted_at in seconds (summed as intervals: exact
--                                      to the microsecond and cheaper than numeric per row)
-- Same attribution as analytics.teacher_workload: summed over all days it gives that view's numbers.
-- Unique index (teacher_id, day) for CONCURRENTLY and one teacher's range; (day) for all teachers' ranges.
CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.teacher_daily_workload
    -- no truncation by (auto)vacuum: it takes a lock that readers would queue on
    WITH (vacuum_truncate = false) AS
WITH pending AS (
    SELECT c.teacher_id,
           (s.submitted_at AT TIME ZONE 'UTC')::date AS day,
           count(*) AS pending_reviews,
           count(*) FILTER (WHERE s.submitted_at < now() - interval '7 days') AS overdue_reviews
    FROM platform.submissions s
    JOIN platform.assignments a ON a.assignment_id = s.assignment_id
    JOIN platform.classes c ON c.class_id = a.class_id
    WHERE s.status = 'pending_review'
    GROUP BY 1, 2
), graded AS (
    SELECT s.graded_by AS teacher_id,
           (s.submitted_at AT TIME ZONE 'UTC')::date AS day,
           count(*) AS graded_submissions,
           extract(epoch FROM sum(s.graded_at - s.submitted_at)) AS grade_seconds
    FROM platform.submissions s
    WHERE s.status IN ('graded', 'returned')
    GROUP BY 1, 2
)
SELECT coalesce(p.teacher_id, g.teacher_id) AS teacher_id,
       coalesce(p.day, g.day) AS day,
       coalesce(p.pending_reviews, 0)::integer AS pending_reviews,
       coalesce(p.overdue_reviews, 0)::integer AS overdue_reviews,
       coalesce(g.graded_submissions, 0)::integer AS graded_submissions,
       coalesce(g.grade_seconds, 0) AS grade_seconds
FROM pending p
FULL JOIN graded g ON g.teacher_id = p.teacher_id AND g.day = p.day
WITH DATA;

CREATE UNIQUE INDEX IF NOT EXISTS ux_teacher_daily_workload
    ON analytics.teacher_daily_workload (teacher_id, day);
CREATE INDEX IF NOT EXISTS ix_teacher_daily_workload_day
    ON analytics.teacher_daily_workload (day);
