-- top_performers: the best (student, subject) pairs by average grade over a recent window.
-- Parameters: subject_id (NULL: every subject), min_submissions (graded submissions in the window),
-- days_back (one of the rollup's windows 7, 30, 90, 365: UTC days d > today - days_back, today being
-- the date of the last refresh), limit, offset.
-- Reads analytics.student_subject_windows along ix_student_subject_windows_ranked, tier by tier: the first page costs an
-- index range scan, not a sort of every pair.
-- Each entry the page takes is read from the heap as well (submission_count is not in the index, so a
-- new pending hand-in, which changes nothing else of a row, updates it in place without an index entry).
-- Columns: student_id, student_name, subject_id, subject_name, graded_count, submission_count,
-- avg_grade, pass_rate; by avg_grade descending, then student_id, subject_id.
WITH ranked AS (
    -- One ordered range read of the ranking index per count tier (least(graded_count, 20)), merged in order
    -- (Merge Append) and stopped after the page: ~limit + offset index entries in all, whatever the number of
    -- pairs under min_submissions. Tiers below that of min_submissions are pruned at planning (a constant
    -- false condition); a single scan filtered on graded_count read past every pair under the minimum.
    SELECT * FROM (
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = 0 AND 0 >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY w.avg_grade DESC, w.student_id, w.subject_id)
    UNION ALL
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = 1 AND 1 >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY w.avg_grade DESC, w.student_id, w.subject_id)
    UNION ALL
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = 2 AND 2 >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY w.avg_grade DESC, w.student_id, w.subject_id)
    UNION ALL
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = 3 AND 3 >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY w.avg_grade DESC, w.student_id, w.subject_id)
    UNION ALL
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = 4 AND 4 >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY w.avg_grade DESC, w.student_id, w.subject_id)
    UNION ALL
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = 5 AND 5 >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY w.avg_grade DESC, w.student_id, w.subject_id)
    UNION ALL
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = 6 AND 6 >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY w.avg_grade DESC, w.student_id, w.subject_id)
    UNION ALL
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = 7 AND 7 >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY w.avg_grade DESC, w.student_id, w.subject_id)
    UNION ALL
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = 8 AND 8 >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY w.avg_grade DESC, w.student_id, w.subject_id)
    UNION ALL
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = 9 AND 9 >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY w.avg_grade DESC, w.student_id, w.subject_id)
    UNION ALL
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = 10 AND 10 >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY w.avg_grade DESC, w.student_id, w.subject_id)
    UNION ALL
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = 11 AND 11 >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY w.avg_grade DESC, w.student_id, w.subject_id)
    UNION ALL
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = 12 AND 12 >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY w.avg_grade DESC, w.student_id, w.subject_id)
    UNION ALL
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = 13 AND 13 >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY w.avg_grade DESC, w.student_id, w.subject_id)
    UNION ALL
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = 14 AND 14 >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY w.avg_grade DESC, w.student_id, w.subject_id)
    UNION ALL
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = 15 AND 15 >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY w.avg_grade DESC, w.student_id, w.subject_id)
    UNION ALL
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = 16 AND 16 >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY w.avg_grade DESC, w.student_id, w.subject_id)
    UNION ALL
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = 17 AND 17 >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY w.avg_grade DESC, w.student_id, w.subject_id)
    UNION ALL
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = 18 AND 18 >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY w.avg_grade DESC, w.student_id, w.subject_id)
    UNION ALL
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = 19 AND 19 >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY w.avg_grade DESC, w.student_id, w.subject_id)
    UNION ALL
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = 20 AND 20 >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY w.avg_grade DESC, w.student_id, w.subject_id)
    ) tiers
    ORDER BY avg_grade DESC, student_id, subject_id
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
