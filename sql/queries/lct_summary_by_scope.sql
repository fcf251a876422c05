-- lct.mv_lct_summary_stats for one school year (NULL: every year), scopes in the methodology's order.
SELECT year, staff_scope, valid_calculations::int8 AS valid_calculations,
       mean_lct::float8 AS mean_lct, median_lct::float8 AS median_lct, std_lct::float8 AS std_lct,
       min_lct::float8 AS min_lct, max_lct::float8 AS max_lct
FROM lct.mv_lct_summary_stats
WHERE %(year)s::text IS NULL OR year = %(year)s::text
ORDER BY year, array_position(%(scope_order)s::text[], staff_scope::text), staff_scope
