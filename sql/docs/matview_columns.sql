-- Columns of every materialized view outside the system schemas, in order, with their types.
SELECT n.nspname AS schema, c.relname AS view, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
       coalesce(obj_description(c.oid, 'pg_class'), '') AS comment
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relkind = 'm' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY n.nspname, c.relname, a.attnum
