-- After a bulk load: fresh statistics, so the rollups and raw queries get sensible plans; and VACUUM, which
-- sets the rows' hint bits and the visibility map (as on a platform long in service), so index-only scans
-- skip the heap and the first readers do not rewrite every page.
VACUUM (ANALYZE) platform.subjects, platform.teachers, platform.students, platform.classes,
        platform.class_enrollments, platform.assignments, platform.submissions, platform.attendance;
