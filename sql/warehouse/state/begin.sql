-- A refresh reads one snapshot (the log rows it takes and the platform rows they describe are the same
-- moment) and runs one at a time: a second one waits for the first to commit.
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
SELECT pg_advisory_xact_lock(hashtext('lct_pipelines.warehouse.refresh'));
