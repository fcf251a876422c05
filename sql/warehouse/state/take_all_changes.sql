-- A full rebuild reads the platform as it is: every logged change its snapshot sees is in it already.
WITH s AS (DELETE FROM warehouse_log.subjects RETURNING 1), t AS (DELETE FROM warehouse_log.teachers RETURNING 1),
     st AS (DELETE FROM warehouse_log.students RETURNING 1), c AS (DELETE FROM warehouse_log.classes RETURNING 1),
     e AS (DELETE FROM warehouse_log.class_enrollments RETURNING 1),
     a AS (DELETE FROM warehouse_log.assignments RETURNING 1),
     sub AS (DELETE FROM warehouse_log.submissions RETURNING 1),
     att AS (DELETE FROM warehouse_log.attendance RETURNING 1)
SELECT (SELECT count(*) FROM s) + (SELECT count(*) FROM t) + (SELECT count(*) FROM st) + (SELECT count(*) FROM c)
       + (SELECT count(*) FROM e) + (SELECT count(*) FROM a) + (SELECT count(*) FROM sub)
       + (SELECT count(*) FROM att);
