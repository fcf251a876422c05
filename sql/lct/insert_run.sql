INSERT INTO lct.calculation_runs (run_id, year, run_type, status, started_at, dagster_run_id)
VALUES (%(run_id)s, %(year)s, %(run_type)s, 'running', %(started_at)s, %(dagster_run_id)s);
