-- Whether a rollup holds no row (its first build then fills it with the indexes rebuilt afterwards).
SELECT NOT EXISTS (SELECT FROM {rollup})
