-- CSV whose NULL is an unquoted empty field and whose strings are all quoted (Arrow's writer): "" stays "".
COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)
