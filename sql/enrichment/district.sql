-- One district as the enrichment tool shows it: its newest directory row and that year's enrollment bands
-- (0 without a membership row).
SELECT d.school_year, d.leaid, d.lea_name, d.state,
       coalesce(e.enrollment_k12, 0)::float8 AS enrollment,
       coalesce(e.enrollment_elementary, 0)::float8 AS enrollment_elementary,
       coalesce(e.enrollment_middle, 0)::float8 AS enrollment_middle,
       coalesce(e.enrollment_high, 0)::float8 AS enrollment_high,
       NULL::int8 AS enrollment_rank
FROM nces.lea_directory d
LEFT JOIN nces.lea_enrollment e ON e.school_year = d.school_year AND e.leaid = d.leaid
WHERE d.leaid = %(leaid)s
ORDER BY d.school_year DESC
LIMIT 1
