INSERT INTO {target} ({columns}) SELECT {columns} FROM {staging};
DROP TABLE {staging};
