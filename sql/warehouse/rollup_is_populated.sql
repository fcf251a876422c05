-- Whether a rollup holds data (REFRESH ... CONCURRENTLY refuses one that does not); no row: no such view.
SELECT c.relispopulated
FROM pg_class c
WHERE c.relnamespace = 'analytics'::regnamespace AND c.relkind = 'm' AND c.relname = %(name)s;
