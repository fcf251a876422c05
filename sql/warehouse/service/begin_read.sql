-- First statement of every read transaction: the statement timeout for this transaction only, and the
-- WAL position the data read next is at least as new as (replay position on a replica, current
-- position on the primary). The cache stores a result only if that position is past the last refresh.
SELECT set_config('statement_timeout', %(timeout_ms)s, true) AS timeout,
       CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END::text AS lsn
