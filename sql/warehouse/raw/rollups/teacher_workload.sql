-- analytics.teacher_workload from the source tables: per teacher, correlated subqueries (pending via the
-- class teacher, graded via graded_by; overdue against now()); ordered by teacher_id.
SELECT t.teacher_id,
       (SELECT count(*)
        FROM platform.submissions s
        JOIN platform.assignments a ON a.assignment_id = s.assignment_id
        JOIN platform.classes c ON c.class_id = a.class_id
        WHERE c.teacher_id = t.teacher_id AND s.status = 'pending_review')::integer AS pending_reviews,
       (SELECT count(*) FROM platform.submissions s
        WHERE s.graded_by = t.teacher_id AND s.status IN ('graded', 'returned'))::integer AS graded_submissions,
       (SELECT round(extract(epoch FROM sum(s.graded_at - s.submitted_at)) / (60 * nullif(count(*), 0)), 1)
        FROM platform.submissions s
        WHERE s.graded_by = t.teacher_id AND s.status IN ('graded', 'returned')) AS avg_grade_time_minutes,
       (SELECT round(100 * count(*) FILTER (WHERE s.submitted_at < now() - interval '7 days')::numeric
                     / nullif(count(*), 0), 2)
        FROM platform.submissions s
        JOIN platform.assignments a ON a.assignment_id = s.assignment_id
        JOIN platform.classes c ON c.class_id = a.class_id
        WHERE c.teacher_id = t.teacher_id AND s.status = 'pending_review') AS overdue_percentage
FROM platform.teachers t
ORDER BY t.teacher_id;
