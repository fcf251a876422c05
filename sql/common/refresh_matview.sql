-- Plain refresh: takes an ACCESS EXCLUSIVE lock (readers wait); for a view that holds no data yet.
REFRESH MATERIALIZED VIEW {view}
