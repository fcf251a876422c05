-- Materialized views already present in the analytics schema.
SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'analytics'::regnamespace AND c.relkind = 'm';
