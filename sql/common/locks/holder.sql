-- Who holds the lock on a resource: the application name its session gave (it says which run and step).
SELECT a.application_name, a.pid
FROM pg_catalog.pg_locks l
JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted
  AND l.classid = hashtext('lct')::oid AND l.objid = hashtext(%(resource)s)::oid AND l.objsubid = 2
LIMIT 1;
