SELECT leaid, category, fte FROM nces.lea_staff WHERE school_year = %(year)s ORDER BY leaid, category
