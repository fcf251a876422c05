-- Record what the rollups now stand at (in the refresh's transaction).
INSERT INTO analytics.refresh_state (singleton, as_of, kind, refreshed_at, seconds, changes)
VALUES (true, %(as_of)s, %(kind)s, clock_timestamp(), %(seconds)s, %(changes)s)
ON CONFLICT (singleton) DO UPDATE SET as_of = excluded.as_of, kind = excluded.kind,
    refreshed_at = excluded.refreshed_at, seconds = excluded.seconds, changes = excluded.changes;
