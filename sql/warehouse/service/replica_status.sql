-- Measured on the replica: is it a standby, what it received and replayed, how old the last
-- replayed transaction is (NULL before the first replay), and the WAL page size.
SELECT pg_is_in_recovery() AS in_recovery,
       pg_last_wal_receive_lsn()::text AS receive_lsn,
       pg_last_wal_replay_lsn()::text AS replay_lsn,
       extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS replay_age_seconds,
       current_setting('wal_block_size')::integer AS wal_block_size
