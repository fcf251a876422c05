-- analytics.class_period_trends (extra rollup, for the class_trends query):
-- one row per (granularity, class, period) with a submission; granularity day / week (ISO, Monday) /
-- month; periods are UTC calendar periods of submitted_at.
--   submission_count, graded_count
--   avg_grade   mean grade, 2 decimals; pass_rate: share of graded with grade >= 60, 4 decimals; NULL when
--               nothing in the period is graded
--   grade_centi, passed_count   the sums the two derive from
-- Unique index (granularity, class_id, period_start): the upsert's key; it also serves one class's trend
-- and the all-classes list in (class_id, period_start) order.
CREATE TABLE IF NOT EXISTS analytics.class_period_trends (
    granularity text NOT NULL,
    class_id integer NOT NULL,
    period_start date NOT NULL,
    submission_count integer NOT NULL,
    graded_count integer NOT NULL,
    avg_grade numeric GENERATED ALWAYS AS (round(grade_centi / (100.0 * nullif(graded_count, 0)), 2)) STORED,
    pass_rate numeric GENERATED ALWAYS AS (round(passed_count::numeric / nullif(graded_count, 0), 4)) STORED,
    grade_centi bigint NOT NULL,
    passed_count integer NOT NULL
) WITH (fillfactor = 90, vacuum_truncate = false);

CREATE UNIQUE INDEX IF NOT EXISTS ux_class_period_trends
    ON analytics.class_period_trends (granularity, class_id, period_start);
