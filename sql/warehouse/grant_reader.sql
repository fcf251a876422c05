-- The service's read-only role reads every rollup, whoever created it (default privileges only
-- cover objects created by the role that ran the migration).
GRANT USAGE ON SCHEMA analytics TO lct_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO lct_reader;
