SELECT district_id, district_name, state, year, staff_scope, staff_count, enrollment, enrollment_type,
       instructional_minutes, instructional_minutes_source, lct_value, is_valid, qa_flags
FROM lct.lct_calculations WHERE year = %(year)s
ORDER BY district_id, staff_scope
