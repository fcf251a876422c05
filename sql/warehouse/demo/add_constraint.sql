-- {definition} is pg_get_constraintdef() output read from this database's own catalog.
ALTER TABLE {table} ADD CONSTRAINT {constraint} {definition}
