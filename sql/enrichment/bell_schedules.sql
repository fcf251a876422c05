-- Every bell schedule of the given districts (any year), in the shape `resolve_minutes` reads.
SELECT leaid, year, grade_level, instructional_minutes, confidence
FROM lct.bell_schedules
WHERE leaid = ANY(%(leaids)s::text[])
ORDER BY leaid, year, grade_level
