-- Blocked districts per state (live, for `lct enrich --status`).
SELECT state, count(*) FROM lct.blocked_districts GROUP BY state;
