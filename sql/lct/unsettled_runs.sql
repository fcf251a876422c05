-- Calculation runs of a Dagster run that may have ended badly since: still 'running', or 'success' (the
-- calculation step committed, a later step may have died). The caller asks Dagster how each run ended.
SELECT run_id, dagster_run_id, status
FROM lct.calculation_runs
WHERE status IN ('running', 'success')
  AND dagster_run_id IS NOT NULL
  AND started_at > now() - make_interval(days => %(days)s)
ORDER BY started_at DESC
LIMIT %(limit)s;
