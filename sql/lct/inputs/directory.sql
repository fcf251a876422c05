SELECT leaid, lea_name, state FROM nces.lea_directory WHERE school_year = %(year)s ORDER BY leaid
