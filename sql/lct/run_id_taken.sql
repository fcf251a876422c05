SELECT 1 FROM lct.calculation_runs WHERE run_id = %(run_id)s
