-- Mark a district blocked (its site unreachable): campaigns skip it from now on. Marking it again renews the time.
INSERT INTO lct.blocked_districts (leaid, state, blocked_at, reason)
VALUES (%(leaid)s, %(state)s, %(blocked_at)s, %(reason)s)
ON CONFLICT (leaid) DO UPDATE SET state = EXCLUDED.state, blocked_at = EXCLUDED.blocked_at, reason = EXCLUDED.reason;
