-- analytics.student_attendance_windows (extra rollup, the per-student basis of student_attendance_grades):
-- one row per student with a counted attendance session or a graded submission in the last 365 days, every
-- window in its own columns (one row written per changed student, not one per window). A window of N days
-- is the UTC days d > today - N (today = UTC date of the refresh's as_of), N one of 7, 30, 90, 365, as in
-- student_subject_windows; N below stands for each of them.
--   counted_N     sessions in the window that count: every status but excused
--   attended_N    of those, present or late
--   graded_N, centi_N, passed_N   graded submissions handed in in the window, the sum of their grades
--                   in hundredths and how many passed (grade >= 60)
--   bucket_N      0..9: floor(10 * attended / counted), 100 % falling into 9; NULL without a counted session
-- Only the unique index on student_id: no indexed column ever changes, so the nightly updates stay in their
-- heap page (HOT, fillfactor 80) and write no index entry.
CREATE TABLE IF NOT EXISTS analytics.student_attendance_windows (
    student_id integer NOT NULL,
    counted_7 integer NOT NULL,
    attended_7 integer NOT NULL,
    graded_7 integer NOT NULL,
    centi_7 bigint NOT NULL,
    passed_7 integer NOT NULL,
    counted_30 integer NOT NULL,
    attended_30 integer NOT NULL,
    graded_30 integer NOT NULL,
    centi_30 bigint NOT NULL,
    passed_30 integer NOT NULL,
    counted_90 integer NOT NULL,
    attended_90 integer NOT NULL,
    graded_90 integer NOT NULL,
    centi_90 bigint NOT NULL,
    passed_90 integer NOT NULL,
    counted_365 integer NOT NULL,
    attended_365 integer NOT NULL,
    graded_365 integer NOT NULL,
    centi_365 bigint NOT NULL,
    passed_365 integer NOT NULL,
    bucket_7 integer GENERATED ALWAYS AS (
        CASE WHEN counted_7 > 0 THEN least(10 * attended_7 / counted_7, 9) END) STORED,
    bucket_30 integer GENERATED ALWAYS AS (
        CASE WHEN counted_30 > 0 THEN least(10 * attended_30 / counted_30, 9) END) STORED,
    bucket_90 integer GENERATED ALWAYS AS (
        CASE WHEN counted_90 > 0 THEN least(10 * attended_90 / counted_90, 9) END) STORED,
    bucket_365 integer GENERATED ALWAYS AS (
        CASE WHEN counted_365 > 0 THEN least(10 * attended_365 / counted_365, 9) END) STORED
) WITH (fillfactor = 80, vacuum_truncate = false);

CREATE UNIQUE INDEX IF NOT EXISTS ux_student_attendance_windows
    ON analytics.student_attendance_windows (student_id);
