-- analytics.subject_performance from the source tables with avg() and per-band shares; ordered by subject_id.
WITH graded AS (
    SELECT c.subject_id, s.grade
    FROM platform.submissions s
    JOIN platform.assignments a ON a.assignment_id = s.assignment_id
    JOIN platform.classes c ON c.class_id = a.class_id
    WHERE s.grade IS NOT NULL
)
SELECT sub.subject_id,
       (SELECT count(DISTINCT e.student_id)
        FROM platform.class_enrollments e JOIN platform.classes c ON c.class_id = e.class_id
        WHERE c.subject_id = sub.subject_id)::integer AS student_count,
       (SELECT round(avg(g.grade), 2) FROM graded g WHERE g.subject_id = sub.subject_id) AS avg_grade,
       (SELECT round(avg((g.grade >= 90)::integer), 4) FROM graded g WHERE g.subject_id = sub.subject_id)
           AS excellent_rate,
       (SELECT round(avg((g.grade >= 75 AND g.grade < 90)::integer), 4) FROM graded g
        WHERE g.subject_id = sub.subject_id) AS good_rate,
       (SELECT round(avg((g.grade < 60)::integer), 4) FROM graded g WHERE g.subject_id = sub.subject_id)
           AS below_average_rate
FROM platform.subjects sub
ORDER BY sub.subject_id;
