-- Plain refresh: takes an ACCESS EXCLUSIVE lock; used only for a view that was never populated.
REFRESH MATERIALIZED VIEW {view}
