-- One day of attendance as of %(as_of)s, sized %(fraction)s of the attendance rows: sessions taken today for
-- sampled enrolments, some earlier records corrected, a few removed.
SELECT setseed(%(seed)s);
CREATE TEMP TABLE day_attendance ON COMMIT DROP AS
SELECT greatest(1, round(reltuples * %(fraction)s))::integer AS wanted
FROM pg_class WHERE oid = 'platform.attendance'::regclass;
INSERT INTO platform.attendance (student_id, class_id, date, status)
SELECT e.student_id, e.class_id, (%(as_of)s::timestamptz AT TIME ZONE 'UTC')::date,
       (ARRAY['present', 'present', 'present', 'present', 'present', 'present', 'late', 'absent', 'excused'])
           [1 + floor(random() * 9)::integer]
FROM (
    SELECT class_id, student_id FROM platform.class_enrollments
    ORDER BY random() LIMIT (SELECT wanted FROM day_attendance)
) e
ON CONFLICT DO NOTHING;
UPDATE platform.attendance
SET status = CASE WHEN status = 'absent' THEN 'excused' ELSE 'late' END
WHERE (student_id, class_id, date) IN (
    SELECT student_id, class_id, date FROM platform.attendance TABLESAMPLE SYSTEM (1) REPEATABLE (3)
    LIMIT (SELECT wanted / 20 FROM day_attendance)
);
DELETE FROM platform.attendance
WHERE (student_id, class_id, date) IN (
    SELECT student_id, class_id, date FROM platform.attendance TABLESAMPLE SYSTEM (1) REPEATABLE (5)
    LIMIT (SELECT greatest(1, wanted / 100) FROM day_attendance)
);
