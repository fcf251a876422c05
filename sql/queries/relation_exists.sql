-- Whether a table or (materialized) view exists, by its qualified name (e.g. 'lct.mv_lct_summary_stats').
SELECT to_regclass(%(name)s) IS NOT NULL
