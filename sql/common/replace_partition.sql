-- Swap one partition (e.g. one school year) of {target} for the staged rows; runs inside the caller's
-- transaction, so readers see the old rows until the commit and never a half-loaded year.
DELETE FROM {target} WHERE {partition_column} = %(partition_value)s;
INSERT INTO {target} ({columns}) SELECT {columns} FROM {staging};
DROP TABLE {staging};
