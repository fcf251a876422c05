-- The (district, scope) pairs of a year without a calculation, as the last runs recorded them.
SELECT district_id, staff_scope, reason FROM lct.not_calculable WHERE year = %(year)s
