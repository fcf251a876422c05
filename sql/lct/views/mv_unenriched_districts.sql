-- Districts of the newest school year without any bell schedule, ranked by K-12 enrollment within
-- their state (rank 1 = largest): the enrichment campaign's work list.
CREATE MATERIALIZED VIEW IF NOT EXISTS lct.mv_unenriched_districts AS
WITH latest AS (
    SELECT max(school_year) AS school_year FROM nces.lea_directory
)
SELECT d.school_year, d.leaid, d.lea_name, d.state,
       coalesce(e.enrollment_k12, 0) AS enrollment,
       row_number() OVER (PARTITION BY d.state ORDER BY coalesce(e.enrollment_k12, 0) DESC, d.leaid)
           AS enrollment_rank_in_state
FROM nces.lea_directory d
JOIN latest l ON l.school_year = d.school_year
LEFT JOIN nces.lea_enrollment e ON e.school_year = d.school_year AND e.leaid = d.leaid
WHERE NOT EXISTS (SELECT 1 FROM lct.bell_schedules b WHERE b.leaid = d.leaid);

CREATE UNIQUE INDEX IF NOT EXISTS ux_mv_unenriched_districts ON lct.mv_unenriched_districts (leaid);
CREATE INDEX IF NOT EXISTS ix_mv_unenriched_districts_rank
    ON lct.mv_unenriched_districts (state, enrollment_rank_in_state);
