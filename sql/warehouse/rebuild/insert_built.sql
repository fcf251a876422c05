-- An empty rollup filled from its built rows, in unique-key order (the order they were built in); its indexes
-- stay, so readers are never locked out (a DROP INDEX around the fill would hold the table until the commit).
INSERT INTO {rollup} ({columns}) SELECT {columns} FROM {built}
