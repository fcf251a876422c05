SELECT b.student_id, c.subject_id,
       sum(b.submissions), sum(b.graded), sum(b.centi), sum(b.centi_sq), sum(b.passed)
FROM full_bands b
JOIN platform.classes c ON c.class_id = b.class_id
GROUP BY b.student_id, c.subject_id
