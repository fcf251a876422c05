-- teacher_workload from the source tables. "Overdue" uses now(): equal to the rollup's answer when run
-- in the transaction that refreshed it (now() is the transaction's start), as the tests do.
WITH ranged AS (
    SELECT s.status, s.submitted_at, s.graded_at, s.graded_by, c.teacher_id AS class_teacher
    FROM platform.submissions s
    JOIN platform.assignments a ON a.assignment_id = s.assignment_id
    JOIN platform.classes c ON c.class_id = a.class_id
    WHERE (s.submitted_at AT TIME ZONE 'UTC')::date BETWEEN %(date_from)s AND %(date_to)s
), pending AS (
    SELECT class_teacher AS teacher_id,
           count(*) AS pending_reviews,
           count(*) FILTER (WHERE submitted_at < now() - interval '7 days') AS overdue_reviews
    FROM ranged
    WHERE status = 'pending_review'
    GROUP BY class_teacher
), graded AS (
    SELECT graded_by AS teacher_id,
           count(*) AS graded_submissions,
           extract(epoch FROM sum(graded_at - submitted_at)) AS grade_seconds
    FROM ranged
    WHERE status IN ('graded', 'returned')
    GROUP BY graded_by
)
SELECT t.teacher_id,
       t.full_name AS teacher_name,
       coalesce(p.pending_reviews, 0)::integer AS pending_reviews,
       coalesce(p.overdue_reviews, 0)::integer AS overdue_reviews,
       coalesce(g.graded_submissions, 0)::integer AS graded_submissions,
       round(g.grade_seconds / (60 * nullif(g.graded_submissions, 0)), 1) AS avg_grade_time_minutes,
       round(100 * p.overdue_reviews::numeric / nullif(p.pending_reviews, 0), 2) AS overdue_percentage
FROM platform.teachers t
LEFT JOIN pending p ON p.teacher_id = t.teacher_id
LEFT JOIN graded g ON g.teacher_id = t.teacher_id
WHERE (p.teacher_id IS NOT NULL OR g.teacher_id IS NOT NULL)
  AND (%(teacher_id)s::integer IS NULL OR t.teacher_id = %(teacher_id)s)
ORDER BY t.teacher_id
LIMIT %(limit)s OFFSET %(offset)s;
