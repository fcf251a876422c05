-- The rolling windows (UTC days d > today - N): the changes added as of today0 (the previous refresh's
-- day), then each window's leaving days subtracted (the `leaving` facts), so the rows stand as of today1
-- and the work follows the changed rows and the days that left, never the whole history.
CREATE TEMP TABLE window_facts ON COMMIT DROP AS
SELECT w.window_days, f.sign, f.student_id, f.class_id, f.subject_id, f.day, f.graded, f.centi, f.passed
FROM sub_facts f
CROSS JOIN (VALUES (7), (30), (90), (365)) AS w (window_days)
WHERE f.day > (%(as_of0)s::timestamptz AT TIME ZONE 'UTC')::date - w.window_days
UNION ALL
SELECT window_days, -1, student_id, class_id, subject_id, day, graded, centi, passed FROM leaving;

MERGE INTO analytics.student_subject_windows t
USING (
    SELECT window_days, student_id, subject_id, sum(sign) AS submissions, sum(sign * graded) AS graded,
           sum(sign * centi) AS centi, sum(sign * passed) AS passed
    FROM window_facts
    GROUP BY window_days, student_id, subject_id
    HAVING sum(sign) <> 0 OR sum(sign * graded) <> 0 OR sum(sign * centi) <> 0 OR sum(sign * passed) <> 0
) d
ON t.window_days = d.window_days AND t.student_id = d.student_id AND t.subject_id = d.subject_id
WHEN MATCHED AND t.submission_count + d.submissions = 0 THEN DELETE
WHEN MATCHED THEN UPDATE SET
    submission_count = t.submission_count + d.submissions,
    graded_count = t.graded_count + d.graded,
    grade_centi = t.grade_centi + d.centi,
    passed_count = t.passed_count + d.passed
WHEN NOT MATCHED THEN INSERT (window_days, student_id, subject_id, submission_count, graded_count, grade_centi,
                              passed_count)
    VALUES (d.window_days, d.student_id, d.subject_id, d.submissions, d.graded, d.centi, d.passed);

-- Attendance and grades per student in each window (one row per student, the windows in columns): the
-- counted sessions and graded submissions added as of today0, those of the leaving days subtracted. The
-- buckets (student_attendance_grades) then lose each changed student's row as it was and gain it as it is.
CREATE TEMP TABLE attendance_delta ON COMMIT DROP AS
SELECT *
FROM (
    SELECT student_id,
           coalesce(sum(counted) FILTER (WHERE window_days = 7), 0) AS counted_7,
           coalesce(sum(attended) FILTER (WHERE window_days = 7), 0) AS attended_7,
           coalesce(sum(graded) FILTER (WHERE window_days = 7), 0) AS graded_7,
           coalesce(sum(centi) FILTER (WHERE window_days = 7), 0) AS centi_7,
           coalesce(sum(passed) FILTER (WHERE window_days = 7), 0) AS passed_7,
           coalesce(sum(counted) FILTER (WHERE window_days = 30), 0) AS counted_30,
           coalesce(sum(attended) FILTER (WHERE window_days = 30), 0) AS attended_30,
           coalesce(sum(graded) FILTER (WHERE window_days = 30), 0) AS graded_30,
           coalesce(sum(centi) FILTER (WHERE window_days = 30), 0) AS centi_30,
           coalesce(sum(passed) FILTER (WHERE window_days = 30), 0) AS passed_30,
           coalesce(sum(counted) FILTER (WHERE window_days = 90), 0) AS counted_90,
           coalesce(sum(attended) FILTER (WHERE window_days = 90), 0) AS attended_90,
           coalesce(sum(graded) FILTER (WHERE window_days = 90), 0) AS graded_90,
           coalesce(sum(centi) FILTER (WHERE window_days = 90), 0) AS centi_90,
           coalesce(sum(passed) FILTER (WHERE window_days = 90), 0) AS passed_90,
           coalesce(sum(counted) FILTER (WHERE window_days = 365), 0) AS counted_365,
           coalesce(sum(attended) FILTER (WHERE window_days = 365), 0) AS attended_365,
           coalesce(sum(graded) FILTER (WHERE window_days = 365), 0) AS graded_365,
           coalesce(sum(centi) FILTER (WHERE window_days = 365), 0) AS centi_365,
           coalesce(sum(passed) FILTER (WHERE window_days = 365), 0) AS passed_365
    FROM (
        SELECT w.window_days, f.student_id, f.sign AS counted, f.sign * f.attended AS attended, 0 AS graded,
               0 AS centi, 0 AS passed
        FROM att_facts f
        CROSS JOIN (VALUES (7), (30), (90), (365)) AS w (window_days)
        WHERE f.date > (%(as_of0)s::timestamptz AT TIME ZONE 'UTC')::date - w.window_days
        UNION ALL
        SELECT window_days, student_id, -counted, -attended, 0, 0, 0 FROM leaving_attendance
        UNION ALL
        SELECT window_days, student_id, 0, 0, sign, sign * centi, sign * passed FROM window_facts WHERE graded = 1
    ) x
    GROUP BY student_id
) d
WHERE (counted_7, attended_7, graded_7, centi_7, passed_7, counted_30, attended_30, graded_30, centi_30, passed_30,
       counted_90, attended_90, graded_90, centi_90, passed_90, counted_365, attended_365, graded_365, centi_365,
       passed_365)
      IS DISTINCT FROM (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

CREATE TEMP TABLE attendance_before ON COMMIT DROP AS
SELECT t.* FROM analytics.student_attendance_windows t JOIN attendance_delta d ON d.student_id = t.student_id;

-- An UPDATE, not INSERT ... ON CONFLICT: the row keeps its only indexed column (student_id), so with the
-- table's free space (fillfactor 80) the new version is a heap-only tuple on the same page, no index entry
-- and no row lock record (an upsert that conflicts on every row wrote three WAL records per row).
UPDATE analytics.student_attendance_windows t
SET
    counted_7 = t.counted_7 + d.counted_7,
    attended_7 = t.attended_7 + d.attended_7,
    graded_7 = t.graded_7 + d.graded_7,
    centi_7 = t.centi_7 + d.centi_7,
    passed_7 = t.passed_7 + d.passed_7,
    counted_30 = t.counted_30 + d.counted_30,
    attended_30 = t.attended_30 + d.attended_30,
    graded_30 = t.graded_30 + d.graded_30,
    centi_30 = t.centi_30 + d.centi_30,
    passed_30 = t.passed_30 + d.passed_30,
    counted_90 = t.counted_90 + d.counted_90,
    attended_90 = t.attended_90 + d.attended_90,
    graded_90 = t.graded_90 + d.graded_90,
    centi_90 = t.centi_90 + d.centi_90,
    passed_90 = t.passed_90 + d.passed_90,
    counted_365 = t.counted_365 + d.counted_365,
    attended_365 = t.attended_365 + d.attended_365,
    graded_365 = t.graded_365 + d.graded_365,
    centi_365 = t.centi_365 + d.centi_365,
    passed_365 = t.passed_365 + d.passed_365
FROM attendance_delta d
WHERE t.student_id = d.student_id;
INSERT INTO analytics.student_attendance_windows
       (student_id,
        counted_7, attended_7, graded_7, centi_7, passed_7, counted_30, attended_30, graded_30, centi_30, passed_30,
        counted_90, attended_90, graded_90, centi_90, passed_90, counted_365, attended_365, graded_365, centi_365, passed_365)
SELECT student_id,
       counted_7, attended_7, graded_7, centi_7, passed_7, counted_30, attended_30, graded_30, centi_30, passed_30,
       counted_90, attended_90, graded_90, centi_90, passed_90, counted_365, attended_365, graded_365, centi_365, passed_365
FROM attendance_delta d
WHERE NOT EXISTS (SELECT FROM attendance_before b WHERE b.student_id = d.student_id);
DELETE FROM analytics.student_attendance_windows t
USING attendance_delta d
WHERE t.student_id = d.student_id AND t.counted_365 = 0 AND t.graded_365 = 0;

INSERT INTO analytics.student_attendance_grades AS t
       (window_days, attendance_bucket, student_count, graded_count, grade_centi, pass_count)
SELECT w.window_days, w.bucket, sum(x.sign), sum(x.sign * w.graded), sum(x.sign * w.centi), sum(x.sign * w.passed)
FROM (
    SELECT 1 AS sign, t.*
    FROM analytics.student_attendance_windows t JOIN attendance_delta d ON d.student_id = t.student_id
    UNION ALL
    SELECT -1, b.* FROM attendance_before b
) x
CROSS JOIN LATERAL (VALUES
    (7, x.bucket_7, x.graded_7, x.centi_7, x.passed_7),
    (30, x.bucket_30, x.graded_30, x.centi_30, x.passed_30),
    (90, x.bucket_90, x.graded_90, x.centi_90, x.passed_90),
    (365, x.bucket_365, x.graded_365, x.centi_365, x.passed_365)
) AS w (window_days, bucket, graded, centi, passed)
WHERE w.bucket IS NOT NULL
GROUP BY w.window_days, w.bucket
HAVING sum(x.sign) <> 0 OR sum(x.sign * w.graded) <> 0 OR sum(x.sign * w.centi) <> 0 OR sum(x.sign * w.passed) <> 0
ON CONFLICT (window_days, attendance_bucket) DO UPDATE SET
    student_count = t.student_count + excluded.student_count,
    graded_count = t.graded_count + excluded.graded_count,
    grade_centi = t.grade_centi + excluded.grade_centi,
    pass_count = t.pass_count + excluded.pass_count;
DELETE FROM analytics.student_attendance_grades WHERE student_count = 0;

CREATE TEMP TABLE week_delta ON COMMIT DROP AS
SELECT class_id, student_id, sum(sign) AS submissions
FROM window_facts WHERE window_days = 7
GROUP BY class_id, student_id HAVING sum(sign) <> 0;
MERGE INTO analytics.student_class_week t
USING week_delta d ON t.class_id = d.class_id AND t.student_id = d.student_id
WHEN MATCHED AND t.submissions + d.submissions = 0 THEN DELETE
WHEN MATCHED THEN UPDATE SET submissions = t.submissions + d.submissions
WHEN NOT MATCHED THEN INSERT (class_id, student_id, submissions) VALUES (d.class_id, d.student_id, d.submissions);

-- Engagement: a (student, day) pair is an active day when it holds a submission. For each pair the
-- changes touched, the index (student_id, submitted_at) says how many it holds now; minus the pair's
-- net change it held before. Leaving days were active (they hold submissions now) and leave.
CREATE TEMP TABLE active_delta ON COMMIT DROP AS
WITH pairs AS (
    SELECT student_id, day, sum(sign) AS net FROM sub_facts GROUP BY student_id, day HAVING sum(sign) <> 0
)
SELECT p.student_id, p.day, (n.now_held > 0)::integer - (n.now_held - p.net > 0)::integer AS active
FROM pairs p
CROSS JOIN LATERAL (
    SELECT count(*) AS now_held
    FROM platform.submissions s
    WHERE s.student_id = p.student_id
      AND s.submitted_at >= p.day::timestamp AT TIME ZONE 'UTC'
      AND s.submitted_at < (p.day + 1)::timestamp AT TIME ZONE 'UTC'
) n;

-- first_at and last_at: a window that only gained submissions takes the least and greatest of the old
-- and the new; one that lost some (a day left it, a submission was withdrawn or moved) asks the
-- (student_id, submitted_at) index of the source, which already holds the new state: each row is then
-- written once.
CREATE TEMP TABLE engagement_delta ON COMMIT DROP AS
WITH summed AS (
    SELECT window_days, student_id, sum(submissions) AS submissions, sum(active) AS active,
           min(gained_at) AS first_gained, max(gained_at) AS last_gained,
           bool_or(lost_first) AS lost_first, bool_or(lost_last) AS lost_last
    FROM (
        SELECT w.window_days, m.student_id, m.net AS submissions, 0 AS active,
               CASE WHEN m.net > 0 THEN m.submitted_at END AS gained_at, m.net < 0 AS lost_first,
               m.net < 0 AS lost_last
        FROM (
            SELECT student_id, submitted_at, day, sum(sign) AS net
            FROM sub_facts GROUP BY student_id, submitted_at, day HAVING sum(sign) <> 0
        ) m
        CROSS JOIN (VALUES (7), (30), (90), (365)) AS w (window_days)
        WHERE m.day > (%(as_of0)s::timestamptz AT TIME ZONE 'UTC')::date - w.window_days
        UNION ALL
        SELECT w.window_days, a.student_id, 0, a.active, NULL, false, false
        FROM active_delta a
        CROSS JOIN (VALUES (7), (30), (90), (365)) AS w (window_days)
        WHERE a.active <> 0 AND a.day > (%(as_of0)s::timestamptz AT TIME ZONE 'UTC')::date - w.window_days
        UNION ALL
        SELECT window_days, student_id, -count(*), -count(DISTINCT day), NULL, true, false
        FROM leaving GROUP BY window_days, student_id
    ) x
    GROUP BY window_days, student_id
)
SELECT k.window_days, k.student_id, k.submissions, k.active, k.lost_first, k.lost_last,
       CASE WHEN k.lost_first THEN (
           SELECT min(s.submitted_at) FROM platform.submissions s
           WHERE s.student_id = k.student_id
             AND s.submitted_at >= ((%(as_of1)s::timestamptz AT TIME ZONE 'UTC')::date - k.window_days + 1)::timestamp
                                   AT TIME ZONE 'UTC'
       ) ELSE k.first_gained END AS first_at,
       CASE WHEN k.lost_last THEN (
           SELECT max(s.submitted_at) FROM platform.submissions s WHERE s.student_id = k.student_id
       ) ELSE k.last_gained END AS last_at
FROM summed k;

MERGE INTO analytics.student_engagement_windows t
USING engagement_delta d ON t.window_days = d.window_days AND t.student_id = d.student_id
WHEN MATCHED AND t.submission_count + d.submissions = 0 THEN DELETE
WHEN MATCHED THEN UPDATE SET
    active_days = t.active_days + d.active,
    submission_count = t.submission_count + d.submissions,
    first_at = CASE WHEN d.lost_first THEN d.first_at ELSE least(t.first_at, d.first_at) END,
    last_at = CASE WHEN d.lost_last THEN d.last_at ELSE greatest(t.last_at, d.last_at) END
WHEN NOT MATCHED THEN INSERT (window_days, student_id, active_days, submission_count, first_at, last_at)
    VALUES (d.window_days, d.student_id, d.active, d.submissions, d.first_at, d.last_at);

-- Enrolled students who handed in something in the last 7 days, per class whose week or roster changed.
WITH touched AS (
    SELECT class_id FROM week_delta
    UNION SELECT class_id FROM enr_facts
    UNION SELECT class_id FROM chg_classes
)
UPDATE analytics.class_progress_summary t
SET recent_submitters = r.submitters
FROM touched k
CROSS JOIN LATERAL (
    SELECT count(*) AS submitters
    FROM analytics.student_class_week w
    JOIN platform.class_enrollments e ON e.class_id = w.class_id AND e.student_id = w.student_id
    WHERE w.class_id = k.class_id
) r
WHERE t.class_id = k.class_id AND t.recent_submitters <> r.submitters;

-- Distinct enrolled students per subject whose roster changed.
UPDATE analytics.subject_performance t
SET student_count = r.students
FROM (SELECT DISTINCT subject_id FROM enr_facts) k
CROSS JOIN LATERAL (SELECT count(*) AS students FROM analytics.subject_students s WHERE s.subject_id = k.subject_id) r
WHERE t.subject_id = k.subject_id AND t.student_count <> r.students;

-- Deleted subjects, teachers and classes leave their rollup rows (their facts are gone by now).
DELETE FROM analytics.subject_performance t USING chg_subjects k
WHERE t.subject_id = k.subject_id AND NOT EXISTS (SELECT FROM platform.subjects s WHERE s.subject_id = k.subject_id);
DELETE FROM analytics.teacher_workload t USING chg_teachers k
WHERE t.teacher_id = k.teacher_id AND NOT EXISTS (SELECT FROM platform.teachers s WHERE s.teacher_id = k.teacher_id);
DELETE FROM analytics.class_progress_summary t USING chg_classes k
WHERE t.class_id = k.class_id AND NOT EXISTS (SELECT FROM platform.classes s WHERE s.class_id = k.class_id);
