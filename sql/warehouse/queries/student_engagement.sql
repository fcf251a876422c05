-- student_engagement: how regularly students hand work in over a recent window.
-- Parameters: student_id (NULL: every student with a submission in the window), days_back (one of 7, 30,
-- 90, 365: UTC days d > today - days_back, today being the date of the last refresh), limit, offset.
-- Reads analytics.student_engagement_windows (ix_student_engagement_windows_ranked for the list).
-- Columns: student_id, student_name, active_days (days with a submission), active_share (active_days /
-- days_back), submission_count, mean_days_between (mean gap between consecutive submissions, days;
-- NULL under two submissions); most active first, then student_id.
WITH ranked AS (
    SELECT e.student_id, e.active_days, e.active_share, e.submission_count, e.mean_days_between
    FROM analytics.student_engagement_windows e
    WHERE e.window_days = %(days_back)s
      AND (%(student_id)s::integer IS NULL OR e.student_id = %(student_id)s)
    ORDER BY e.active_days DESC, e.student_id
    LIMIT %(limit)s OFFSET %(offset)s
)
SELECT r.student_id,
       st.full_name AS student_name,
       r.active_days,
       r.active_share,
       r.submission_count,
       r.mean_days_between
FROM ranked r
JOIN platform.students st ON st.student_id = r.student_id
ORDER BY r.active_days DESC, r.student_id;
