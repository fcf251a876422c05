-- A rollup's columns that a build writes (generated columns are computed by the server), in table order.
SELECT a.attname
FROM pg_attribute a
WHERE a.attrelid = %(relation)s::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
ORDER BY a.attnum;
