-- analytics.student_attendance_grades (extra rollup, for the attendance_vs_grades query): one row per
-- (window_days, attendance_bucket) holding a student. Windows and buckets as in
-- analytics.student_attendance_windows: in a window of N days (7, 30, 90, 365), a student's attendance
-- rate = attended / counted sessions, their bucket floor(10 * rate), 100 % falling into 9 (90-100 %);
-- students without a counted session in the window (none, or all excused) are in no bucket.
--   student_count      students of the bucket
--   graded_count, grade_centi, pass_count   their graded submissions in the window, the sum of those grades
--                      in hundredths and how many passed (grade >= 60): sums, so the bucket's mean weighs
--                      every submission equally and is exact
-- At most 40 rows: the query reads ten through the unique index (window_days, attendance_bucket). Kept up to
-- date from each changed student's row of student_attendance_windows, before and after.
CREATE TABLE IF NOT EXISTS analytics.student_attendance_grades (
    window_days integer NOT NULL,
    attendance_bucket integer NOT NULL,
    student_count integer NOT NULL,
    graded_count integer NOT NULL,
    grade_centi bigint NOT NULL,
    pass_count integer NOT NULL
) WITH (vacuum_truncate = false);

CREATE UNIQUE INDEX IF NOT EXISTS ux_student_attendance_grades_window_bucket
    ON analytics.student_attendance_grades (window_days, attendance_bucket);
