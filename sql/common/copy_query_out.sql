COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER true)
