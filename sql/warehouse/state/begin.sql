-- A refresh reads one snapshot (the log rows it takes and the platform rows they describe are the same
-- moment) and runs one at a time: a second one waits for the first to commit.
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
SELECT pg_advisory_xact_lock(hashtext('lct_pipelines.warehouse.refresh'));
-- Its commit waits for the WAL flush (the embedded servers commit asynchronously otherwise): the cache's
-- fence and the replica's lag are measured from the primary's written WAL position, which must be past
-- the refresh once it returns. Its temporary tables (the day's facts, a few hundred MB at 200,000
-- students) stay in memory: temp_buffers applies before the session's first temporary table, and every
-- refresh opens its own connection.
SET LOCAL synchronous_commit = on;
SET temp_buffers = '512MB';
