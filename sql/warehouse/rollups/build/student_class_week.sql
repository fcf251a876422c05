SELECT class_id, student_id, submissions FROM full_bands WHERE band = 7
