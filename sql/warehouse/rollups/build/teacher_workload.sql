SELECT t.teacher_id,
       coalesce(sum(d.pending_reviews), 0), coalesce(sum(d.graded_submissions), 0),
       coalesce(sum(d.overdue_reviews), 0), coalesce(sum(d.grade_seconds), 0)
FROM platform.teachers t
LEFT JOIN built_teacher_daily_workload d ON d.teacher_id = t.teacher_id
GROUP BY t.teacher_id
