-- Per school year and staff scope: count, mean, median, sample std, min and max of VALID lct_value
-- (the stored values, rounded to 2 decimals; the QA report uses full precision).
CREATE MATERIALIZED VIEW IF NOT EXISTS lct.mv_lct_summary_stats AS
SELECT year, staff_scope,
       count(*) AS valid_calculations,
       avg(lct_value) AS mean_lct,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY lct_value) AS median_lct,
       stddev_samp(lct_value) AS std_lct,
       min(lct_value) AS min_lct,
       max(lct_value) AS max_lct
FROM lct.lct_calculations
WHERE is_valid
GROUP BY year, staff_scope;

CREATE UNIQUE INDEX IF NOT EXISTS ux_mv_lct_summary_stats ON lct.mv_lct_summary_stats (year, staff_scope);
