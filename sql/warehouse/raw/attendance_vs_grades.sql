-- attendance_vs_grades from the source tables: attendance rate per student, bucketed, joined to every
-- graded submission of the bucket's students.
WITH rates AS (
    SELECT student_id,
           count(*) FILTER (WHERE status <> 'excused') AS counted,
           count(*) FILTER (WHERE status IN ('present', 'late')) AS attended
    FROM platform.attendance
    GROUP BY student_id
), bucketed AS (
    SELECT student_id, least(10 * attended / counted, 9) AS bucket
    FROM rates
    WHERE counted > 0
), students AS (
    SELECT bucket, count(*) AS student_count
    FROM bucketed
    GROUP BY bucket
), grades AS (
    SELECT b.bucket,
           count(s.grade) AS graded,
           avg(s.grade) AS avg_grade,
           count(*) FILTER (WHERE s.grade >= 60) AS passed
    FROM bucketed b
    JOIN platform.submissions s ON s.student_id = b.student_id
    GROUP BY b.bucket
)
SELECT n.bucket,
       (n.bucket / 10.0)::numeric(3, 1) AS rate_from,
       ((n.bucket + 1) / 10.0)::numeric(3, 1) AS rate_to,
       coalesce(st.student_count, 0)::integer AS student_count,
       coalesce(g.graded, 0)::integer AS graded_count,
       round(g.avg_grade, 2) AS avg_grade,
       round(g.passed::numeric / nullif(g.graded, 0), 4) AS pass_rate
FROM generate_series(0, 9) AS n (bucket)
LEFT JOIN students st ON st.bucket = n.bucket
LEFT JOIN grades g ON g.bucket = n.bucket
ORDER BY n.bucket
LIMIT %(limit)s OFFSET %(offset)s;
