-- Wait for the writer that holds the lock (see try_lock.sql) to finish, then take it.
SELECT pg_advisory_lock(hashtext('lct'), hashtext(%(resource)s));
