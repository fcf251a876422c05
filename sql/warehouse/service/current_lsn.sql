-- The primary's WAL position: read after a refresh committed, everything before it includes the refresh.
SELECT pg_current_wal_lsn()::text
