-- analytics.class_progress_summary: one row per class (a class has exactly one subject, carried along).
--   student_count            students enrolled in the class
--   avg_grade, pass_rate     over the class's graded submissions (pass: grade >= 60), 2 and 4 decimals;
--                            NULL when nothing is graded
--   recent_submission_rate   share of the enrolled students who handed in something for the class in the
--                            last 7 days (UTC days d > today - 7, today = UTC date at refresh time, the
--                            same day-based windows as every rollup), 4 decimals; NULL when nobody is enrolled
-- Built from analytics.student_class_bands (refresh that first). Unique index on class_id (the grain;
-- subject_id depends on it) for CONCURRENTLY.
CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.class_progress_summary
    -- no truncation by (auto)vacuum: it takes a lock that readers would queue on
    WITH (vacuum_truncate = false) AS
WITH enrolled AS (
    SELECT class_id, count(*) AS student_count
    FROM platform.class_enrollments
    GROUP BY class_id
), grades AS (
    SELECT b.class_id,
           sum(b.graded) AS graded,
           sum(b.grade_centi) AS grade_centi,
           sum(b.passed) AS passed
    FROM analytics.student_class_bands b
    GROUP BY b.class_id
), recent AS (
    SELECT b.class_id, count(*) AS submitters
    FROM analytics.student_class_bands b
    JOIN platform.class_enrollments e ON e.class_id = b.class_id AND e.student_id = b.student_id
    WHERE b.band_days = 7
    GROUP BY b.class_id
)
SELECT c.class_id,
       c.subject_id,
       coalesce(e.student_count, 0)::integer AS student_count,
       round(g.grade_centi / (100.0 * nullif(g.graded, 0)), 2) AS avg_grade,
       round(g.passed::numeric / nullif(g.graded, 0), 4) AS pass_rate,
       round(coalesce(r.submitters, 0)::numeric / nullif(e.student_count, 0), 4) AS recent_submission_rate
FROM platform.classes c
LEFT JOIN enrolled e ON e.class_id = c.class_id
LEFT JOIN grades g ON g.class_id = c.class_id
LEFT JOIN recent r ON r.class_id = c.class_id
WITH DATA;

CREATE UNIQUE INDEX IF NOT EXISTS ux_class_progress_summary
    ON analytics.class_progress_summary (class_id);
CREATE INDEX IF NOT EXISTS ix_class_progress_summary_subject_id
    ON analytics.class_progress_summary (subject_id);
