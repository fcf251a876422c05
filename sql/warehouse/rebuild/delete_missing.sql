-- The rollup's rows the full build no longer has.
DELETE FROM {rollup} t WHERE NOT EXISTS (SELECT FROM {built} b WHERE {key_match})
