-- Districts of a school year that a calculation run would (re)compute now, with why:
--   inputs_changed    calculated (or found not calculable) before, and the fingerprint of its inputs differs
--                     from the one stored by its last calculation (%(inputs_changed)s: the incremental run's diff,
--                     computed by the caller with lct_pipelines.lct.incremental), or it has calculations but no
--                     stored fingerprint
--   never_calculated  in the directory without any row in lct.lct_calculations for the year, or new since the
--                     last run (%(new)s: in the year's NCES tables without a stored fingerprint)
-- not_calculable_reason: what the inputs lack for any calculation, in the methodology's order (NULL: they
-- suffice; then the district simply awaits a run). staff_fte is the `all` scope's FTE (every detail category
-- except Pre-K teachers). Districts that vanished from the NCES tables need their rows removed, not a
-- calculation, and are not listed.
WITH ids AS (
    SELECT leaid FROM nces.lea_directory WHERE school_year = %(school_year)s
    UNION SELECT unnest(%(inputs_changed)s::text[] || %(new)s::text[])
), staff AS (
    SELECT leaid, sum(fte) FILTER (WHERE category <> %(prek_category)s) AS staff_fte
    FROM nces.lea_staff
    WHERE school_year = %(school_year)s
    GROUP BY leaid
), listed AS (
    SELECT i.leaid,
           EXISTS (
               SELECT 1 FROM lct.lct_calculations c WHERE c.year = %(school_year)s AND c.district_id = i.leaid
           ) AS calculated
    FROM ids i
)
SELECT %(school_year)s::text AS school_year, l.leaid, d.lea_name, d.state,
       e.enrollment_k12::float8 AS enrollment_k12,
       s.staff_fte::float8 AS staff_fte,
       CASE
           WHEN l.leaid = ANY(%(inputs_changed)s::text[]) OR (l.calculated AND l.leaid = ANY(%(new)s::text[]))
               THEN %(reason_inputs_changed)s
           ELSE %(reason_never_calculated)s
       END AS reason,
       CASE
           WHEN d.leaid IS NULL THEN %(not_in_directory)s
           WHEN e.leaid IS NULL THEN %(no_membership)s
           WHEN s.leaid IS NULL THEN %(no_staff)s
           WHEN coalesce(e.enrollment_k12, 0) <= 0 THEN %(zero_enrollment)s
           WHEN coalesce(s.staff_fte, 0) <= 0 THEN %(zero_staff)s
       END AS not_calculable_reason
FROM listed l
LEFT JOIN nces.lea_directory d ON d.school_year = %(school_year)s AND d.leaid = l.leaid
LEFT JOIN nces.lea_enrollment e ON e.school_year = %(school_year)s AND e.leaid = l.leaid
LEFT JOIN staff s ON s.leaid = l.leaid
WHERE NOT l.calculated OR l.leaid = ANY(%(inputs_changed)s::text[] || %(new)s::text[])
ORDER BY d.state, l.leaid
