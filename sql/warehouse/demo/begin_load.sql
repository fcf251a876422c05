-- Empty every platform table before a demo load (same transaction as the COPYs, so a failed load changes nothing).
TRUNCATE platform.attendance, platform.submissions, platform.assignments, platform.class_enrollments,
         platform.classes, platform.students, platform.teachers, platform.subjects;
