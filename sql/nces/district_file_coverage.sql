-- Which districts of a school year appear in which of the three CCD files.
WITH ids AS (
    SELECT leaid, 1 AS in_directory, 0 AS in_membership, 0 AS in_staff
    FROM nces.lea_directory WHERE school_year = :school_year
    UNION ALL
    SELECT leaid, 0, 1, 0 FROM nces.lea_enrollment WHERE school_year = :school_year
    UNION ALL
    SELECT DISTINCT leaid, 0, 0, 1 FROM nces.lea_staff WHERE school_year = :school_year
), per_district AS (
    SELECT leaid, max(in_directory) AS d, max(in_membership) AS m, max(in_staff) AS s
    FROM ids GROUP BY leaid
)
SELECT
    count(*) FILTER (WHERE d = 1 AND m = 1 AND s = 1) AS in_all_three,
    count(*) FILTER (WHERE d = 1 AND m = 0 AND s = 0) AS only_in_directory,
    count(*) FILTER (WHERE d = 0 AND m = 1 AND s = 0) AS only_in_membership,
    count(*) FILTER (WHERE d = 0 AND m = 0 AND s = 1) AS only_in_staff,
    count(*) FILTER (WHERE d = 1 AND (m = 0 OR s = 0)) AS directory_missing_membership_or_staff,
    count(*) FILTER (WHERE d = 0) AS not_in_directory
FROM per_district;
