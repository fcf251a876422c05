-- One writer per thing (a school year's rows, its exports, the shared inputs): a session-level advisory lock,
-- released by pg_advisory_unlock or, if the process dies, when its connection closes. True when taken now.
SELECT pg_try_advisory_lock(hashtext('lct'), hashtext(%(resource)s));
