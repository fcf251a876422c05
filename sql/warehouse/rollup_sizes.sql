-- Each rollup's total size: the refresh scheduler's estimate of what refreshing it costs.
SELECT c.relname, pg_total_relation_size(c.oid)
FROM pg_class c
WHERE c.relnamespace = 'analytics'::regnamespace AND c.relkind = 'm';
