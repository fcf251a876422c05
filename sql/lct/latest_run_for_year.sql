SELECT run_id, run_type, status, qa_summary, started_at FROM lct.calculation_runs
WHERE year = %(year)s AND status <> 'running'
ORDER BY started_at DESC LIMIT 1;
