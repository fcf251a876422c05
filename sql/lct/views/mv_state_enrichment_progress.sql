-- Campaign progress per state over the newest school year in the directory: districts, those with a
-- bell schedule, the share, enrollment, and `complete` once 3 districts are enriched.
CREATE MATERIALIZED VIEW IF NOT EXISTS lct.mv_state_enrichment_progress AS
WITH latest AS (
    SELECT max(school_year) AS school_year FROM nces.lea_directory
), districts AS (
    SELECT d.state, d.leaid, coalesce(e.enrollment_k12, 0) AS enrollment,
           EXISTS (SELECT 1 FROM lct.bell_schedules b WHERE b.leaid = d.leaid) AS enriched
    FROM nces.lea_directory d
    JOIN latest l ON l.school_year = d.school_year
    LEFT JOIN nces.lea_enrollment e ON e.school_year = d.school_year AND e.leaid = d.leaid
)
SELECT (SELECT school_year FROM latest) AS school_year,
       state,
       count(*) AS total_districts,
       count(*) FILTER (WHERE enriched) AS enriched_districts,
       round(100.0 * count(*) FILTER (WHERE enriched) / count(*), 2) AS percent_enriched,
       sum(enrollment) AS total_enrollment,
       sum(enrollment) FILTER (WHERE enriched) AS enriched_enrollment,
       count(*) FILTER (WHERE enriched) >= 3 AS complete
FROM districts
GROUP BY state;

CREATE UNIQUE INDEX IF NOT EXISTS ux_mv_state_enrichment_progress ON lct.mv_state_enrichment_progress (state);
