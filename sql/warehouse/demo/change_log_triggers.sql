-- The change-log insert triggers (migration 0004) off for a demo load's COPYs, inside its transaction:
-- the load starts with TRUNCATE, which logs a reset (the next refresh rebuilds everything), so logging
-- the 20 M inserted keys would be work for nothing. The placeholder is ENABLE or DISABLE.
ALTER TABLE platform.subjects {action} TRIGGER warehouse_log_insert;
ALTER TABLE platform.teachers {action} TRIGGER warehouse_log_insert;
ALTER TABLE platform.students {action} TRIGGER warehouse_log_insert;
ALTER TABLE platform.classes {action} TRIGGER warehouse_log_insert;
ALTER TABLE platform.class_enrollments {action} TRIGGER warehouse_log_insert;
ALTER TABLE platform.assignments {action} TRIGGER warehouse_log_insert;
ALTER TABLE platform.submissions {action} TRIGGER warehouse_log_insert;
ALTER TABLE platform.attendance {action} TRIGGER warehouse_log_insert;
