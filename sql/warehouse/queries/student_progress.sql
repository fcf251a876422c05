-- student_progress: one student's avg grade and submission count per period (day, week or month).
-- Parameters: student_id, granularity ('day' | 'week' | 'month'), days_back, limit, offset.
-- Window: the UTC calendar periods that overlap the last days_back days (today and the days_back - 1
-- days before), each counted whole: periods starting on or after the start of the period holding
-- today - (days_back - 1). Periods without submissions are absent.
-- Reads the source, not a rollup: one student has ~100 submissions, found through
-- ix_submissions_student_id_submitted_at in well under a millisecond; a per-student-day rollup would
-- hold 1.5 million rows for 2 million submissions (measured) and gain nothing.
-- Columns: period_start, submission_count, graded_count, avg_grade (2 decimals), pass_rate (grade >= 60
-- among graded, 4 decimals); oldest period first.
WITH since AS MATERIALIZED (
    SELECT date_trunc(%(granularity)s,
                      ((now() AT TIME ZONE 'UTC')::date - (%(days_back)s - 1))::timestamp) AT TIME ZONE 'UTC' AS at
)
SELECT date_trunc(%(granularity)s, s.submitted_at AT TIME ZONE 'UTC')::date AS period_start,
       count(*)::integer AS submission_count,
       count(s.grade)::integer AS graded_count,
       round(avg(s.grade), 2) AS avg_grade,
       round(count(*) FILTER (WHERE s.grade >= 60)::numeric / nullif(count(s.grade), 0), 4) AS pass_rate
FROM platform.submissions s
CROSS JOIN since
WHERE s.student_id = %(student_id)s
  AND s.submitted_at >= since.at
GROUP BY 1
ORDER BY 1
LIMIT %(limit)s OFFSET %(offset)s;
