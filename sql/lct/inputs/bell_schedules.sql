SELECT leaid, year, grade_level, instructional_minutes, confidence FROM lct.bell_schedules
WHERE %(leaids)s::text[] IS NULL OR leaid = ANY(%(leaids)s::text[])
ORDER BY leaid, year, grade_level
