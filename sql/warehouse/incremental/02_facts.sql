-- The changed facts, signed: each changed row's old version (-1, attributed as the rollups saw it) and
-- its current version (+1, attributed now); and, for the unchanged rows whose attribution changed (an
-- assignment moved to another class, a class to another subject or teacher), the same row twice, -1 under
-- the old attribution and +1 under the new one. Every rollup sums these.
CREATE TEMP TABLE moved_classes ON COMMIT DROP AS
SELECT c.class_id, (oc.subject_id IS DISTINCT FROM c.subject_id) AS subject_moved
FROM old_classes oc
JOIN platform.classes c ON c.class_id = oc.class_id
WHERE oc.subject_id IS NOT NULL
  AND (oc.subject_id, oc.teacher_id) IS DISTINCT FROM (c.subject_id, c.teacher_id);

CREATE TEMP TABLE moved_assignments ON COMMIT DROP AS
SELECT oa.assignment_id
FROM old_assignments oa
JOIN platform.assignments a ON a.assignment_id = oa.assignment_id
WHERE oa.class_id IS NOT NULL AND oa.class_id <> a.class_id
UNION
SELECT a.assignment_id
FROM moved_classes m
JOIN platform.assignments a ON a.class_id = m.class_id;

CREATE TEMP TABLE sub_facts ON COMMIT DROP AS
WITH versions AS (
    SELECT -1 AS sign, true AS as_before, o.*
    FROM chg_submissions c
    CROSS JOIN LATERAL jsonb_populate_record(NULL::platform.submissions, c.old) o
    WHERE c.old IS NOT NULL
    UNION ALL
    SELECT 1, false, s.*
    FROM chg_submissions c
    JOIN platform.submissions s ON s.submission_id = c.submission_id
    UNION ALL
    SELECT m.sign, m.sign < 0, s.*
    FROM moved_assignments ma
    JOIN platform.submissions s ON s.assignment_id = ma.assignment_id
    CROSS JOIN (VALUES (-1), (1)) AS m (sign)
    WHERE NOT EXISTS (SELECT FROM chg_submissions c WHERE c.submission_id = s.submission_id)
)
SELECT v.sign,
       v.student_id,
       k.class_id,
       k.subject_id,
       k.teacher_id AS class_teacher,
       v.graded_by,
       v.submitted_at,
       (v.submitted_at AT TIME ZONE 'UTC')::date AS day,
       (v.status = 'pending_review')::integer AS pending,
       (v.grade IS NOT NULL)::integer AS graded,
       coalesce((v.grade * 100)::integer, 0) AS centi,
       coalesce((v.grade >= 60)::integer, 0) AS passed,
       coalesce((v.grade >= 90)::integer, 0) AS excellent,
       coalesce((v.grade >= 75 AND v.grade < 90)::integer, 0) AS good,
       coalesce(extract(epoch FROM v.graded_at - v.submitted_at), 0) AS grade_seconds
FROM versions v
LEFT JOIN old_assignments oa ON v.as_before AND oa.assignment_id = v.assignment_id
LEFT JOIN platform.assignments ca ON ca.assignment_id = v.assignment_id
CROSS JOIN LATERAL (
    SELECT CASE WHEN oa.assignment_id IS NOT NULL THEN oa.class_id ELSE ca.class_id END AS class_id
) ac
LEFT JOIN old_classes oc ON v.as_before AND oc.class_id = ac.class_id
LEFT JOIN platform.classes cc ON cc.class_id = ac.class_id
CROSS JOIN LATERAL (
    SELECT ac.class_id,
           CASE WHEN oc.class_id IS NOT NULL THEN oc.subject_id ELSE cc.subject_id END AS subject_id,
           CASE WHEN oc.class_id IS NOT NULL THEN oc.teacher_id ELSE cc.teacher_id END AS teacher_id
) k;

CREATE TEMP TABLE enr_facts ON COMMIT DROP AS
WITH versions AS (
    SELECT -1 AS sign, true AS as_before, o.class_id, o.student_id
    FROM chg_class_enrollments c
    CROSS JOIN LATERAL jsonb_populate_record(NULL::platform.class_enrollments, c.old) o
    WHERE c.old IS NOT NULL
    UNION ALL
    SELECT 1, false, e.class_id, e.student_id
    FROM chg_class_enrollments c
    JOIN platform.class_enrollments e ON e.class_id = c.class_id AND e.student_id = c.student_id
    UNION ALL
    SELECT m.sign, m.sign < 0, e.class_id, e.student_id
    FROM moved_classes mc
    JOIN platform.class_enrollments e ON e.class_id = mc.class_id
    CROSS JOIN (VALUES (-1), (1)) AS m (sign)
    WHERE mc.subject_moved
      AND NOT EXISTS (
          SELECT FROM chg_class_enrollments c WHERE c.class_id = e.class_id AND c.student_id = e.student_id)
)
SELECT v.sign, v.class_id, v.student_id,
       CASE WHEN oc.class_id IS NOT NULL THEN oc.subject_id ELSE cc.subject_id END AS subject_id
FROM versions v
LEFT JOIN old_classes oc ON v.as_before AND oc.class_id = v.class_id
LEFT JOIN platform.classes cc ON cc.class_id = v.class_id;

-- Attendance rows that count (every status but excused), signed like the submissions.
CREATE TEMP TABLE att_facts ON COMMIT DROP AS
SELECT -1 AS sign, o.student_id, o.date, (o.status IN ('present', 'late'))::integer AS attended
FROM chg_attendance c
CROSS JOIN LATERAL jsonb_populate_record(NULL::platform.attendance, c.old) o
WHERE c.old IS NOT NULL AND o.status <> 'excused'
UNION ALL
SELECT 1, a.student_id, a.date, (a.status IN ('present', 'late'))::integer
FROM chg_attendance c
JOIN platform.attendance a ON a.student_id = c.student_id AND a.class_id = c.class_id AND a.date = c.date
WHERE a.status <> 'excused';

-- What leaves each window between the two refreshes' days: the submissions of the UTC days d with
-- today0 - N < d <= today1 - N, as they are now (changes are applied as of today0 before this).
CREATE TEMP TABLE leaving ON COMMIT DROP AS
WITH days AS (
    SELECT (%(as_of0)s::timestamptz AT TIME ZONE 'UTC')::date AS today0,
           (%(as_of1)s::timestamptz AT TIME ZONE 'UTC')::date AS today1
)
SELECT w.window_days, s.student_id, a.class_id, c.subject_id,
       (s.submitted_at AT TIME ZONE 'UTC')::date AS day,
       (s.grade IS NOT NULL)::integer AS graded,
       coalesce((s.grade * 100)::integer, 0) AS centi,
       coalesce((s.grade >= 60)::integer, 0) AS passed
FROM days d
CROSS JOIN (VALUES (7), (30), (90), (365)) AS w (window_days)
JOIN platform.submissions s
  ON s.submitted_at >= (d.today0 - w.window_days + 1)::timestamp AT TIME ZONE 'UTC'
 AND s.submitted_at < (d.today1 - w.window_days + 1)::timestamp AT TIME ZONE 'UTC'
JOIN platform.assignments a ON a.assignment_id = s.assignment_id
JOIN platform.classes c ON c.class_id = a.class_id
WHERE d.today1 > d.today0;

-- The attendance that counts on the days leaving each window, as it is now, summed per window and student.
CREATE TEMP TABLE leaving_attendance ON COMMIT DROP AS
WITH days AS (
    SELECT (%(as_of0)s::timestamptz AT TIME ZONE 'UTC')::date AS today0,
           (%(as_of1)s::timestamptz AT TIME ZONE 'UTC')::date AS today1
)
SELECT w.window_days, a.student_id, count(*)::integer AS counted,
       (count(*) FILTER (WHERE a.status IN ('present', 'late')))::integer AS attended
FROM days d
CROSS JOIN (VALUES (7), (30), (90), (365)) AS w (window_days)
JOIN platform.attendance a ON a.date > d.today0 - w.window_days AND a.date <= d.today1 - w.window_days
WHERE d.today1 > d.today0 AND a.status <> 'excused'
GROUP BY w.window_days, a.student_id;

ANALYZE moved_classes, moved_assignments, sub_facts, enr_facts, att_facts, leaving, leaving_attendance;
