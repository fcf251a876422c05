-- The primary's WAL position, read after a refresh committed: its insert position, so everything before it
-- includes the refresh even though the refresh commits asynchronously (its commit record may still be in the
-- WAL buffers, past pg_current_wal_lsn(); the WAL writer flushes it within wal_writer_delay, 200 ms).
SELECT pg_current_wal_insert_lsn()::text
