-- Students per window and attendance bucket, from the built per-student rows.
SELECT w.window_days, w.bucket, count(*), sum(w.graded), sum(w.centi), sum(w.passed)
FROM built_student_attendance_windows s
CROSS JOIN LATERAL (VALUES
    -- the generated bucket_<N> of analytics.student_attendance_windows, from the built rows
    (7, CASE WHEN s.counted_7 > 0 THEN least(10 * s.attended_7 / s.counted_7, 9) END, s.graded_7, s.centi_7,
     s.passed_7),
    (30, CASE WHEN s.counted_30 > 0 THEN least(10 * s.attended_30 / s.counted_30, 9) END, s.graded_30, s.centi_30,
     s.passed_30),
    (90, CASE WHEN s.counted_90 > 0 THEN least(10 * s.attended_90 / s.counted_90, 9) END, s.graded_90, s.centi_90,
     s.passed_90),
    (365, CASE WHEN s.counted_365 > 0 THEN least(10 * s.attended_365 / s.counted_365, 9) END, s.graded_365, s.centi_365,
     s.passed_365)
) AS w (window_days, bucket, graded, centi, passed)
WHERE w.bucket IS NOT NULL
GROUP BY w.window_days, w.bucket
