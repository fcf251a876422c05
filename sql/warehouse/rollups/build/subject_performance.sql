WITH students AS (
    SELECT subject_id, count(*) AS students FROM built_subject_students GROUP BY subject_id
), grades AS (
    SELECT c.subject_id, sum(b.graded) AS graded, sum(b.centi) AS centi, sum(b.excellent) AS excellent,
           sum(b.good) AS good, sum(b.graded - b.passed) AS below
    FROM full_bands b
    JOIN platform.classes c ON c.class_id = b.class_id
    GROUP BY c.subject_id
)
SELECT sub.subject_id, coalesce(st.students, 0),
       coalesce(g.graded, 0), coalesce(g.centi, 0), coalesce(g.excellent, 0), coalesce(g.good, 0),
       coalesce(g.below, 0)
FROM platform.subjects sub
LEFT JOIN students st ON st.subject_id = sub.subject_id
LEFT JOIN grades g ON g.subject_id = sub.subject_id
