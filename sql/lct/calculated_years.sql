-- School years that have been calculated at least once (they have stored input fingerprints).
SELECT DISTINCT year FROM lct.district_fingerprints ORDER BY year
