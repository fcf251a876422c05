-- subject_comparison from the source tables: submissions -> assignments -> classes -> subjects.
SELECT c.subject_id,
       sub.name AS subject_name,
       count(*)::integer AS submission_count,
       count(s.grade)::integer AS graded_count,
       round(avg(s.grade), 2) AS avg_grade,
       round(count(*) FILTER (WHERE s.grade >= 60)::numeric / nullif(count(s.grade), 0), 4) AS pass_rate,
       round(var_samp(s.grade), 2) AS grade_variance
FROM platform.submissions s
JOIN platform.assignments a ON a.assignment_id = s.assignment_id
JOIN platform.classes c ON c.class_id = a.class_id
JOIN platform.subjects sub ON sub.subject_id = c.subject_id
WHERE s.student_id = %(student_id)s
GROUP BY c.subject_id, sub.name
ORDER BY avg_grade DESC NULLS LAST, c.subject_id
LIMIT %(limit)s OFFSET %(offset)s;
