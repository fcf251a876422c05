-- Whether a rollup holds no row (its first build then fills it by a plain INSERT, its indexes in place).
SELECT NOT EXISTS (SELECT FROM {rollup})
