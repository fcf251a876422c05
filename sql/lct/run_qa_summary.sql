-- The QA summary the calculation step of a Dagster run recorded (the checks of that run read it).
SELECT run_id, year, qa_summary FROM lct.calculation_runs
WHERE dagster_run_id = %(dagster_run_id)s AND qa_summary IS NOT NULL
ORDER BY started_at DESC LIMIT 1;
