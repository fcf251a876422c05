-- analytics.subject_performance: one row per subject (every subject).
--   student_count        distinct students enrolled in a class of the subject
--   avg_grade            mean grade of the subject's graded submissions, 2 decimals
--   excellent_rate       share of graded submissions with grade >= 90, 4 decimals
--   good_rate            share with 75 <= grade < 90
--   below_average_rate   share with grade < 60 (60-75 is "average", in none of the three)
--   graded_count, grade_centi, excellent_count, good_count, below_count   the sums the rates derive from
-- Rates and avg_grade are NULL when nothing is graded. student_count is counted in
-- analytics.subject_students. An incrementally maintained table; unique index on subject_id, and one on
-- avg_grade DESC for rankings.
CREATE TABLE IF NOT EXISTS analytics.subject_performance (
    subject_id integer NOT NULL,
    student_count integer NOT NULL,
    avg_grade numeric GENERATED ALWAYS AS (round(grade_centi / (100.0 * nullif(graded_count, 0)), 2)) STORED,
    excellent_rate numeric GENERATED ALWAYS AS (round(excellent_count::numeric / nullif(graded_count, 0), 4)) STORED,
    good_rate numeric GENERATED ALWAYS AS (round(good_count::numeric / nullif(graded_count, 0), 4)) STORED,
    below_average_rate numeric GENERATED ALWAYS AS (round(below_count::numeric / nullif(graded_count, 0), 4)) STORED,
    graded_count integer NOT NULL,
    grade_centi bigint NOT NULL,
    excellent_count integer NOT NULL,
    good_count integer NOT NULL,
    below_count integer NOT NULL
) WITH (vacuum_truncate = false);

CREATE UNIQUE INDEX IF NOT EXISTS ux_subject_performance
    ON analytics.subject_performance (subject_id);
-- Subjects ranked by their average grade, best first (as the replaced service indexed it).
CREATE INDEX IF NOT EXISTS ix_subject_performance_avg_grade
    ON analytics.subject_performance (avg_grade DESC);
