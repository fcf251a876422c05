WITH daily AS (
    SELECT a.class_id,
           (s.submitted_at AT TIME ZONE 'UTC')::date AS day,
           count(*) AS submissions,
           count(s.grade) AS graded,
           coalesce(sum((s.grade * 100)::integer), 0) AS centi,
           count(*) FILTER (WHERE s.grade >= 60) AS passed
    FROM platform.submissions s
    JOIN platform.assignments a ON a.assignment_id = s.assignment_id
    GROUP BY 1, 2
)
SELECT g.granularity, d.class_id, date_trunc(g.granularity, d.day::timestamp)::date,
       sum(d.submissions), sum(d.graded), sum(d.centi), sum(d.passed)
FROM daily d
CROSS JOIN (VALUES ('day'), ('week'), ('month')) AS g (granularity)
GROUP BY 1, 2, 3
