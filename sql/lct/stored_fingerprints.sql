-- The fingerprints the last calculation of the year stored, with the run that stored each.
SELECT leaid, fingerprint, run_id FROM lct.district_fingerprints WHERE year = %(year)s ORDER BY leaid
