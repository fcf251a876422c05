-- The enrichment campaign's work list, from the live tables (lct.mv_unenriched_districts lags until the next
-- pipeline run, so a district saved a minute ago would be offered again): the districts of one school year's
-- directory (%(school_year)s; NULL: the newest imported) in one state without a bell schedule for the school
-- year being collected (%(collect_year)s, e.g. '2025-26'; NULL: without a bell schedule of any year), largest
-- K-12 enrollment first, ties by leaid. A district without a membership row counts 0 students.
-- %(limit)s NULL: no limit.
WITH chosen AS (
    SELECT coalesce(%(school_year)s::text, (SELECT max(school_year) FROM nces.lea_directory)) AS school_year
)
SELECT d.school_year, d.leaid, d.lea_name, d.state,
       coalesce(e.enrollment_k12, 0)::float8 AS enrollment,
       coalesce(e.enrollment_elementary, 0)::float8 AS enrollment_elementary,
       coalesce(e.enrollment_middle, 0)::float8 AS enrollment_middle,
       coalesce(e.enrollment_high, 0)::float8 AS enrollment_high,
       row_number() OVER (ORDER BY coalesce(e.enrollment_k12, 0) DESC, d.leaid) AS enrollment_rank
FROM nces.lea_directory d
JOIN chosen c ON c.school_year = d.school_year
LEFT JOIN nces.lea_enrollment e ON e.school_year = d.school_year AND e.leaid = d.leaid
WHERE d.state = %(state)s
  AND NOT EXISTS (
      SELECT 1 FROM lct.bell_schedules b
      WHERE b.leaid = d.leaid AND (%(collect_year)s::text IS NULL OR b.year = %(collect_year)s::text)
  )
ORDER BY enrollment_rank
LIMIT %(limit)s
