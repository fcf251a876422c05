-- top_performers: the best (student, subject) pairs by average grade over a recent window.
-- Parameters: subject_id (NULL: every subject), min_submissions (graded submissions in the window),
-- days_back (one of the rollup's windows 7, 30, 90, 365: UTC days d > today - days_back, today being
-- the date of the last refresh), limit, offset.
-- Reads analytics.student_subject_windows along ix_student_subject_windows_top: the first page costs an
-- index range scan, not a sort of every pair.
-- Columns: student_id, student_name, subject_id, subject_name, graded_count, submission_count,
-- avg_grade, pass_rate; by avg_grade descending, then student_id, subject_id.
WITH ranked AS (
    SELECT w.student_id, w.subject_id, w.graded_count, w.submission_count, w.avg_grade, w.pass_rate
    FROM analytics.student_subject_windows w
    WHERE w.window_days = %(days_back)s
      AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
      AND w.graded_count >= %(min_submissions)s
    ORDER BY w.avg_grade DESC, w.student_id, w.subject_id
    LIMIT %(limit)s OFFSET %(offset)s
)
SELECT r.student_id,
       st.full_name AS student_name,
       r.subject_id,
       sub.name AS subject_name,
       r.graded_count,
       r.submission_count,
       r.avg_grade,
       r.pass_rate
FROM ranked r
JOIN platform.students st ON st.student_id = r.student_id
JOIN platform.subjects sub ON sub.subject_id = r.subject_id
ORDER BY r.avg_grade DESC, r.student_id, r.subject_id;
