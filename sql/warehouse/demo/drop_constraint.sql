ALTER TABLE {table} DROP CONSTRAINT {constraint}
