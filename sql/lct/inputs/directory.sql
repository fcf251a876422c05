SELECT leaid, lea_name, state FROM nces.lea_directory
WHERE school_year = %(year)s AND (%(leaids)s::text[] IS NULL OR leaid = ANY(%(leaids)s::text[]))
ORDER BY leaid
