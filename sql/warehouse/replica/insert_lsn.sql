-- Where the primary's WAL ends, written to disk or not: with asynchronous commits a transaction that just
-- committed may still be in the WAL buffers, past pg_current_wal_lsn() (the write position). Waiting for the
-- replica to replay this far waits for every committed transaction (the WAL writer flushes within 200 ms).
SELECT pg_current_wal_insert_lsn()::text
