-- A TRUNCATE of a platform table since the last refresh (migration 0004's trigger): rebuild everything.
WITH taken AS (DELETE FROM warehouse_log.resets RETURNING table_name)
SELECT coalesce(array_agg(DISTINCT table_name), '{}') FROM taken;
