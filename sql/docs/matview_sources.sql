-- The tables and views each materialized view reads (its rewrite rule's dependencies).
SELECT DISTINCT vn.nspname AS schema, v.relname AS view, d.refobjid::regclass::text AS source
FROM pg_class v
JOIN pg_namespace vn ON vn.oid = v.relnamespace
JOIN pg_rewrite r ON r.ev_class = v.oid
JOIN pg_depend d ON d.objid = r.oid AND d.classid = 'pg_rewrite'::regclass
                AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> v.oid
WHERE v.relkind = 'm' AND vn.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1, 2, 3
