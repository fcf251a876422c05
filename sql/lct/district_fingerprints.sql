-- Per-district input fingerprint of one school year: SHA-256 over everything its LCT depends on:
-- its directory name and state, its enrollment row, its staff rows, its state's statutory minutes and
-- its bell schedules (all of them: a superset of the ones the minutes rule picks, so a change to any
-- of them is seen; at worst a district is recomputed to the same numbers). Every district of any of
-- the three NCES tables appears, so districts that vanished from all three are the stored ones missing here.
WITH ids AS (
    SELECT leaid FROM nces.lea_directory WHERE school_year = %(year)s
    UNION SELECT leaid FROM nces.lea_enrollment WHERE school_year = %(year)s
    UNION SELECT leaid FROM nces.lea_staff WHERE school_year = %(year)s
), staff AS (
    SELECT leaid, string_agg(category || '=' || coalesce(fte::text, 'null'), '|' ORDER BY category) AS s
    FROM nces.lea_staff WHERE school_year = %(year)s
    GROUP BY leaid
), bells AS (
    SELECT leaid,
           string_agg(concat_ws(',', year, grade_level, instructional_minutes, confidence), '|'
                      ORDER BY year, grade_level, confidence, instructional_minutes) AS s
    FROM lct.bell_schedules
    GROUP BY leaid
)
SELECT i.leaid,
       encode(sha256(convert_to(concat_ws('#',
           coalesce(d.lea_name, 'null'), coalesce(d.state, 'null'),
           coalesce((e.prek, e.kg, e.g1, e.g2, e.g3, e.g4, e.g5, e.g6, e.g7, e.g8, e.g9, e.g10, e.g11, e.g12,
                     e.g13, e.ungraded, e.adult_ed)::text, 'null'),
           coalesce(st.s, 'null'),
           coalesce((r.elementary_minutes, r.middle_minutes, r.high_minutes)::text, 'null'),
           coalesce(b.s, 'null')), 'UTF8')), 'hex') AS fingerprint
FROM ids i
LEFT JOIN nces.lea_directory d ON d.school_year = %(year)s AND d.leaid = i.leaid
LEFT JOIN nces.lea_enrollment e ON e.school_year = %(year)s AND e.leaid = i.leaid
LEFT JOIN staff st ON st.leaid = i.leaid
LEFT JOIN lct.state_requirements r ON r.state = d.state
LEFT JOIN bells b ON b.leaid = i.leaid
ORDER BY i.leaid
