-- The calculation runs of Dagster runs that died or failed: 'failed', never left 'running' or 'success'.
-- A 'blocked' or 'failed' row already tells the truth and is kept.
UPDATE lct.calculation_runs
SET status = 'failed', completed_at = coalesce(completed_at, %(now)s)
WHERE dagster_run_id = ANY(%(dagster_run_ids)s) AND status IN ('running', 'success')
RETURNING run_id;
