-- subject_comparison: one student's results per subject, best first.
-- Parameters: student_id, limit, offset.
-- Reads analytics.student_grade_summary (all time) through its unique index (student_id, subject_id).
-- Columns: subject_id, subject_name, submission_count, graded_count, avg_grade, pass_rate,
-- grade_variance (sample variance of the grades); ordered by avg_grade descending (ungraded subjects
-- last), then subject_id.
SELECT g.subject_id,
       sub.name AS subject_name,
       g.submission_count,
       g.graded_count,
       g.avg_grade,
       g.pass_rate,
       g.grade_variance
FROM analytics.student_grade_summary g
JOIN platform.subjects sub ON sub.subject_id = g.subject_id
WHERE g.student_id = %(student_id)s
ORDER BY g.avg_grade DESC NULLS LAST, g.subject_id
LIMIT %(limit)s OFFSET %(offset)s;
