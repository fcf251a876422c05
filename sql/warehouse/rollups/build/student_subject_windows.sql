SELECT w.window_days, b.student_id, c.subject_id,
       sum(b.submissions), sum(b.graded), sum(b.centi), sum(b.passed)
FROM full_bands b
JOIN platform.classes c ON c.class_id = b.class_id
JOIN (VALUES (7), (30), (90), (365)) AS w (window_days) ON b.band BETWEEN 1 AND w.window_days
GROUP BY w.window_days, b.student_id, c.subject_id
