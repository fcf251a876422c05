-- Index definitions of every derived relation (see derived_columns.sql).
SELECT i.schemaname AS schema, i.tablename AS view, i.indexdef
FROM pg_indexes i
JOIN pg_namespace n ON n.nspname = i.schemaname
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = i.tablename
WHERE (c.relkind = 'm' AND n.nspname NOT IN ('pg_catalog', 'information_schema'))
   OR (c.relkind = 'r' AND n.nspname = 'analytics')
ORDER BY i.schemaname, i.tablename, i.indexname
