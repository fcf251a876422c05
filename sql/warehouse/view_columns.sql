-- Every rollup's columns in order, with their SQL types (the assets' column schema).
SELECT c.relname AS view,
       a.attname AS column_name,
       format_type(a.atttypid, a.atttypmod) AS column_type
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
WHERE c.relnamespace = 'analytics'::regnamespace
  AND c.relkind = 'r'
  AND c.relname = ANY(%(rollups)s)
  AND a.attnum > 0
  AND NOT a.attisdropped
ORDER BY c.relname, a.attnum;
