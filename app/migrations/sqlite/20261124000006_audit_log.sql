-- Security events (sign-in success and failure, sign-out, registration, and later
-- resets, role and two-factor changes), kept for the shop owner to review.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         BIGINT NOT NULL,
    event      TEXT   NOT NULL,
    user_id    BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- The address a sign-in was attempted for, even when no account has it.
    email      TEXT,
    ip         TEXT   NOT NULL,
    user_agent TEXT   NOT NULL
);
CREATE INDEX audit_log_user_idx ON audit_log (user_id, at);
CREATE INDEX audit_log_at_idx ON audit_log (at);
