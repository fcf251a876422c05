SELECT leaid, year, grade_level, instructional_minutes, confidence FROM lct.bell_schedules
ORDER BY leaid, year, grade_level
