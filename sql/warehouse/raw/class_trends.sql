-- class_trends from the source tables: submissions -> assignments (class), grouped per UTC period.
SELECT a.class_id,
       date_trunc(%(granularity)s, (s.submitted_at AT TIME ZONE 'UTC')::date::timestamp)::date AS period_start,
       count(*)::integer AS submission_count,
       count(s.grade)::integer AS graded_count,
       round(avg(s.grade), 2) AS avg_grade,
       round(count(*) FILTER (WHERE s.grade >= 60)::numeric / nullif(count(s.grade), 0), 4) AS pass_rate
FROM platform.submissions s
JOIN platform.assignments a ON a.assignment_id = s.assignment_id
WHERE (%(class_id)s::integer IS NULL OR a.class_id = %(class_id)s)
  AND date_trunc(%(granularity)s, (s.submitted_at AT TIME ZONE 'UTC')::date::timestamp)
      >= date_trunc(%(granularity)s, ((now() AT TIME ZONE 'UTC')::date - (%(days_back)s - 1))::timestamp)
GROUP BY 1, 2
ORDER BY 1, 2
LIMIT %(limit)s OFFSET %(offset)s;
