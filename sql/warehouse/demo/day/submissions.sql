-- One day of hand-ins and reviews, as of %(as_of)s, sized %(fraction)s of the submissions: new hand-ins
-- (each for its class's latest assignment the student has not handed in), pending work reviewed,
-- some grades corrected, a few hand-ins withdrawn.
SELECT setseed(%(seed)s);
CREATE TEMP TABLE day_size ON COMMIT DROP AS
SELECT greatest(1, round(reltuples * %(fraction)s))::integer AS wanted
FROM pg_class WHERE oid = 'platform.submissions'::regclass;
INSERT INTO platform.submissions (submission_id, assignment_id, student_id, submitted_at, status)
SELECT (SELECT coalesce(max(submission_id), 0) FROM platform.submissions) + row_number() OVER (),
       pick.assignment_id, e.student_id, %(as_of)s::timestamptz - random() * interval '20 hours', 'pending_review'
FROM (
    SELECT class_id, student_id FROM platform.class_enrollments
    ORDER BY random() LIMIT (SELECT 2 * wanted FROM day_size)
) e
CROSS JOIN LATERAL (
    SELECT a.assignment_id FROM platform.assignments a
    WHERE a.class_id = e.class_id
      AND NOT EXISTS (SELECT FROM platform.submissions s WHERE s.assignment_id = a.assignment_id
                                                           AND s.student_id = e.student_id)
    ORDER BY a.due_at DESC LIMIT 1
) pick
LIMIT (SELECT wanted FROM day_size);
UPDATE platform.submissions s
SET status = CASE WHEN random() < 0.3 THEN 'returned' ELSE 'graded' END,
    grade = round((40 + random() * 60)::numeric * 2) / 2,
    graded_at = greatest(s.submitted_at + interval '10 minutes', %(as_of)s::timestamptz - random() * interval '6 hours'),
    graded_by = c.teacher_id
FROM (
    SELECT submission_id FROM platform.submissions WHERE status = 'pending_review'
    ORDER BY random() LIMIT (SELECT wanted FROM day_size)
) p, platform.assignments a, platform.classes c
WHERE s.submission_id = p.submission_id AND a.assignment_id = s.assignment_id AND c.class_id = a.class_id;
UPDATE platform.submissions
SET grade = least(100, grade + 5)
WHERE submission_id IN (
    SELECT submission_id FROM platform.submissions TABLESAMPLE SYSTEM (1) REPEATABLE (7)
    WHERE grade IS NOT NULL LIMIT (SELECT wanted / 20 FROM day_size)
);
DELETE FROM platform.submissions
WHERE submission_id IN (
    SELECT submission_id FROM platform.submissions TABLESAMPLE SYSTEM (1) REPEATABLE (11)
    LIMIT (SELECT greatest(1, wanted / 100) FROM day_size)
);
