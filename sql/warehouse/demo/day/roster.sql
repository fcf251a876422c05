-- One day of roster changes as of %(as_of)s, each table %(fraction)s of its rows (at least one): new
-- teachers, students, classes, enrolments and assignments; renamed ones; a class handed to another teacher
-- and moved to another subject; an assignment moved to another class of the teacher; one enrolment dropped
-- (with its attendance). Ids continue after the largest.
SELECT setseed(%(seed)s);
INSERT INTO platform.teachers (teacher_id, full_name, email)
SELECT m.top + g, 'Teacher new ' || (m.top + g), 'teacher' || (m.top + g) || '@school.example'
FROM (SELECT max(teacher_id) AS top, greatest(1, round(count(*) * %(fraction)s))::integer AS n FROM platform.teachers) m
CROSS JOIN LATERAL generate_series(1, m.n) g;
INSERT INTO platform.students (student_id, full_name, grade_level, enrolled_on)
SELECT m.top + g, 'Student new ' || (m.top + g), 1 + floor(random() * 12)::integer, (%(as_of)s::timestamptz)::date
FROM (SELECT max(student_id) AS top, greatest(1, round(count(*) * %(fraction)s))::integer AS n FROM platform.students) m
CROSS JOIN LATERAL generate_series(1, m.n) g;
INSERT INTO platform.classes (class_id, subject_id, teacher_id, name)
SELECT m.top + g, 1 + floor(random() * 12)::integer, (SELECT max(teacher_id) FROM platform.teachers),
       'New class ' || (m.top + g)
FROM (SELECT max(class_id) AS top, greatest(1, round(count(*) * %(fraction)s))::integer AS n FROM platform.classes) m
CROSS JOIN LATERAL generate_series(1, m.n) g;
INSERT INTO platform.class_enrollments (class_id, student_id, enrolled_on)
SELECT c.class_id, s.student_id, (%(as_of)s::timestamptz)::date
FROM (SELECT greatest(1, round(count(*) * %(fraction)s))::integer AS n FROM platform.class_enrollments) m
CROSS JOIN LATERAL (SELECT class_id FROM platform.classes ORDER BY random() LIMIT m.n) c
CROSS JOIN LATERAL (SELECT student_id FROM platform.students ORDER BY random() + c.class_id * 0 LIMIT 1) s
ON CONFLICT DO NOTHING;
INSERT INTO platform.assignments (assignment_id, class_id, title, due_at, max_score)
SELECT m.top + g, c.class_id, 'New assignment ' || (m.top + g), %(as_of)s::timestamptz + interval '7 days', 100
FROM (SELECT max(assignment_id) AS top, greatest(1, round(count(*) * %(fraction)s))::integer AS n
      FROM platform.assignments) m
CROSS JOIN LATERAL generate_series(1, m.n) g
CROSS JOIN LATERAL (SELECT class_id FROM platform.classes ORDER BY random() + g * 0 LIMIT 1) c;
UPDATE platform.students SET full_name = full_name || ' (renamed)'
WHERE student_id IN (SELECT student_id FROM platform.students ORDER BY random() LIMIT 3);
UPDATE platform.teachers SET full_name = full_name || ' (renamed)'
WHERE teacher_id IN (SELECT teacher_id FROM platform.teachers ORDER BY random() LIMIT 2);
UPDATE platform.subjects SET name = name || ' ' WHERE subject_id = (SELECT min(subject_id) FROM platform.subjects);
-- A class changes hands and subject: every submission and enrolment of it is attributed anew.
UPDATE platform.classes
SET teacher_id = (SELECT max(teacher_id) FROM platform.teachers), subject_id = 1 + subject_id %% 12
WHERE class_id = (SELECT class_id FROM platform.classes ORDER BY random() LIMIT 1);
-- An assignment moves to another class (its submissions with it).
UPDATE platform.assignments
SET class_id = (SELECT class_id FROM platform.classes ORDER BY random() LIMIT 1)
WHERE assignment_id = (SELECT assignment_id FROM platform.assignments ORDER BY random() LIMIT 1);
-- A student leaves a class: the attendance of that enrolment goes first (foreign key).
CREATE TEMP TABLE dropped ON COMMIT DROP AS
SELECT class_id, student_id FROM platform.class_enrollments ORDER BY random() LIMIT 1;
DELETE FROM platform.attendance a USING dropped d WHERE a.class_id = d.class_id AND a.student_id = d.student_id;
DELETE FROM platform.class_enrollments e USING dropped d WHERE e.class_id = d.class_id AND e.student_id = d.student_id;
