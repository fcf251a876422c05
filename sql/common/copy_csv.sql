COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\N')
