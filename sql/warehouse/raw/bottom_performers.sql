-- bottom_performers from the source tables (see raw/top_performers.sql for the window).
WITH pairs AS (
    SELECT s.student_id,
           c.subject_id,
           count(*)::integer AS submission_count,
           count(s.grade)::integer AS graded_count,
           round(avg(s.grade), 2) AS avg_grade,
           round(count(*) FILTER (WHERE s.grade >= 60)::numeric / nullif(count(s.grade), 0), 4) AS pass_rate
    FROM platform.submissions s
    JOIN platform.assignments a ON a.assignment_id = s.assignment_id
    JOIN platform.classes c ON c.class_id = a.class_id
    WHERE (s.submitted_at AT TIME ZONE 'UTC')::date > (now() AT TIME ZONE 'UTC')::date - %(days_back)s
      AND (%(subject_id)s::integer IS NULL OR c.subject_id = %(subject_id)s)
    GROUP BY s.student_id, c.subject_id
    HAVING count(s.grade) >= %(min_submissions)s
)
SELECT p.student_id,
       st.full_name AS student_name,
       p.subject_id,
       sub.name AS subject_name,
       p.graded_count,
       p.submission_count,
       p.avg_grade,
       1 - p.pass_rate AS fail_rate
FROM pairs p
JOIN platform.students st ON st.student_id = p.student_id
JOIN platform.subjects sub ON sub.subject_id = p.subject_id
ORDER BY p.avg_grade, p.student_id DESC, p.subject_id DESC
LIMIT %(limit)s OFFSET %(offset)s;
