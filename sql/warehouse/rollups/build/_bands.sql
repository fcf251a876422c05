-- The full rebuild's one scan of the submissions for the grade rollups: a temporary table with one row per
-- (student, class, band) as of %(as_of)s. band is the narrowest window holding the UTC day d of
-- submitted_at: 7, 30, 90 or 365 when d > today - band (today = UTC date of as_of), 0 when older.
-- Eight rollups are built from it instead of scanning the submissions eight times.
CREATE TEMP TABLE full_bands ON COMMIT DROP AS
WITH bounds AS MATERIALIZED (
    SELECT (t.today - 6)::timestamp AT TIME ZONE 'UTC' AS b7,
           (t.today - 29)::timestamp AT TIME ZONE 'UTC' AS b30,
           (t.today - 89)::timestamp AT TIME ZONE 'UTC' AS b90,
           (t.today - 364)::timestamp AT TIME ZONE 'UTC' AS b365
    FROM (SELECT (%(as_of)s::timestamptz AT TIME ZONE 'UTC')::date AS today) t
)
SELECT s.student_id,
       a.class_id,
       CASE WHEN s.submitted_at >= b.b7 THEN 7
            WHEN s.submitted_at >= b.b30 THEN 30
            WHEN s.submitted_at >= b.b90 THEN 90
            WHEN s.submitted_at >= b.b365 THEN 365
            ELSE 0 END AS band,
       count(*) AS submissions,
       count(s.grade) AS graded,
       coalesce(sum(x.centi), 0) AS centi,
       coalesce(sum(x.centi::bigint * x.centi), 0) AS centi_sq,
       count(*) FILTER (WHERE s.grade >= 60) AS passed,
       count(*) FILTER (WHERE s.grade >= 90) AS excellent,
       count(*) FILTER (WHERE s.grade >= 75 AND s.grade < 90) AS good
FROM platform.submissions s
JOIN platform.assignments a ON a.assignment_id = s.assignment_id
CROSS JOIN bounds b
CROSS JOIN LATERAL (SELECT (s.grade * 100)::integer AS centi) x
GROUP BY 1, 2, 3;
ANALYZE full_bands;
