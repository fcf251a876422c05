SELECT ispopulated FROM pg_matviews WHERE schemaname = %(schema)s AND matviewname = %(name)s
