-- attendance_vs_grades: students bucketed by attendance rate over a recent window, with the grades of each
-- bucket in that window.
-- Parameters: days_back (one of the rollup's windows 7, 30, 90, 365: UTC days d > today - days_back, today
-- being the date of the last refresh), limit, offset (ten rows at most).
-- Reads analytics.student_attendance_grades (ten rows of one window, through its unique index). Attendance
-- rate = (present + late) / sessions that are not excused, in the window; bucket b holds rates in
-- [b/10, (b+1)/10), bucket 9 also 100 per cent. Students whose every session in the window was excused, or
-- with none, are in no bucket. avg_grade and pass_rate weigh every graded submission of the bucket's
-- students in the window equally.
-- Columns: bucket (0..9, always ten rows), rate_from, rate_to, student_count, graded_count, avg_grade,
-- pass_rate; by bucket.
SELECT b.bucket,
       (b.bucket / 10.0)::numeric(3, 1) AS rate_from,
       ((b.bucket + 1) / 10.0)::numeric(3, 1) AS rate_to,
       coalesce(p.student_count, 0)::integer AS student_count,
       coalesce(p.graded_count, 0)::integer AS graded_count,
       round(p.grade_centi / (100.0 * nullif(p.graded_count, 0)), 2) AS avg_grade,
       round(p.pass_count::numeric / nullif(p.graded_count, 0), 4) AS pass_rate
FROM generate_series(0, 9) AS b (bucket)
LEFT JOIN analytics.student_attendance_grades p
       ON p.window_days = %(days_back)s AND p.attendance_bucket = b.bucket
ORDER BY b.bucket
LIMIT %(limit)s OFFSET %(offset)s;
