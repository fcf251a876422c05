-- The newest school year of the directory (NULL when no NCES data has been imported).
SELECT max(school_year) FROM nces.lea_directory
