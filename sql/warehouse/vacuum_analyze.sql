-- After a refresh: set the visibility map (index-only scans) and the planner statistics of the new rows.
-- TRUNCATE false: giving trailing empty pages back needs an ACCESS EXCLUSIVE lock, which readers would queue on.
VACUUM (ANALYZE, TRUNCATE false) {view}
