-- Tables and materialized views already present in the analytics schema, with their kind ('r' or 'm').
SELECT c.relname, c.relkind::text FROM pg_class c
WHERE c.relnamespace = 'analytics'::regnamespace AND c.relkind IN ('r', 'm');
