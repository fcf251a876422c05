-- P5: the student with the most submissions (the parameter of the per-student queries).
SELECT student_id FROM platform.submissions GROUP BY student_id ORDER BY count(*) DESC, student_id LIMIT 1
