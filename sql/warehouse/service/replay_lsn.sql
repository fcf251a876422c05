-- How far the replica has replayed (NULL on a server that is not in recovery).
SELECT pg_last_wal_replay_lsn()::text
