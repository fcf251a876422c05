-- student_engagement from the source tables: the gaps between consecutive submissions measured one by
-- one (lag), then averaged as total gap / number of gaps.
WITH windowed AS (
    SELECT s.student_id, s.submitted_at, (s.submitted_at AT TIME ZONE 'UTC')::date AS day
    FROM platform.submissions s
    WHERE (s.submitted_at AT TIME ZONE 'UTC')::date > (now() AT TIME ZONE 'UTC')::date - %(days_back)s
      AND (%(student_id)s::integer IS NULL OR s.student_id = %(student_id)s)
), gaps AS (
    SELECT student_id,
           day,
           submitted_at - lag(submitted_at) OVER (PARTITION BY student_id ORDER BY submitted_at) AS gap
    FROM windowed
), per_student AS (
    SELECT student_id,
           count(DISTINCT day) AS active_days,
           count(*) AS submissions,
           extract(epoch FROM sum(gap)) AS gap_seconds,
           count(gap) AS gap_count
    FROM gaps
    GROUP BY student_id
)
SELECT p.student_id,
       st.full_name AS student_name,
       p.active_days::integer AS active_days,
       round(p.active_days::numeric / %(days_back)s, 4) AS active_share,
       p.submissions::integer AS submission_count,
       round(p.gap_seconds / 86400 / nullif(p.gap_count, 0), 2) AS mean_days_between
FROM per_student p
JOIN platform.students st ON st.student_id = p.student_id
ORDER BY p.active_days DESC, p.student_id
LIMIT %(limit)s OFFSET %(offset)s;
