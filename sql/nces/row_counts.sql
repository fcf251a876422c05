-- Row counts of the imported tables, per school year (what `lct run` prints at the end).
SELECT 'nces.lea_directory' AS table_name, school_year, count(*) AS row_count FROM nces.lea_directory GROUP BY school_year
UNION ALL
SELECT 'nces.lea_enrollment', school_year, count(*) FROM nces.lea_enrollment GROUP BY school_year
UNION ALL
SELECT 'nces.lea_staff', school_year, count(*) FROM nces.lea_staff GROUP BY school_year
UNION ALL
SELECT 'lct.state_requirements', NULL, count(*) FROM lct.state_requirements
UNION ALL
SELECT 'lct.bell_schedules', NULL, count(*) FROM lct.bell_schedules
ORDER BY 1, 2;
