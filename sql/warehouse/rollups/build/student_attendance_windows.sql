-- Per student, attendance (sessions that count: not excused) and graded submissions in each window; students
-- with neither in the last 365 days have no row.
WITH today AS MATERIALIZED (
    SELECT (%(as_of)s::timestamptz AT TIME ZONE 'UTC')::date AS d
), attendance AS (
    SELECT a.student_id,
           count(*) FILTER (WHERE a.date > t.d - 7) AS counted_7,
           count(*) FILTER (WHERE a.date > t.d - 7 AND a.status IN ('present', 'late')) AS attended_7,
           count(*) FILTER (WHERE a.date > t.d - 30) AS counted_30,
           count(*) FILTER (WHERE a.date > t.d - 30 AND a.status IN ('present', 'late')) AS attended_30,
           count(*) FILTER (WHERE a.date > t.d - 90) AS counted_90,
           count(*) FILTER (WHERE a.date > t.d - 90 AND a.status IN ('present', 'late')) AS attended_90,
           count(*) FILTER (WHERE a.date > t.d - 365) AS counted_365,
           count(*) FILTER (WHERE a.date > t.d - 365 AND a.status IN ('present', 'late')) AS attended_365
    FROM platform.attendance a
    CROSS JOIN today t
    WHERE a.date > t.d - 365 AND a.status <> 'excused'
    GROUP BY a.student_id
), grades AS (
    SELECT b.student_id,
           sum(b.graded) FILTER (WHERE b.band = 7) AS graded_7,
           sum(b.centi) FILTER (WHERE b.band = 7) AS centi_7,
           sum(b.passed) FILTER (WHERE b.band = 7) AS passed_7,
           sum(b.graded) FILTER (WHERE b.band IN (7, 30)) AS graded_30,
           sum(b.centi) FILTER (WHERE b.band IN (7, 30)) AS centi_30,
           sum(b.passed) FILTER (WHERE b.band IN (7, 30)) AS passed_30,
           sum(b.graded) FILTER (WHERE b.band IN (7, 30, 90)) AS graded_90,
           sum(b.centi) FILTER (WHERE b.band IN (7, 30, 90)) AS centi_90,
           sum(b.passed) FILTER (WHERE b.band IN (7, 30, 90)) AS passed_90,
           sum(b.graded) FILTER (WHERE b.band > 0) AS graded_365,
           sum(b.centi) FILTER (WHERE b.band > 0) AS centi_365,
           sum(b.passed) FILTER (WHERE b.band > 0) AS passed_365
    FROM full_bands b
    WHERE b.band > 0 AND b.graded > 0
    GROUP BY b.student_id
)
SELECT coalesce(a.student_id, g.student_id),
       coalesce(a.counted_7, 0), coalesce(a.attended_7, 0), coalesce(g.graded_7, 0), coalesce(g.centi_7, 0),
       coalesce(g.passed_7, 0),
       coalesce(a.counted_30, 0), coalesce(a.attended_30, 0), coalesce(g.graded_30, 0), coalesce(g.centi_30, 0),
       coalesce(g.passed_30, 0),
       coalesce(a.counted_90, 0), coalesce(a.attended_90, 0), coalesce(g.graded_90, 0), coalesce(g.centi_90, 0),
       coalesce(g.passed_90, 0),
       coalesce(a.counted_365, 0), coalesce(a.attended_365, 0), coalesce(g.graded_365, 0), coalesce(g.centi_365, 0),
       coalesce(g.passed_365, 0)
FROM attendance a
FULL JOIN grades g ON g.student_id = a.student_id
