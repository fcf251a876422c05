-- analytics.student_subject_windows (extra rollup, for the top_performers and bottom_performers queries):
-- one row per (window_days, student, subject) with a graded submission in the window.
-- A window of N days is the UTC days d > today - N (today and the N-1 days before; today = UTC date at
-- refresh time), N one of 7, 30, 90, 365 (WINDOW_DAYS in lct_pipelines/warehouse/params.py):
-- ranking every student over an arbitrary window means summing ~100,000 (student, subject) pairs per
-- call (tens of ms), so the service accepts these windows only and answers each with an index scan.
-- Built from analytics.student_class_bands (refresh that first): a window adds up bands 1..N.
--   submission_count, graded_count   in the window
--   avg_grade    mean grade, 2 decimals: the ranking key (ties broken by student_id, subject_id)
--   pass_rate    share of graded with grade >= 60, 4 decimals (the queries report fail_rate = 1 - pass_rate)
-- Pairs with nothing graded in the window are left out: they cannot be ranked.
-- Unique index (window_days, student_id, subject_id) for CONCURRENTLY; one index per ranking direction,
-- covering every column the queries read: the min_submissions filter is checked on index entries
-- (index-only scan, the refresh vacuums), so even a window where nobody qualifies costs a few ms.
CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.student_subject_windows
    -- no truncation by (auto)vacuum: it takes a lock that readers would queue on
    WITH (vacuum_truncate = false) AS
WITH windows (window_days) AS (
    VALUES (7), (30), (90), (365)
)
SELECT w.window_days,
       b.student_id,
       c.subject_id,
       sum(b.submissions)::integer AS submission_count,
       sum(b.graded)::integer AS graded_count,
       round(sum(b.grade_centi) / (100.0 * sum(b.graded)), 2) AS avg_grade,
       round(sum(b.passed)::numeric / sum(b.graded), 4) AS pass_rate
FROM analytics.student_class_bands b
JOIN platform.classes c ON c.class_id = b.class_id
JOIN windows w ON b.band_days BETWEEN 1 AND w.window_days
GROUP BY w.window_days, b.student_id, c.subject_id
HAVING sum(b.graded) > 0
WITH DATA;

CREATE UNIQUE INDEX IF NOT EXISTS ux_student_subject_windows
    ON analytics.student_subject_windows (window_days, student_id, subject_id);
CREATE INDEX IF NOT EXISTS ix_student_subject_windows_top
    ON analytics.student_subject_windows (window_days, avg_grade DESC, student_id, subject_id)
    INCLUDE (graded_count, submission_count, pass_rate);
CREATE INDEX IF NOT EXISTS ix_student_subject_windows_bottom
    ON analytics.student_subject_windows (window_days, avg_grade, student_id, subject_id)
    INCLUDE (graded_count, submission_count, pass_rate);
