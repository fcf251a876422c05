-- student_progress from the source tables, written independently of queries/student_progress.sql:
-- every submission dated first, then periods filtered (the query bounds the timestamp instead, so the
-- index range can be used). Same parameters, columns and order.
WITH dated AS (
    SELECT (s.submitted_at AT TIME ZONE 'UTC')::date AS day, s.grade
    FROM platform.submissions s
    WHERE s.student_id = %(student_id)s
), periods AS (
    SELECT date_trunc(%(granularity)s, day::timestamp)::date AS period_start, grade
    FROM dated
)
SELECT period_start,
       count(*)::integer AS submission_count,
       count(grade)::integer AS graded_count,
       round(avg(grade), 2) AS avg_grade,
       round(count(*) FILTER (WHERE grade >= 60)::numeric / nullif(count(grade), 0), 4) AS pass_rate
FROM periods
WHERE period_start >= date_trunc(%(granularity)s,
                                 ((now() AT TIME ZONE 'UTC')::date - (%(days_back)s - 1))::timestamp)::date
GROUP BY period_start
ORDER BY period_start
LIMIT %(limit)s OFFSET %(offset)s;
