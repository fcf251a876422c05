-- attendance_vs_grades: students bucketed by attendance rate, with the grades of each bucket.
-- Parameters: limit, offset (ten rows at most).
-- Reads analytics.student_attendance_grades. Attendance rate = (present + late) / sessions that are not
-- excused; bucket b holds rates in [b/10, (b+1)/10), bucket 9 also 100 per cent. Students whose every
-- session was excused, or with no attendance, are in no bucket. avg_grade and pass_rate weigh every
-- graded submission of the bucket's students equally (all time).
-- Columns: bucket (0..9, always ten rows), rate_from, rate_to, student_count, graded_count, avg_grade,
-- pass_rate; by bucket.
WITH per_bucket AS (
    SELECT attendance_bucket AS bucket,
           count(*) AS students,
           sum(graded_count) AS graded,
           sum(grade_centi) AS grade_centi,
           sum(pass_count) AS passed
    FROM analytics.student_attendance_grades
    WHERE attendance_bucket IS NOT NULL
    GROUP BY attendance_bucket
)
SELECT b.bucket,
       (b.bucket / 10.0)::numeric(3, 1) AS rate_from,
       ((b.bucket + 1) / 10.0)::numeric(3, 1) AS rate_to,
       coalesce(p.students, 0)::integer AS student_count,
       coalesce(p.graded, 0)::integer AS graded_count,
       round(p.grade_centi / (100.0 * nullif(p.graded, 0)), 2) AS avg_grade,
       round(p.passed::numeric / nullif(p.graded, 0), 4) AS pass_rate
FROM generate_series(0, 9) AS b (bucket)
LEFT JOIN per_bucket p ON p.bucket = b.bucket
ORDER BY b.bucket
LIMIT %(limit)s OFFSET %(offset)s;
