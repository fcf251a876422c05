-- P2's naive side: one district's minutes inputs, asked for one district at a time as the replaced system did.
-- Its bell schedules, then its state's statutory minutes per level: (kind, level, minutes, year, confidence).
SELECT 'bell' AS kind, b.grade_level AS level, b.instructional_minutes AS minutes, b.year, b.confidence
FROM lct.bell_schedules AS b
WHERE b.leaid = %(leaid)s
UNION ALL
SELECT 'state', v.level, v.minutes, NULL, NULL
FROM lct.state_requirements AS s
CROSS JOIN LATERAL (
    VALUES ('elementary', s.elementary_minutes), ('middle', s.middle_minutes), ('high', s.high_minutes)
) AS v (level, minutes)
WHERE s.state = %(state)s
