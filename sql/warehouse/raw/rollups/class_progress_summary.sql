-- analytics.class_progress_summary from the source tables: one correlated subquery per column, dated
-- with the UTC day of submitted_at (recent: d > today - 7); ordered by class_id.
SELECT c.class_id,
       c.subject_id,
       (SELECT count(*) FROM platform.class_enrollments e WHERE e.class_id = c.class_id)::integer AS student_count,
       (SELECT round(avg(s.grade), 2)
        FROM platform.submissions s JOIN platform.assignments a ON a.assignment_id = s.assignment_id
        WHERE a.class_id = c.class_id) AS avg_grade,
       (SELECT round(count(*) FILTER (WHERE s.grade >= 60)::numeric / nullif(count(s.grade), 0), 4)
        FROM platform.submissions s JOIN platform.assignments a ON a.assignment_id = s.assignment_id
        WHERE a.class_id = c.class_id) AS pass_rate,
       (SELECT round(count(*) FILTER (WHERE EXISTS (
                    SELECT FROM platform.submissions s
                    JOIN platform.assignments a ON a.assignment_id = s.assignment_id
                    WHERE a.class_id = e.class_id AND s.student_id = e.student_id
                      AND (s.submitted_at AT TIME ZONE 'UTC')::date > (now() AT TIME ZONE 'UTC')::date - 7
                ))::numeric / nullif(count(*), 0), 4)
        FROM platform.class_enrollments e WHERE e.class_id = c.class_id) AS recent_submission_rate
FROM platform.classes c
ORDER BY c.class_id;
