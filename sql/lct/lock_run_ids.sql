-- Calculation run ids are start seconds: two runs (of any years) starting in the same second would both find
-- an id free and collide on insert. Taken in the transaction that picks and inserts the id, until it commits.
SELECT pg_advisory_xact_lock(hashtext('lct'), hashtext('calculation run ids'));
