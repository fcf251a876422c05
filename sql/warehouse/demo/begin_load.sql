-- Start of a demo load, inside its transaction: timestamps in the CSV are UTC, and every platform
-- table is emptied first (same transaction as the COPYs, so a failed load changes nothing).
SET LOCAL timezone = 'UTC';
TRUNCATE platform.attendance, platform.submissions, platform.assignments, platform.class_enrollments,
         platform.classes, platform.students, platform.teachers, platform.subjects;
