-- analytics.student_engagement_windows (extra rollup, for the student_engagement query):
-- one row per (window_days, student) with a submission in the window. Windows as in
-- student_subject_windows: UTC days d > today - N (today = UTC date of the refresh's as_of), N in 7, 30,
-- 90, 365.
--   active_days            distinct UTC days with a submission
--   active_share           active_days / N, 4 decimals
--   submission_count       submissions in the window
--   mean_days_between      mean gap between consecutive submissions in days, 2 decimals: the gaps add up
--                          to last - first, so it is (last - first) / (count - 1); NULL under two submissions
--   first_at, last_at      the window's first and last submission (what mean_days_between derives from)
-- A day's submissions change active_days only when they are the student's first (or last) of that day,
-- which the refresh asks the (student_id, submitted_at) index of the source.
-- Unique index (window_days, student_id): the upsert's key and one student; (window_days, active_days DESC,
-- student_id) for the ranked list.
CREATE TABLE IF NOT EXISTS analytics.student_engagement_windows (
    window_days integer NOT NULL,
    student_id integer NOT NULL,
    active_days integer NOT NULL,
    active_share numeric GENERATED ALWAYS AS (round(active_days::numeric / window_days, 4)) STORED,
    submission_count integer NOT NULL,
    mean_days_between numeric GENERATED ALWAYS AS (
        round(extract(epoch FROM last_at - first_at) / 86400 / nullif(submission_count - 1, 0), 2)) STORED,
    first_at timestamptz,
    last_at timestamptz
) WITH (fillfactor = 75, vacuum_truncate = false);

CREATE UNIQUE INDEX IF NOT EXISTS ux_student_engagement_windows
    ON analytics.student_engagement_windows (window_days, student_id);
CREATE INDEX IF NOT EXISTS ix_student_engagement_windows_ranked
    ON analytics.student_engagement_windows (window_days, active_days DESC, student_id);
