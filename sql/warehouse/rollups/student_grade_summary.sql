-- analytics.student_grade_summary: one row per (student, subject) the student has handed work in for.
--   submission_count   every submission, pending ones included
--   graded_count       submissions with a grade (status graded or returned)
--   avg_grade          mean grade, 2 decimals; NULL while nothing is graded
--   pass_rate          share of graded submissions with grade >= 60, 4 decimals
--   grade_variance     sample variance of the grades, 2 decimals (NULL under two grades): var_samp's
--                      formula on exact integer sums; read by the subject_comparison query
--   grade_centi, grade_centi_sq, passed_count   the sums the three above derive from (generated columns),
--                      so a change adds to them instead of rescanning the student's history
-- An incrementally maintained table (lct_pipelines/warehouse/incremental.py): the unique index
-- (student_id, subject_id) is the upsert's key and serves the per-student lookups.
CREATE TABLE IF NOT EXISTS analytics.student_grade_summary (
    student_id integer NOT NULL,
    subject_id integer NOT NULL,
    submission_count integer NOT NULL,
    graded_count integer NOT NULL,
    avg_grade numeric GENERATED ALWAYS AS (round(grade_centi / (100.0 * nullif(graded_count, 0)), 2)) STORED,
    pass_rate numeric GENERATED ALWAYS AS (round(passed_count::numeric / nullif(graded_count, 0), 4)) STORED,
    grade_variance numeric GENERATED ALWAYS AS (
        round((graded_count::numeric * grade_centi_sq - grade_centi::numeric * grade_centi)
              / (10000.0 * nullif(graded_count::bigint * (graded_count - 1), 0)), 2)) STORED,
    grade_centi bigint NOT NULL,
    grade_centi_sq bigint NOT NULL,
    passed_count integer NOT NULL
) WITH (fillfactor = 90, vacuum_truncate = false);

CREATE UNIQUE INDEX IF NOT EXISTS ux_student_grade_summary
    ON analytics.student_grade_summary (student_id, subject_id);
CREATE INDEX IF NOT EXISTS ix_student_grade_summary_subject_id
    ON analytics.student_grade_summary (subject_id);
