-- A rollup's indexes (dropped around its first fill; its SQL file creates them again).
SELECT indexname FROM pg_indexes WHERE schemaname = 'analytics' AND tablename = %(name)s
