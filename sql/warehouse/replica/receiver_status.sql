-- On a replica: the WAL receiver's state ('streaming' once connected to the primary); no row before it starts.
SELECT status FROM pg_stat_wal_receiver
