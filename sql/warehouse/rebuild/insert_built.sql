-- An empty rollup filled from its built rows, in unique-key order.
INSERT INTO {rollup} ({columns}) SELECT {columns} FROM {built}
