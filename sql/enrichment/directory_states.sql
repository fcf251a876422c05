-- The state of each given district in its newest directory year; a district no imported directory lists is
-- absent from the answer.
SELECT DISTINCT ON (leaid) leaid, state
FROM nces.lea_directory
WHERE leaid = ANY(%(leaids)s)
ORDER BY leaid, school_year DESC;
