-- Attempts per key (e.g. `sign_in:ip:203.0.113.7`) per fixed window, shared by every
-- server instance on this database. Old windows are swept by the same hourly task
-- that sweeps sessions.
CREATE TABLE rate_limits (
    bucket       TEXT   NOT NULL,
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
