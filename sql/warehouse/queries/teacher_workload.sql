-- teacher_workload: review workload per teacher (one teacher or all) over a date range.
-- Parameters: teacher_id (NULL: every teacher), date_from, date_to (inclusive UTC dates of
-- submitted_at), limit, offset.
-- Reads analytics.teacher_daily_workload teacher by teacher, in teacher_id order: each teacher's days of
-- the range are one range read of its unique index (teacher_id, day), and the page stops after `limit`
-- teachers with work, so a page costs its teachers' days, not every teacher's. Exact: the day rows hold
-- sums (counts, seconds), never averages. A teacher appears when they have pending or graded submissions
-- in the range. Attribution as in analytics.teacher_workload: pending reviews to the class teacher, graded
-- ones to the grader; "overdue" was decided at the last refresh (pending and submitted more than 7 days
-- before it).
-- Columns: teacher_id, teacher_name, pending_reviews, overdue_reviews, graded_submissions,
-- avg_grade_time_minutes (1 decimal), overdue_percentage (of pending, 2 decimals); by teacher_id.
SELECT t.teacher_id,
       t.full_name AS teacher_name,
       x.pending_reviews::integer AS pending_reviews,
       x.overdue_reviews::integer AS overdue_reviews,
       x.graded_submissions::integer AS graded_submissions,
       round(x.grade_seconds / (60 * nullif(x.graded_submissions, 0)), 1) AS avg_grade_time_minutes,
       round(100 * x.overdue_reviews::numeric / nullif(x.pending_reviews, 0), 2) AS overdue_percentage
FROM platform.teachers t
CROSS JOIN LATERAL (
    SELECT sum(d.pending_reviews) AS pending_reviews,
           sum(d.overdue_reviews) AS overdue_reviews,
           sum(d.graded_submissions) AS graded_submissions,
           sum(d.grade_seconds) AS grade_seconds
    FROM analytics.teacher_daily_workload d
    WHERE d.teacher_id = t.teacher_id AND d.day BETWEEN %(date_from)s AND %(date_to)s
) x
WHERE (%(teacher_id)s::integer IS NULL OR t.teacher_id = %(teacher_id)s)
  AND (x.pending_reviews > 0 OR x.graded_submissions > 0)
ORDER BY t.teacher_id
LIMIT %(limit)s OFFSET %(offset)s;
