-- Swap every row of {target} for the staged rows (DELETE, not TRUNCATE: readers are never blocked).
DELETE FROM {target};
INSERT INTO {target} ({columns}) SELECT {columns} FROM {staging};
DROP TABLE {staging};
