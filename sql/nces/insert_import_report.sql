INSERT INTO nces.import_reports (school_year, kind, file, sha256, report)
VALUES (%(school_year)s, %(kind)s, %(file)s, %(sha256)s, %(report)s);
