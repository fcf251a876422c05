-- Whether a materialized view holds data (REFRESH ... CONCURRENTLY refuses one that does not); no row: no such view.
SELECT ispopulated FROM pg_matviews WHERE schemaname = %(schema)s AND matviewname = %(name)s
