SELECT leaid, prek, kg, g1, g2, g3, g4, g5, g6, g7, g8, g9, g10, g11, g12, g13, ungraded, adult_ed
FROM nces.lea_enrollment
WHERE school_year = %(year)s AND (%(leaids)s::text[] IS NULL OR leaid = ANY(%(leaids)s::text[]))
ORDER BY leaid
