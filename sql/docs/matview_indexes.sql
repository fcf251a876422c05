-- Index definitions of every materialized view outside the system schemas.
SELECT m.schemaname AS schema, m.matviewname AS view, i.indexdef
FROM pg_matviews m
JOIN pg_indexes i ON i.schemaname = m.schemaname AND i.tablename = m.matviewname
WHERE m.schemaname NOT IN ('pg_catalog', 'information_schema')
ORDER BY m.schemaname, m.matviewname, i.indexname
