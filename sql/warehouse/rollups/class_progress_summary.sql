-- analytics.class_progress_summary: one row per class (a class has exactly one subject, carried along).
--   student_count            students enrolled in the class
--   avg_grade, pass_rate     over the class's graded submissions (pass: grade >= 60), 2 and 4 decimals;
--                            NULL when nothing is graded
--   recent_submission_rate   share of the enrolled students who handed in something for the class in the
--                            last 7 days (UTC days d > today - 7, today = UTC date of the refresh's as_of,
--                            the same day-based windows as every rollup), 4 decimals; NULL when nobody is enrolled
--   graded_count, grade_centi, passed_count, recent_submitters   the sums the rates derive from
-- An incrementally maintained table; unique index on class_id (the grain; subject_id depends on it).
CREATE TABLE IF NOT EXISTS analytics.class_progress_summary (
    class_id integer NOT NULL,
    subject_id integer NOT NULL,
    student_count integer NOT NULL,
    avg_grade numeric GENERATED ALWAYS AS (round(grade_centi / (100.0 * nullif(graded_count, 0)), 2)) STORED,
    pass_rate numeric GENERATED ALWAYS AS (round(passed_count::numeric / nullif(graded_count, 0), 4)) STORED,
    recent_submission_rate numeric GENERATED ALWAYS AS (
        round(recent_submitters::numeric / nullif(student_count, 0), 4)) STORED,
    graded_count integer NOT NULL,
    grade_centi bigint NOT NULL,
    passed_count integer NOT NULL,
    recent_submitters integer NOT NULL
) WITH (fillfactor = 90, vacuum_truncate = false);

CREATE UNIQUE INDEX IF NOT EXISTS ux_class_progress_summary
    ON analytics.class_progress_summary (class_id);
CREATE INDEX IF NOT EXISTS ix_class_progress_summary_subject_id
    ON analytics.class_progress_summary (subject_id);
