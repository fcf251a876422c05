-- The stored rows of a year as the QA report reads them: the contract columns and the unrounded LCT (rows
-- written before it was kept fall back to the rounded value). Order is irrelevant: the report sorts.
SELECT district_id, district_name, state, year, staff_scope, staff_count, enrollment, enrollment_type,
       instructional_minutes, instructional_minutes_source, lct_value, is_valid, qa_flags,
       coalesce(lct_value_unrounded, lct_value) AS lct_value_unrounded
FROM lct.lct_calculations WHERE year = %(year)s
