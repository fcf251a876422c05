-- analytics.student_class_bands (internal base rollup: no query reads it; five rollups are built from it,
-- so the 2,000,000 submissions are scanned and joined once instead of five times per refresh).
-- One row per (student, class, band_days). band_days is the narrowest window holding the UTC day d of
-- submitted_at: 7, 30, 90 or 365 when d > today - band_days (today = UTC date at refresh time),
-- 0 when older than 365 days. The window of N days is then the bands 1..N; all time is every band.
--   submissions, graded            counts (graded: grade present)
--   grade_centi, grade_centi_sq    sums of grade * 100 and of its square, integers: exact and fast
--   passed, excellent, good        graded with grade >= 60, >= 90, in [75, 90)
-- Unique index (student_id, class_id, band_days) so it could refresh CONCURRENTLY; WarehouseService
-- refreshes it plainly (nothing reads it while it refreshes, and it is ~2x faster).
CREATE MATERIALIZED VIEW IF NOT EXISTS analytics.student_class_bands
    -- no truncation by (auto)vacuum: it takes a lock that readers would queue on
    WITH (vacuum_truncate = false) AS
WITH bounds AS MATERIALIZED (
    -- The band edges as instants, computed once (MATERIALIZED: not re-evaluated per row); comparing
    -- timestamps is cheaper than dating every row.
    SELECT (t.today - 6)::timestamp AT TIME ZONE 'UTC' AS b7,
           (t.today - 29)::timestamp AT TIME ZONE 'UTC' AS b30,
           (t.today - 89)::timestamp AT TIME ZONE 'UTC' AS b90,
           (t.today - 364)::timestamp AT TIME ZONE 'UTC' AS b365
    FROM (SELECT (now() AT TIME ZONE 'UTC')::date AS today) t
)
SELECT s.student_id,
       a.class_id,
       CASE WHEN s.submitted_at >= b.b7 THEN 7
            WHEN s.submitted_at >= b.b30 THEN 30
            WHEN s.submitted_at >= b.b90 THEN 90
            WHEN s.submitted_at >= b.b365 THEN 365
            ELSE 0 END AS band_days,
       count(*)::integer AS submissions,
       count(s.grade)::integer AS graded,
       coalesce(sum(x.centi), 0)::bigint AS grade_centi,
       coalesce(sum(x.centi::bigint * x.centi), 0)::bigint AS grade_centi_sq,
       count(*) FILTER (WHERE s.grade >= 60)::integer AS passed,
       count(*) FILTER (WHERE s.grade >= 90)::integer AS excellent,
       count(*) FILTER (WHERE s.grade >= 75 AND s.grade < 90)::integer AS good
FROM platform.submissions s
JOIN platform.assignments a ON a.assignment_id = s.assignment_id
CROSS JOIN bounds b
CROSS JOIN LATERAL (SELECT (s.grade * 100)::integer AS centi) x
GROUP BY 1, 2, 3
WITH DATA;

CREATE UNIQUE INDEX IF NOT EXISTS ux_student_class_bands
    ON analytics.student_class_bands (student_id, class_id, band_days);
