-- A rollup's full build into a temporary table named like it with a built_ prefix, its columns named as the
-- rollup's stored columns, in unique-key order (what the rollup is compared with, or replaced by).
CREATE TEMP TABLE {built} ON COMMIT DROP AS SELECT * FROM ({build}) AS b ({columns}) ORDER BY {order}
