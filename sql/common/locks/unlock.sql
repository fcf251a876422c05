SELECT pg_advisory_unlock(hashtext('lct'), hashtext(%(resource)s));
