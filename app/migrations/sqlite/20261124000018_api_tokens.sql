-- Tokens for the JSON API (`Authorization: Bearer bz_…`). Only the SHA-256 of the
-- secret is kept; staff see the first characters (`prefix`) to tell tokens apart.
-- `scopes` is space-separated: "catalog:read orders:read".
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT   NOT NULL,
    scopes       TEXT   NOT NULL,
    token_hash   TEXT   NOT NULL,
    prefix       TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    created_by   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);
