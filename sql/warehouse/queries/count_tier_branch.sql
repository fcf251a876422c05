-- One branch of top_performers and bottom_performers (their {count_tier_branches}): the pairs of one count tier,
-- in ranking order, an ordered range read of ix_student_subject_windows_ranked. queries.query_sql writes one per
-- tier 0..20 (count_tier = least(graded_count, 20)), joined by UNION ALL, so the planner sees separate ordered
-- ranges to merge (Merge Append) and prunes the tiers under min_submissions at planning; {order} is the query's
-- ranking. Not a query of its own.
    (SELECT w.student_id, w.subject_id, w.graded_count, w.avg_grade, w.pass_rate, w.submission_count
     FROM analytics.student_subject_windows w
     WHERE w.window_days = %(days_back)s AND w.count_tier = {tier} AND {tier} >= least(%(min_submissions)s, 20)
       AND (%(subject_id)s::integer IS NULL OR w.subject_id = %(subject_id)s)
       AND w.graded_count >= %(min_submissions)s
     ORDER BY {order})
