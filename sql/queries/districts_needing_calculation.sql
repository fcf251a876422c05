-- Districts in the directory of a school year without any row in lct.lct_calculations for that year, with the
-- reason when the inputs explain it, tried in the methodology's order. staff_fte is the `all` scope's FTE (every
-- detail category except Pre-K teachers). NULL reason: the inputs are complete; the district simply has not been
-- calculated (no pipeline run since its inputs landed).
WITH staff AS (
    SELECT leaid, sum(fte) FILTER (WHERE category <> %(prek_category)s) AS staff_fte
    FROM nces.lea_staff
    WHERE school_year = %(school_year)s
    GROUP BY leaid
)
SELECT d.school_year, d.leaid, d.lea_name, d.state,
       e.enrollment_k12::float8 AS enrollment_k12,
       s.staff_fte::float8 AS staff_fte,
       CASE
           WHEN e.leaid IS NULL THEN %(no_membership)s
           WHEN s.leaid IS NULL THEN %(no_staff)s
           WHEN coalesce(e.enrollment_k12, 0) <= 0 THEN %(zero_enrollment)s
           WHEN coalesce(s.staff_fte, 0) <= 0 THEN %(zero_staff)s
       END AS reason
FROM nces.lea_directory d
LEFT JOIN nces.lea_enrollment e ON e.school_year = d.school_year AND e.leaid = d.leaid
LEFT JOIN staff s ON s.leaid = d.leaid
WHERE d.school_year = %(school_year)s
  AND NOT EXISTS (
      SELECT 1 FROM lct.lct_calculations c WHERE c.year = d.school_year AND c.district_id = d.leaid
  )
ORDER BY d.state, d.leaid
