SELECT leaid, fingerprint FROM lct.district_fingerprints WHERE year = %(year)s ORDER BY leaid
