SELECT DISTINCT ON (kind) kind, file, sha256, report, imported_at
FROM nces.import_reports
WHERE school_year = :school_year
ORDER BY kind, imported_at DESC, id DESC;
