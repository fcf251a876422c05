SELECT leaid, category, fte FROM nces.lea_staff
WHERE school_year = %(year)s AND (%(leaids)s::text[] IS NULL OR leaid = ANY(%(leaids)s::text[]))
ORDER BY leaid, category
