-- Live campaign count of one state over the newest directory year (the rule of
-- lct.mv_state_enrichment_progress): its districts and those with a bell schedule of any year.
SELECT count(*) AS districts,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM lct.bell_schedules b WHERE b.leaid = d.leaid)) AS enriched
FROM nces.lea_directory d
WHERE d.state = %(state)s
  AND d.school_year = (SELECT max(school_year) FROM nces.lea_directory)
