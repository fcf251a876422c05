COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)
