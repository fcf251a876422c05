WITH enrolled AS (
    SELECT class_id, count(*) AS students FROM platform.class_enrollments GROUP BY class_id
), grades AS (
    SELECT class_id, sum(graded) AS graded, sum(centi) AS centi, sum(passed) AS passed
    FROM full_bands GROUP BY class_id
), recent AS (
    SELECT b.class_id, count(*) AS submitters
    FROM full_bands b
    JOIN platform.class_enrollments e ON e.class_id = b.class_id AND e.student_id = b.student_id
    WHERE b.band = 7
    GROUP BY b.class_id
)
SELECT c.class_id, c.subject_id, coalesce(e.students, 0),
       coalesce(g.graded, 0), coalesce(g.centi, 0), coalesce(g.passed, 0), coalesce(r.submitters, 0)
FROM platform.classes c
LEFT JOIN enrolled e ON e.class_id = c.class_id
LEFT JOIN grades g ON g.class_id = c.class_id
LEFT JOIN recent r ON r.class_id = c.class_id
