SELECT c.subject_id, e.student_id, count(*)
FROM platform.class_enrollments e
JOIN platform.classes c ON c.class_id = e.class_id
GROUP BY c.subject_id, e.student_id
