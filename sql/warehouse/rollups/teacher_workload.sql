-- analytics.teacher_workload: one row per teacher (every teacher, idle ones with zeros).
--   pending_reviews          submissions still pending_review in the teacher's classes (the class teacher
--                            owes the review: a pending submission has no grader yet)
--   graded_submissions       submissions the teacher graded (graded_by; status graded or returned)
--   avg_grade_time_minutes   mean of graded_at - submitted_at over those, 1 decimal; NULL when none
--   overdue_percentage       100 * pending reviews submitted more than 7 days before the refresh's as_of
--                            / pending_reviews, 2 decimals; NULL when nothing is pending
--   overdue_reviews, grade_seconds   the sums the two above derive from
-- An incrementally maintained table; unique index on teacher_id.
CREATE TABLE IF NOT EXISTS analytics.teacher_workload (
    teacher_id integer NOT NULL,
    pending_reviews integer NOT NULL,
    graded_submissions integer NOT NULL,
    avg_grade_time_minutes numeric GENERATED ALWAYS AS (
        round(grade_seconds / (60 * nullif(graded_submissions, 0)), 1)) STORED,
    overdue_percentage numeric GENERATED ALWAYS AS (
        round(100 * overdue_reviews::numeric / nullif(pending_reviews, 0), 2)) STORED,
    overdue_reviews integer NOT NULL,
    grade_seconds numeric NOT NULL
) WITH (fillfactor = 90, vacuum_truncate = false);

CREATE UNIQUE INDEX IF NOT EXISTS ux_teacher_workload
    ON analytics.teacher_workload (teacher_id);
