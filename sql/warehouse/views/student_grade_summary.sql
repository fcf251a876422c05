-- analytics.student_grade_summary: one row per (student, subject) the student has handed work in for.
--   submission_count   every submission, pending ones included
--   graded_count       submissions with a grade (status graded or returned)
--   avg_grade          mean grade, 2 decimals; NULL while nothing is graded
--   pass_rate          share of graded submissions with grade >= 60, 4 decimals
--   grade_variance     sample variance of the grades, 2 decimals (NULL under two grades): var_samp's
--                      formula on exact integer sums; read by the subject_comparison query
-- Built from analytics.student_class_bands (refresh that first), summed over all bands and the classes
-- of the subject. The unique index (student_id, subject_id) lets it refresh CONCURRENTLY and serves the
-- per-student lookups.
CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.student_grade_summary
    -- no truncation by (auto)vacuum: it takes a lock that readers would queue on
    WITH (vacuum_truncate = false) AS
WITH pairs AS (
    SELECT b.student_id,
           c.subject_id,
           sum(b.submissions) AS submissions,
           sum(b.graded) AS n,
           sum(b.grade_centi) AS sx,
           sum(b.grade_centi_sq) AS sxx,
           sum(b.passed) AS passed
    FROM analytics.student_class_bands b
    JOIN platform.classes c ON c.class_id = b.class_id
    GROUP BY b.student_id, c.subject_id
)
SELECT student_id,
       subject_id,
       submissions::integer AS submission_count,
       n::integer AS graded_count,
       round(sx / (100.0 * nullif(n, 0)), 2) AS avg_grade,
       round(passed::numeric / nullif(n, 0), 4) AS pass_rate,
       round((n::numeric * sxx - sx::numeric * sx) / (10000.0 * nullif(n * (n - 1), 0)), 2) AS grade_variance
FROM pairs
WITH DATA;

CREATE UNIQUE INDEX IF NOT EXISTS ux_student_grade_summary
    ON analytics.student_grade_summary (student_id, subject_id);
CREATE INDEX IF NOT EXISTS ix_student_grade_summary_subject_id
    ON analytics.student_grade_summary (subject_id);
