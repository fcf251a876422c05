-- Every rollup (analytics) and platform table with its total size (heap, indexes, TOAST) and the
-- planner's row estimate (-1: never analysed or vacuumed).
SELECT n.nspname AS schema,
       c.relname AS name,
       'table' AS kind,
       c.reltuples::bigint AS estimated_rows,
       pg_total_relation_size(c.oid) AS total_bytes,
       pg_size_pretty(pg_total_relation_size(c.oid)) AS total_size
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE (n.nspname = 'analytics' AND c.relkind = 'r' AND c.relname = ANY(%(rollups)s))
   OR (n.nspname = 'platform' AND c.relkind IN ('r', 'p'))
ORDER BY n.nspname, c.relname;
