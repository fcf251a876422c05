-- analytics.subject_students (internal: no query reads it): one row per (subject, student) enrolled in a
-- class of the subject. subject_performance.student_count counts its rows per subject.
--   enrolled_classes   the student's classes of the subject
-- Unique index (subject_id, student_id): the upsert's key and the count.
CREATE TABLE IF NOT EXISTS analytics.subject_students (
    subject_id integer NOT NULL,
    student_id integer NOT NULL,
    enrolled_classes integer NOT NULL
) WITH (fillfactor = 90, vacuum_truncate = false);

CREATE UNIQUE INDEX IF NOT EXISTS ux_subject_students
    ON analytics.subject_students (subject_id, student_id);
