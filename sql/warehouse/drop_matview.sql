-- A rollup of an earlier version, a materialized view: replaced by an incrementally maintained table.
DROP MATERIALIZED VIEW IF EXISTS {view} CASCADE
