-- Outgoing webhooks: endpoints staff register, and every delivery of an event to one.
-- `events` is space-separated ("order.paid stock.low"). The secret signs deliveries
-- (HMAC-SHA256, so it must be kept as it is) and is shown to staff on the endpoint's page.
CREATE TABLE webhook_endpoints (
    id          INTEGER PRIMARY KEY,
    url         TEXT    NOT NULL,
    events      TEXT    NOT NULL,
    secret      TEXT    NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  BIGINT  NOT NULL,
    created_by  BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    updated_at  BIGINT  NOT NULL
);

-- One event sent to one endpoint. `payload` is the exact body sent on every attempt, so
-- the signature and the event id stay the same; a resend is a new row with the same
-- event id and payload (`resend_of` the delivery it repeats). Its job in `jobs` carries
-- the delivery's id.
CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY,
    endpoint_id      BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id         TEXT   NOT NULL,
    event_type       TEXT   NOT NULL,
    payload          TEXT   NOT NULL,
    status           TEXT   NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         BIGINT NOT NULL DEFAULT 0,
    last_status_code BIGINT,
    last_error       TEXT,
    resend_of        BIGINT,
    created_at       BIGINT NOT NULL,
    last_attempt_at  BIGINT,
    finished_at      BIGINT
);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id);

-- Every attempt of a delivery: when, the HTTP status the receiver answered (none when it
-- could not be reached) and what went wrong.
CREATE TABLE webhook_attempts (
    id          INTEGER PRIMARY KEY,
    delivery_id BIGINT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at          BIGINT NOT NULL,
    status_code BIGINT,
    error       TEXT
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, id);
