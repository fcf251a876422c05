-- Keys and foreign keys of the platform tables, with their definitions, so a bulk load can drop them
-- and rebuild them afterwards (one sort per index and one join per foreign key, instead of a check per row).
-- Foreign keys come first: they depend on the keys they reference.
SELECT t.relname AS table_name, c.conname AS name, pg_get_constraintdef(c.oid) AS definition
FROM pg_constraint c
JOIN pg_class t ON t.oid = c.conrelid
WHERE c.connamespace = 'platform'::regnamespace AND c.contype IN ('f', 'p', 'u')
ORDER BY c.contype = 'f' DESC, t.relname, c.conname;
