-- analytics.refresh_state: the reference time the rollups were last brought to (one row, or none before the
-- first refresh: the next refresh then rebuilds everything). as_of decides the windows ("today" is its UTC
-- date) and what is overdue (submitted more than 7 days before it).
CREATE TABLE IF NOT EXISTS analytics.refresh_state (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    as_of timestamptz NOT NULL,
    kind text NOT NULL,
    refreshed_at timestamptz NOT NULL,
    seconds double precision NOT NULL,
    changes bigint NOT NULL
);
