WITH pending AS (
    SELECT c.teacher_id,
           (s.submitted_at AT TIME ZONE 'UTC')::date AS day,
           count(*) AS pending_reviews,
           count(*) FILTER (WHERE s.submitted_at < %(as_of)s::timestamptz - interval '7 days') AS overdue_reviews
    FROM platform.submissions s
    JOIN platform.assignments a ON a.assignment_id = s.assignment_id
    JOIN platform.classes c ON c.class_id = a.class_id
    WHERE s.status = 'pending_review'
    GROUP BY 1, 2
), graded AS (
    SELECT s.graded_by AS teacher_id,
           (s.submitted_at AT TIME ZONE 'UTC')::date AS day,
           count(*) AS graded_submissions,
           sum(extract(epoch FROM s.graded_at - s.submitted_at)) AS grade_seconds
    FROM platform.submissions s
    WHERE s.status <> 'pending_review'
    GROUP BY 1, 2
), days AS (
    SELECT coalesce(p.teacher_id, g.teacher_id) AS teacher_id,
           coalesce(p.day, g.day) AS day,
           coalesce(p.pending_reviews, 0) AS pending_reviews,
           coalesce(p.overdue_reviews, 0) AS overdue_reviews,
           coalesce(g.graded_submissions, 0) AS graded_submissions,
           coalesce(g.grade_seconds, 0) AS grade_seconds
    FROM pending p
    FULL JOIN graded g ON g.teacher_id = p.teacher_id AND g.day = p.day
)
SELECT teacher_id, day, pending_reviews, overdue_reviews, graded_submissions, grade_seconds FROM days
