-- analytics.student_attendance_grades (extra rollup, for the attendance_vs_grades query): one row per
-- (window_days, attendance_bucket). A window of N days is the UTC days d > today - N (today = UTC date at
-- refresh time), N one of 7, 30, 90, 365 (WINDOW_DAYS in lct_pipelines/warehouse/params.py), as in
-- student_subject_windows. In a window, a student's attendance rate = attended / counted sessions, and
-- their bucket floor(10 * rate), 100 % falling into 9 (90-100 %); students without a counted session in
-- the window (none, or all excused) are in no bucket.
--   student_count      students of the bucket
--   graded_count, grade_centi, pass_count   their graded submissions in the window, the sum of those grades
--                      in hundredths and how many passed (grade >= 60): sums, so the bucket's mean weighs
--                      every submission equally and is exact
-- Attendance is banded per student once (the window of N days adds up bands 1..N), grades come from
-- analytics.student_class_bands (refresh that first). At most 40 rows: the query reads ten. Unique index
-- (window_days, attendance_bucket) for CONCURRENTLY.
CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.student_attendance_grades
    -- no truncation by (auto)vacuum: it takes a lock that readers would queue on
    WITH (vacuum_truncate = false) AS
WITH windows (window_days) AS (
    VALUES (7), (30), (90), (365)
), today AS MATERIALIZED (
    SELECT (now() AT TIME ZONE 'UTC')::date AS d
), attendance_bands AS (
    SELECT a.student_id,
           CASE WHEN a.date > t.d - 7 THEN 7
                WHEN a.date > t.d - 30 THEN 30
                WHEN a.date > t.d - 90 THEN 90
                ELSE 365 END AS band_days,
           count(*) FILTER (WHERE a.status <> 'excused') AS counted,
           count(*) FILTER (WHERE a.status IN ('present', 'late')) AS attended
    FROM platform.attendance a
    CROSS JOIN today t
    WHERE a.date > t.d - 365
    GROUP BY 1, 2
), bucketed AS (
    SELECT w.window_days, b.student_id,
           least(10 * sum(b.attended)::bigint / sum(b.counted)::bigint, 9)::integer AS bucket  -- integer division
    FROM attendance_bands b
    JOIN windows w ON b.band_days <= w.window_days
    GROUP BY w.window_days, b.student_id
    HAVING sum(b.counted) > 0
), grades AS (
    SELECT w.window_days, b.student_id, sum(b.graded) AS graded, sum(b.grade_centi) AS grade_centi,
           sum(b.passed) AS passed
    FROM analytics.student_class_bands b
    JOIN windows w ON b.band_days BETWEEN 1 AND w.window_days
    GROUP BY w.window_days, b.student_id
)
SELECT k.window_days,
       k.bucket AS attendance_bucket,
       count(*)::integer AS student_count,
       coalesce(sum(g.graded), 0)::integer AS graded_count,
       coalesce(sum(g.grade_centi), 0)::bigint AS grade_centi,
       coalesce(sum(g.passed), 0)::integer AS pass_count
FROM bucketed k
LEFT JOIN grades g ON g.window_days = k.window_days AND g.student_id = k.student_id
GROUP BY k.window_days, k.bucket
WITH DATA;

CREATE UNIQUE INDEX IF NOT EXISTS ux_student_attendance_grades_window_bucket
    ON analytics.student_attendance_grades (window_days, attendance_bucket);
