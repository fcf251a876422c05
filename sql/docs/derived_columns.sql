-- Columns of every derived relation, in order, with their types: the materialized views outside the system
-- schemas and the warehouse's rollup tables (schema analytics: tables no model declares).
SELECT n.nspname AS schema, c.relname AS view, c.relkind::text AS kind, a.attname AS column,
       format_type(a.atttypid, a.atttypmod) AS type, coalesce(obj_description(c.oid, 'pg_class'), '') AS comment
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE (c.relkind = 'm' AND n.nspname NOT IN ('pg_catalog', 'information_schema'))
   OR (c.relkind = 'r' AND n.nspname = 'analytics')
ORDER BY n.nspname, c.relname, a.attnum
