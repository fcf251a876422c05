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
    {count_tier_branches}
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
