-- attendance_vs_grades from the source tables: attendance rate per student over the window (UTC days
-- d > today - days_back), bucketed, joined to the graded submissions of the bucket's students in the window.
WITH since AS MATERIALIZED (
    SELECT (now() AT TIME ZONE 'UTC')::date - %(days_back)s AS last_day_out
), rates AS (
    SELECT a.student_id,
           count(*) FILTER (WHERE a.status <> 'excused') AS counted,
           count(*) FILTER (WHERE a.status IN ('present', 'late')) AS attended
    FROM platform.attendance a
    CROSS JOIN since
    WHERE a.date > since.last_day_out
    GROUP BY a.student_id
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
    CROSS JOIN since
    JOIN platform.submissions s ON s.student_id = b.student_id
    WHERE s.submitted_at >= (since.last_day_out + 1)::timestamp AT TIME ZONE 'UTC'
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
