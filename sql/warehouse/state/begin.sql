-- A refresh reads one snapshot (the log rows it takes and the platform rows they describe are the same
-- moment) and runs one at a time: a second one waits for the first to commit.
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
SELECT pg_advisory_xact_lock(hashtext('lct_pipelines.warehouse.refresh'));
-- Its commit need not wait for the WAL flush: a refresh lost to a crash is redone whole by the next one
-- (the change log it took comes back with it). Its temporary tables (the day's facts, a few hundred MB at
-- 200,000 students) stay in memory: temp_buffers applies before the session's first temporary table, and
-- every refresh opens its own connection.
SET LOCAL synchronous_commit = off;
SET temp_buffers = '512MB';
