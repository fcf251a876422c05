-- The SHA-256 of the file each kind of the year was last imported from (the landing sensor compares).
SELECT DISTINCT ON (kind) kind, sha256
FROM nces.import_reports
WHERE school_year = %(school_year)s
ORDER BY kind, imported_at DESC, id DESC
