-- The rollup brought to its full build: rows that differ are updated, new ones inserted; equal rows are not
-- touched (after the nightly refreshes nearly every row is equal, so the weekly rebuild writes little).
MERGE INTO {rollup} t
USING {built} b ON {key_match}
WHEN MATCHED AND ROW({target_values}) IS DISTINCT FROM ROW({built_compare}) THEN UPDATE SET {assignments}
WHEN NOT MATCHED THEN INSERT ({columns}) VALUES ({built_values})
