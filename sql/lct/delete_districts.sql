-- Remove the rows of the districts an incremental run recomputes or that vanished from the inputs.
DELETE FROM lct.lct_calculations WHERE year = %(year)s AND district_id = ANY(%(leaids)s::text[]);
DELETE FROM lct.not_calculable WHERE year = %(year)s AND district_id = ANY(%(leaids)s::text[]);
DELETE FROM lct.district_fingerprints WHERE year = %(year)s AND leaid = ANY(%(leaids)s::text[]);
