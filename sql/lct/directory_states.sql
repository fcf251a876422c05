-- The states of a year's directory (the QA report's states present, with or without a calculation).
SELECT DISTINCT state FROM nces.lea_directory WHERE school_year = %(year)s AND state IS NOT NULL ORDER BY state
