-- The newest finished calculation run of each school year (or of one year), with its QA summary.
SELECT DISTINCT ON (year) year, run_id, run_type, status, qa_summary
FROM lct.calculation_runs
WHERE qa_summary IS NOT NULL AND (%(year)s IS NULL OR year = %(year)s)
ORDER BY year, started_at DESC;
