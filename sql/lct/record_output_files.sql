-- Exports run after the checks: they add their files to the run that computed the rows.
UPDATE lct.calculation_runs
SET output_files = coalesce(output_files, '{}'::jsonb) || %(output_files)s
WHERE run_id = %(run_id)s;
