-- One row per district and school year: enrollment bands, the seven staff scopes (as calculated),
-- bell-schedule presence and the state's statutory minutes. Staff scopes come from lct.lct_calculations
-- so the scope definitions live in one place (lct_pipelines/lct/scopes.py); NULL = no calculation.
CREATE MATERIALIZED VIEW IF NOT EXISTS lct.mv_districts_with_lct_data AS
WITH scopes AS (
    SELECT year, district_id,
           max(staff_count) FILTER (WHERE staff_scope = 'teachers_only') AS staff_teachers_only,
           max(staff_count) FILTER (WHERE staff_scope = 'teachers_core') AS staff_teachers_core,
           max(staff_count) FILTER (WHERE staff_scope = 'instructional') AS staff_instructional,
           max(staff_count) FILTER (WHERE staff_scope = 'instructional_plus_support') AS staff_instructional_plus_support,
           max(staff_count) FILTER (WHERE staff_scope = 'all') AS staff_all,
           max(staff_count) FILTER (WHERE staff_scope = 'teachers_elementary') AS staff_teachers_elementary,
           max(staff_count) FILTER (WHERE staff_scope = 'teachers_secondary') AS staff_teachers_secondary,
           max(lct_value) FILTER (WHERE staff_scope = 'teachers_only') AS lct_teachers_only,
           max(instructional_minutes) FILTER (WHERE staff_scope = 'teachers_only') AS instructional_minutes,
           max(instructional_minutes_source) FILTER (WHERE staff_scope = 'teachers_only') AS minutes_source,
           count(*) AS calculations,
           count(*) FILTER (WHERE is_valid) AS valid_calculations
    FROM lct.lct_calculations
    GROUP BY year, district_id
), bells AS (
    SELECT leaid, count(DISTINCT grade_level) AS bell_schedule_levels, max(year) AS latest_bell_schedule_year
    FROM lct.bell_schedules
    GROUP BY leaid
)
SELECT d.school_year, d.leaid, d.lea_name, d.state, d.sy_status_text,
       e.enrollment_k12, e.enrollment_elementary, e.enrollment_middle, e.enrollment_high, e.enrollment_secondary,
       s.staff_teachers_only, s.staff_teachers_core, s.staff_instructional, s.staff_instructional_plus_support,
       s.staff_all, s.staff_teachers_elementary, s.staff_teachers_secondary,
       s.lct_teachers_only, s.instructional_minutes, s.minutes_source,
       coalesce(s.calculations, 0) AS calculations, coalesce(s.valid_calculations, 0) AS valid_calculations,
       (b.leaid IS NOT NULL) AS has_bell_schedule, coalesce(b.bell_schedule_levels, 0) AS bell_schedule_levels,
       b.latest_bell_schedule_year,
       r.elementary_minutes AS state_elementary_minutes, r.middle_minutes AS state_middle_minutes,
       r.high_minutes AS state_high_minutes
FROM nces.lea_directory d
LEFT JOIN nces.lea_enrollment e ON e.school_year = d.school_year AND e.leaid = d.leaid
LEFT JOIN scopes s ON s.year = d.school_year AND s.district_id = d.leaid
LEFT JOIN bells b ON b.leaid = d.leaid
LEFT JOIN lct.state_requirements r ON r.state = d.state;

CREATE UNIQUE INDEX IF NOT EXISTS ux_mv_districts_with_lct_data ON lct.mv_districts_with_lct_data (school_year, leaid);
CREATE INDEX IF NOT EXISTS ix_mv_districts_with_lct_data_state ON lct.mv_districts_with_lct_data (state, school_year);
