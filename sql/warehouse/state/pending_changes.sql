-- Logged changes no refresh has taken yet.
SELECT (SELECT count(*) FROM warehouse_log.subjects) + (SELECT count(*) FROM warehouse_log.teachers)
       + (SELECT count(*) FROM warehouse_log.students) + (SELECT count(*) FROM warehouse_log.classes)
       + (SELECT count(*) FROM warehouse_log.class_enrollments) + (SELECT count(*) FROM warehouse_log.assignments)
       + (SELECT count(*) FROM warehouse_log.submissions) + (SELECT count(*) FROM warehouse_log.attendance)
       + (SELECT count(*) FROM warehouse_log.resets);
