-- analytics.student_subject_windows (extra rollup, for the top_performers and bottom_performers queries):
-- one row per (window_days, student, subject) with a submission in the window.
-- A window of N days is the UTC days d > today - N (today = UTC date of the refresh's as_of), N one of
-- 7, 30, 90, 365 (WINDOW_DAYS in lct_pipelines/warehouse/params.py). Each night the day that leaves a
-- window is subtracted from it; the new rows are added as they come.
--   submission_count, graded_count   in the window
--   avg_grade    mean grade, 2 decimals: the ranking key (ties broken by student_id, subject_id); NULL
--                while nothing in the window is graded (such a pair is never ranked: min_submissions >= 1)
--   pass_rate    share of graded with grade >= 60, 4 decimals (the queries report fail_rate = 1 - pass_rate)
--   count_tier   least(graded_count, 20): the ranking indexes lead with it, so "graded_count >= m ordered
--                by avg_grade" is a merge of at most 21 index range reads (one per tier >= m) instead of a
--                scan past every pair under m (316 ms at 200,000 students)
--   grade_centi, passed_count   the sums avg_grade and pass_rate derive from
-- One index: the ranking one, read forwards by top_performers and backwards by bottom_performers (whose
-- ties therefore run student_id, subject_id descending: the top list read from its end), covering what the
-- ranking reads (index-only scans). Each night about a fifth of the rows change (the day's grades and the
-- days leaving the windows, in four windows: 555,000 of 2.8 M at 200,000 students), and an update that
-- changes avg_grade writes an entry in every index: a second ranking index, or a unique index on the key,
-- doubled that work. The key (window_days, student_id, subject_id) is kept by the refresh instead: it
-- writes from deltas grouped by the key, one refresh at a time (the advisory lock of state/begin.sql), and
-- finds the rows by hashing the key. submission_count is left out of the index: a new pending hand-in
-- changes only it, so that update stays in the heap page (HOT) and writes no index entry.
CREATE TABLE IF NOT EXISTS analytics.student_subject_windows (
    window_days integer NOT NULL,
    student_id integer NOT NULL,
    subject_id integer NOT NULL,
    submission_count integer NOT NULL,
    graded_count integer NOT NULL,
    avg_grade numeric GENERATED ALWAYS AS (round(grade_centi / (100.0 * nullif(graded_count, 0)), 2)) STORED,
    pass_rate numeric GENERATED ALWAYS AS (round(passed_count::numeric / nullif(graded_count, 0), 4)) STORED,
    count_tier integer GENERATED ALWAYS AS (least(graded_count, 20)) STORED,
    grade_centi bigint NOT NULL,
    passed_count integer NOT NULL
) WITH (fillfactor = 75, vacuum_truncate = false);

-- (an earlier version had a unique index on the key as well)
DROP INDEX IF EXISTS analytics.ux_student_subject_windows;
CREATE INDEX IF NOT EXISTS ix_student_subject_windows_ranked
    ON analytics.student_subject_windows (window_days, count_tier, avg_grade DESC, student_id, subject_id)
    INCLUDE (graded_count, pass_rate);
