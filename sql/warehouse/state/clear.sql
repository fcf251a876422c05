-- Forget what the rollups were last brought to: the next refresh rebuilds everything.
DELETE FROM analytics.refresh_state;
