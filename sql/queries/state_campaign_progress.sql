-- lct.mv_state_enrichment_progress for one state (NULL: every state), by state.
SELECT school_year, state, total_districts::int8 AS total_districts,
       enriched_districts::int8 AS enriched_districts, percent_enriched::float8 AS percent_enriched,
       total_enrollment::float8 AS total_enrollment, enriched_enrollment::float8 AS enriched_enrollment, complete
FROM lct.mv_state_enrichment_progress
WHERE %(state)s::text IS NULL OR state = %(state)s::text
ORDER BY state
