-- analytics.subject_performance: one row per subject (every subject).
--   student_count        distinct students enrolled in a class of the subject
--   avg_grade            mean grade of the subject's graded submissions, 2 decimals
--   excellent_rate       share of graded submissions with grade >= 90, 4 decimals
--   good_rate            share with 75 <= grade < 90
--   below_average_rate   share with grade < 60 (60-75 is "average", in none of the three)
-- Rates and avg_grade are NULL when nothing is graded. Built from analytics.student_class_bands (refresh
-- that first). Unique index on subject_id for CONCURRENTLY, and one on avg_grade DESC for rankings.
CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.subject_performance
    -- no truncation by (auto)vacuum: it takes a lock that readers would queue on
    WITH (vacuum_truncate = false) AS
WITH students AS (
    SELECT c.subject_id, count(DISTINCT e.student_id) AS student_count
    FROM platform.class_enrollments e
    JOIN platform.classes c ON c.class_id = e.class_id
    GROUP BY c.subject_id
), grades AS (
    SELECT c.subject_id,
           sum(b.graded) AS graded,
           sum(b.grade_centi) AS grade_centi,
           sum(b.excellent) AS excellent,
           sum(b.good) AS good,
           sum(b.graded - b.passed) AS below_average
    FROM analytics.student_class_bands b
    JOIN platform.classes c ON c.class_id = b.class_id
    GROUP BY c.subject_id
)
SELECT sub.subject_id,
       coalesce(st.student_count, 0)::integer AS student_count,
       round(g.grade_centi / (100.0 * nullif(g.graded, 0)), 2) AS avg_grade,
       round(g.excellent::numeric / nullif(g.graded, 0), 4) AS excellent_rate,
       round(g.good::numeric / nullif(g.graded, 0), 4) AS good_rate,
       round(g.below_average::numeric / nullif(g.graded, 0), 4) AS below_average_rate
FROM platform.subjects sub
LEFT JOIN students st ON st.subject_id = sub.subject_id
LEFT JOIN grades g ON g.subject_id = sub.subject_id
WITH DATA;

CREATE UNIQUE INDEX IF NOT EXISTS ux_subject_performance
    ON analytics.subject_performance (subject_id);
-- Subjects ranked by their average grade, best first (as the replaced service indexed it).
CREATE INDEX IF NOT EXISTS ix_subject_performance_avg_grade
    ON analytics.subject_performance (avg_grade DESC);
