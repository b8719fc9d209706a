-- Two-factor sign-in for staff. One row per account that has begun enrolling: the TOTP
-- secret (base32; stored as is, not encrypted), `enabled_at` set once a code confirmed
-- it (NULL while the enrolment is pending), and the last time step whose code was
-- accepted, so that no code works twice.
CREATE TABLE two_factor (
    user_id        BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret         TEXT   NOT NULL,
    created_at     BIGINT NOT NULL,
    enabled_at     BIGINT,
    last_used_step BIGINT
);

-- Single-use recovery codes, as SHA-256 hashes of their letters; `used_at` is set by
-- the one conditional update that spends a code.
CREATE TABLE two_factor_recovery_codes (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE UNIQUE INDEX two_factor_recovery_codes_key ON two_factor_recovery_codes (user_id, code_hash);
