-- Take the change log the refresh's snapshot sees (deleted in this transaction: rows of writers that
-- commit later stay for the next refresh) and keep each key's earliest entry: an old row (the key
-- existed so when the rollups last saw it) or a bare key (it did not exist then). The current row,
-- if any, is in the platform table.
CREATE TEMP TABLE chg_subjects (subject_id integer PRIMARY KEY, old jsonb) ON COMMIT DROP;
WITH taken AS (DELETE FROM warehouse_log.subjects RETURNING *)
INSERT INTO chg_subjects SELECT DISTINCT ON (subject_id) subject_id, old FROM taken ORDER BY subject_id, change_id;

CREATE TEMP TABLE chg_teachers (teacher_id integer PRIMARY KEY, old jsonb) ON COMMIT DROP;
WITH taken AS (DELETE FROM warehouse_log.teachers RETURNING *)
INSERT INTO chg_teachers SELECT DISTINCT ON (teacher_id) teacher_id, old FROM taken ORDER BY teacher_id, change_id;

CREATE TEMP TABLE chg_students (student_id integer PRIMARY KEY, old jsonb) ON COMMIT DROP;
WITH taken AS (DELETE FROM warehouse_log.students RETURNING *)
INSERT INTO chg_students SELECT DISTINCT ON (student_id) student_id, old FROM taken ORDER BY student_id, change_id;

CREATE TEMP TABLE chg_classes (class_id integer PRIMARY KEY, old jsonb) ON COMMIT DROP;
WITH taken AS (DELETE FROM warehouse_log.classes RETURNING *)
INSERT INTO chg_classes SELECT DISTINCT ON (class_id) class_id, old FROM taken ORDER BY class_id, change_id;

CREATE TEMP TABLE chg_class_enrollments (class_id integer, student_id integer, old jsonb, PRIMARY KEY (class_id, student_id))
    ON COMMIT DROP;
WITH taken AS (DELETE FROM warehouse_log.class_enrollments RETURNING *)
INSERT INTO chg_class_enrollments
SELECT DISTINCT ON (class_id, student_id) class_id, student_id, old FROM taken ORDER BY class_id, student_id, change_id;

CREATE TEMP TABLE chg_assignments (assignment_id integer PRIMARY KEY, old jsonb) ON COMMIT DROP;
WITH taken AS (DELETE FROM warehouse_log.assignments RETURNING *)
INSERT INTO chg_assignments
SELECT DISTINCT ON (assignment_id) assignment_id, old FROM taken ORDER BY assignment_id, change_id;

CREATE TEMP TABLE chg_submissions (submission_id bigint PRIMARY KEY, old jsonb) ON COMMIT DROP;
WITH taken AS (DELETE FROM warehouse_log.submissions RETURNING *)
INSERT INTO chg_submissions
SELECT DISTINCT ON (submission_id) submission_id, old FROM taken ORDER BY submission_id, change_id;

CREATE TEMP TABLE chg_attendance (student_id integer, class_id integer, date date, old jsonb,
                                  PRIMARY KEY (student_id, class_id, date)) ON COMMIT DROP;
WITH taken AS (DELETE FROM warehouse_log.attendance RETURNING *)
INSERT INTO chg_attendance
SELECT DISTINCT ON (student_id, class_id, date) student_id, class_id, date, old
FROM taken ORDER BY student_id, class_id, date, change_id;

-- How classes and assignments were attributed when the rollups last saw them (NULL: did not exist).
CREATE TEMP TABLE old_assignments ON COMMIT DROP AS
SELECT assignment_id, (old ->> 'class_id')::integer AS class_id FROM chg_assignments;
CREATE TEMP TABLE old_classes ON COMMIT DROP AS
SELECT class_id, (old ->> 'subject_id')::integer AS subject_id, (old ->> 'teacher_id')::integer AS teacher_id
FROM chg_classes;
ANALYZE chg_subjects, chg_teachers, chg_students, chg_classes, chg_class_enrollments, chg_assignments,
        chg_submissions, chg_attendance, old_assignments, old_classes;

SELECT (SELECT count(*) FROM chg_subjects) + (SELECT count(*) FROM chg_teachers)
       + (SELECT count(*) FROM chg_students) + (SELECT count(*) FROM chg_classes)
       + (SELECT count(*) FROM chg_class_enrollments) + (SELECT count(*) FROM chg_assignments)
       + (SELECT count(*) FROM chg_submissions) + (SELECT count(*) FROM chg_attendance);
