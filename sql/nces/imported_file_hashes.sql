-- The SHA-256 of the file each kind of the year was last imported from (the landing sensor compares), and the
-- rows read from it (the sensor's observation of the file shows them).
SELECT DISTINCT ON (kind) kind, sha256, (report ->> 'rows_read')::bigint AS rows_read
FROM nces.import_reports
WHERE school_year = %(school_year)s
ORDER BY kind, imported_at DESC, id DESC
