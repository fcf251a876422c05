-- Fresh statistics after a bulk load, so the rollups and raw queries get sensible plans.
ANALYZE platform.subjects, platform.teachers, platform.students, platform.classes,
        platform.class_enrollments, platform.assignments, platform.submissions, platform.attendance;
