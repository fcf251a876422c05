-- analytics.student_class_week (internal: no query reads it): one row per (class, student) with a
-- submission for the class in the last 7 days (UTC days d > today - 7, today = UTC date of the refresh's
-- as_of). class_progress_summary.recent_submitters counts its enrolled students per class.
--   submissions   in the window
-- Unique index (class_id, student_id): the upsert's key, and one class's rows in enrolment-key order.
CREATE TABLE IF NOT EXISTS analytics.student_class_week (
    class_id integer NOT NULL,
    student_id integer NOT NULL,
    submissions integer NOT NULL
) WITH (fillfactor = 90, vacuum_truncate = false);

CREATE UNIQUE INDEX IF NOT EXISTS ux_student_class_week
    ON analytics.student_class_week (class_id, student_id);
