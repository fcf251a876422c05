-- Add the signed facts to every rollup, as of the previous refresh's as_of (as_of0); 04_shift.sql then
-- moves the time-dependent figures from as_of0 to as_of1. Rows left with nothing are deleted.

-- Rows per subject, teacher and class follow those tables (every subject, teacher and class has one).
INSERT INTO analytics.subject_performance AS t
       (subject_id, student_count, graded_count, grade_centi, excellent_count, good_count, below_count)
SELECT s.subject_id, 0, 0, 0, 0, 0, 0
FROM chg_subjects k JOIN platform.subjects s ON s.subject_id = k.subject_id
ON CONFLICT (subject_id) DO NOTHING;
INSERT INTO analytics.teacher_workload AS t
       (teacher_id, pending_reviews, graded_submissions, overdue_reviews, grade_seconds)
SELECT s.teacher_id, 0, 0, 0, 0
FROM chg_teachers k JOIN platform.teachers s ON s.teacher_id = k.teacher_id
ON CONFLICT (teacher_id) DO NOTHING;
INSERT INTO analytics.class_progress_summary AS t
       (class_id, subject_id, student_count, graded_count, grade_centi, passed_count, recent_submitters)
SELECT c.class_id, c.subject_id, 0, 0, 0, 0, 0
FROM chg_classes k JOIN platform.classes c ON c.class_id = k.class_id
ON CONFLICT (class_id) DO UPDATE SET subject_id = excluded.subject_id
WHERE t.subject_id IS DISTINCT FROM excluded.subject_id;

-- All-time grade sums.
MERGE INTO analytics.student_grade_summary t
USING (
    SELECT student_id, subject_id, sum(sign) AS submissions, sum(sign * graded) AS graded, sum(sign * centi) AS centi,
           sum(sign * centi::bigint * centi) AS centi_sq, sum(sign * passed) AS passed
    FROM sub_facts
    GROUP BY student_id, subject_id
    HAVING sum(sign) <> 0 OR sum(sign * graded) <> 0 OR sum(sign * centi) <> 0
        OR sum(sign * centi::bigint * centi) <> 0 OR sum(sign * passed) <> 0
) d
ON t.student_id = d.student_id AND t.subject_id = d.subject_id
WHEN MATCHED AND t.submission_count + d.submissions = 0 THEN DELETE
WHEN MATCHED THEN UPDATE SET
    submission_count = t.submission_count + d.submissions,
    graded_count = t.graded_count + d.graded,
    grade_centi = t.grade_centi + d.centi,
    grade_centi_sq = t.grade_centi_sq + d.centi_sq,
    passed_count = t.passed_count + d.passed
WHEN NOT MATCHED THEN INSERT (student_id, subject_id, submission_count, graded_count, grade_centi, grade_centi_sq,
                              passed_count)
    VALUES (d.student_id, d.subject_id, d.submissions, d.graded, d.centi, d.centi_sq, d.passed);

UPDATE analytics.class_progress_summary t
SET graded_count = t.graded_count + d.graded, grade_centi = t.grade_centi + d.centi,
    passed_count = t.passed_count + d.passed
FROM (
    SELECT class_id, sum(sign * graded) AS graded, sum(sign * centi) AS centi, sum(sign * passed) AS passed
    FROM sub_facts GROUP BY class_id
    HAVING sum(sign * graded) <> 0 OR sum(sign * centi) <> 0 OR sum(sign * passed) <> 0
) d
WHERE t.class_id = d.class_id;

UPDATE analytics.class_progress_summary t
SET student_count = t.student_count + d.students
FROM (SELECT class_id, sum(sign) AS students FROM enr_facts GROUP BY class_id HAVING sum(sign) <> 0) d
WHERE t.class_id = d.class_id;

UPDATE analytics.subject_performance t
SET graded_count = t.graded_count + d.graded, grade_centi = t.grade_centi + d.centi,
    excellent_count = t.excellent_count + d.excellent, good_count = t.good_count + d.good,
    below_count = t.below_count + d.below
FROM (
    SELECT subject_id, sum(sign * graded) AS graded, sum(sign * centi) AS centi,
           sum(sign * excellent) AS excellent, sum(sign * good) AS good, sum(sign * (graded - passed)) AS below
    FROM sub_facts GROUP BY subject_id
) d
WHERE t.subject_id = d.subject_id
  AND (d.graded, d.centi, d.excellent, d.good, d.below) IS DISTINCT FROM (0, 0, 0, 0, 0);

INSERT INTO analytics.subject_students AS t (subject_id, student_id, enrolled_classes)
SELECT subject_id, student_id, sum(sign) FROM enr_facts GROUP BY subject_id, student_id HAVING sum(sign) <> 0
ON CONFLICT (subject_id, student_id) DO UPDATE SET enrolled_classes = t.enrolled_classes + excluded.enrolled_classes;
DELETE FROM analytics.subject_students t
USING (SELECT DISTINCT subject_id, student_id FROM enr_facts) k
WHERE t.subject_id = k.subject_id AND t.student_id = k.student_id AND t.enrolled_classes = 0;

-- Review work per teacher and day: the changes as of as_of0, and the pending submissions that crossed the
-- overdue line (submitted more than 7 days before as_of) between as_of0 and as_of1.
CREATE TEMP TABLE workload_delta ON COMMIT DROP AS
SELECT teacher_id, day, sum(pending) AS pending, sum(overdue) AS overdue, sum(graded) AS graded,
       sum(grade_seconds) AS grade_seconds
FROM (
    SELECT class_teacher AS teacher_id, day, sign AS pending,
           CASE WHEN submitted_at < %(as_of0)s::timestamptz - interval '7 days' THEN sign ELSE 0 END AS overdue,
           0 AS graded, 0 AS grade_seconds
    FROM sub_facts WHERE pending = 1
    UNION ALL
    SELECT graded_by, day, 0, 0, sign, sign * grade_seconds
    FROM sub_facts WHERE graded = 1
    UNION ALL
    SELECT c.teacher_id, (s.submitted_at AT TIME ZONE 'UTC')::date, 0, 1, 0, 0
    FROM platform.submissions s
    JOIN platform.assignments a ON a.assignment_id = s.assignment_id
    JOIN platform.classes c ON c.class_id = a.class_id
    WHERE s.status = 'pending_review'
      AND s.submitted_at >= %(as_of0)s::timestamptz - interval '7 days'
      AND s.submitted_at < %(as_of1)s::timestamptz - interval '7 days'
) x
GROUP BY teacher_id, day
HAVING sum(pending) <> 0 OR sum(overdue) <> 0 OR sum(graded) <> 0 OR sum(grade_seconds) <> 0;

MERGE INTO analytics.teacher_daily_workload t
USING workload_delta d ON t.teacher_id = d.teacher_id AND t.day = d.day
WHEN MATCHED AND t.pending_reviews + d.pending = 0 AND t.graded_submissions + d.graded = 0 THEN DELETE
WHEN MATCHED THEN UPDATE SET
    pending_reviews = t.pending_reviews + d.pending,
    overdue_reviews = t.overdue_reviews + d.overdue,
    graded_submissions = t.graded_submissions + d.graded,
    grade_seconds = t.grade_seconds + d.grade_seconds
WHEN NOT MATCHED THEN INSERT (teacher_id, day, pending_reviews, overdue_reviews, graded_submissions, grade_seconds)
    VALUES (d.teacher_id, d.day, d.pending, d.overdue, d.graded, d.grade_seconds);

UPDATE analytics.teacher_workload t
SET pending_reviews = t.pending_reviews + d.pending, overdue_reviews = t.overdue_reviews + d.overdue,
    graded_submissions = t.graded_submissions + d.graded, grade_seconds = t.grade_seconds + d.grade_seconds
FROM (
    SELECT teacher_id, sum(pending) AS pending, sum(overdue) AS overdue, sum(graded) AS graded,
           sum(grade_seconds) AS grade_seconds
    FROM workload_delta GROUP BY teacher_id
) d
WHERE t.teacher_id = d.teacher_id;

-- Trends per class and period (no window: the query filters the periods). A day's keys are few against the
-- table's (6 M rows at 200,000 students): probing its unique index beats hashing the whole table.
SET LOCAL enable_hashjoin = off;
MERGE INTO analytics.class_period_trends t
USING (
    SELECT g.granularity, f.class_id, date_trunc(g.granularity, f.day::timestamp)::date AS period_start,
           sum(f.sign) AS submissions, sum(f.sign * f.graded) AS graded, sum(f.sign * f.centi) AS centi,
           sum(f.sign * f.passed) AS passed
    FROM sub_facts f
    CROSS JOIN (VALUES ('day'), ('week'), ('month')) AS g (granularity)
    GROUP BY 1, 2, 3
    HAVING sum(f.sign) <> 0 OR sum(f.sign * f.graded) <> 0 OR sum(f.sign * f.centi) <> 0
        OR sum(f.sign * f.passed) <> 0
) d
ON t.granularity = d.granularity AND t.class_id = d.class_id AND t.period_start = d.period_start
WHEN MATCHED AND t.submission_count + d.submissions = 0 THEN DELETE
WHEN MATCHED THEN UPDATE SET
    submission_count = t.submission_count + d.submissions,
    graded_count = t.graded_count + d.graded,
    grade_centi = t.grade_centi + d.centi,
    passed_count = t.passed_count + d.passed
WHEN NOT MATCHED THEN INSERT (granularity, class_id, period_start, submission_count, graded_count, grade_centi,
                              passed_count)
    VALUES (d.granularity, d.class_id, d.period_start, d.submissions, d.graded, d.centi, d.passed);
SET LOCAL enable_hashjoin = on;
