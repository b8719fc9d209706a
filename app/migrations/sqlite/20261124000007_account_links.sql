-- When the account holder proved the address is theirs (NULL: not yet).
ALTER TABLE users ADD COLUMN email_verified_at BIGINT;

-- Single-use links sent by email: confirm an address (a new account's, or a changed
-- one), reset a password. Only a SHA-256 of the token is kept, so a copy of the
-- database gives nobody a working link.
CREATE TABLE account_links (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT   NOT NULL UNIQUE,
    purpose    TEXT   NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The address the link was sent to: for a change of email, the new one.
    email      TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX account_links_user_idx ON account_links (user_id, purpose);
CREATE INDEX account_links_expiry_idx ON account_links (expires_at);

-- Whose session this is, copied from the session's data when it is saved, so an
-- account's sessions can be listed and ended ("log out everywhere else", a reset).
ALTER TABLE sessions ADD COLUMN user_id BIGINT;
CREATE INDEX sessions_user_idx ON sessions (user_id);
