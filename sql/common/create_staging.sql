-- A session-private copy of the target's shape, dropped at commit: rows land here before the swap.
CREATE TEMP TABLE {staging} (LIKE {target} INCLUDING DEFAULTS) ON COMMIT DROP;
