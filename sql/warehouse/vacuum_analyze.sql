-- After a full rebuild: reclaim the replaced rows, set the visibility map (index-only scans) and the planner
-- statistics. TRUNCATE false: giving trailing empty pages back needs an ACCESS EXCLUSIVE lock, which readers
-- would queue on.
VACUUM (ANALYZE, TRUNCATE false) {view}
