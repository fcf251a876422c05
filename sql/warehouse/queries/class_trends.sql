-- class_trends: each class's avg grade and pass rate per period (day, week or month).
-- Parameters: class_id (NULL: every class), granularity ('day' | 'week' | 'month'), days_back, limit,
-- offset. Window as in student_progress: the periods overlapping the last days_back days, counted whole.
-- Reads analytics.class_period_trends along its unique index (granularity, class_id, period_start).
-- Columns: class_id, period_start, submission_count, graded_count, avg_grade, pass_rate; by class_id,
-- then period_start.
SELECT t.class_id,
       t.period_start,
       t.submission_count,
       t.graded_count,
       t.avg_grade,
       t.pass_rate
FROM analytics.class_period_trends t
WHERE t.granularity = %(granularity)s
  AND (%(class_id)s::integer IS NULL OR t.class_id = %(class_id)s)
  AND t.period_start >= date_trunc(%(granularity)s,
                                   ((now() AT TIME ZONE 'UTC')::date - (%(days_back)s - 1))::timestamp)::date
ORDER BY t.class_id, t.period_start
LIMIT %(limit)s OFFSET %(offset)s;
