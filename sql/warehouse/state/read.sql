-- The reference time the rollups stand at (no row: never refreshed, or cleared), and now() for a default.
SELECT (SELECT as_of FROM analytics.refresh_state), now();
