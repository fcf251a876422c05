-- A full run replaces every row of the year.
DELETE FROM lct.lct_calculations WHERE year = %(year)s;
DELETE FROM lct.not_calculable WHERE year = %(year)s;
DELETE FROM lct.district_fingerprints WHERE year = %(year)s;
