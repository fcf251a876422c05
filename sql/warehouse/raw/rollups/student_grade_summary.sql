-- analytics.student_grade_summary from the source tables with PostgreSQL's own aggregates (avg,
-- var_samp), independent of the rollup's integer sums; same columns, ordered by its unique key.
SELECT s.student_id,
       c.subject_id,
       count(*)::integer AS submission_count,
       count(s.grade)::integer AS graded_count,
       round(avg(s.grade), 2) AS avg_grade,
       round(count(*) FILTER (WHERE s.grade >= 60)::numeric / nullif(count(s.grade), 0), 4) AS pass_rate,
       round(var_samp(s.grade), 2) AS grade_variance
FROM platform.submissions s
JOIN platform.assignments a ON a.assignment_id = s.assignment_id
JOIN platform.classes c ON c.class_id = a.class_id
GROUP BY s.student_id, c.subject_id
ORDER BY s.student_id, c.subject_id;
