-- Bulk load of one platform table from CSV; an unquoted empty field is NULL (pyarrow writes nulls that way).
COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)
