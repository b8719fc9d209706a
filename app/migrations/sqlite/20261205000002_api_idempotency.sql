-- The first answer to each write an API token sent with an `Idempotency-Key`, so a retry
-- with the same key gets that answer again instead of writing twice. A row is claimed
-- (status NULL) before the write runs and completed with the answer after it; the
-- unique key makes two concurrent retries claim it once. Kept 24 hours.
CREATE TABLE api_idempotency (
    token_id    BIGINT NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    idem_key    TEXT   NOT NULL,
    -- SHA-256 (hex) of the method, the path and query, and the body.
    fingerprint TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    -- NULL while the first request is in flight.
    status      BIGINT,
    -- The answer's headers that matter, as a JSON object.
    headers     TEXT,
    body        TEXT,
    PRIMARY KEY (token_id, idem_key)
);
CREATE INDEX api_idempotency_created_idx ON api_idempotency (created_at);
