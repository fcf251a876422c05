-- Readers keep reading the old rows meanwhile (needs the view's unique index and existing data).
REFRESH MATERIALIZED VIEW CONCURRENTLY {view}
