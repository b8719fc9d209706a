-- Orders. Placing one is a single transaction: the order and its priced lines, the
-- stock taken with a conditional decrement, the first history entry. Stock held for an
-- order not paid by `reserved_until` goes back (the job queue's reservation sweep).
CREATE TABLE orders (
    id              INTEGER PRIMARY KEY,
    -- The shopper-facing number is made from the id (app::orders::number).
    user_id         BIGINT REFERENCES users (id) ON DELETE SET NULL,
    email           TEXT   NOT NULL,
    status          TEXT   NOT NULL,
    currency        TEXT   NOT NULL CHECK (length(currency) = 3),
    subtotal        BIGINT NOT NULL,
    discount_total  BIGINT NOT NULL,
    shipping_total  BIGINT NOT NULL,
    tax_total       BIGINT NOT NULL,
    grand_total     BIGINT NOT NULL CHECK (grand_total >= 0),
    shipping_method TEXT   NOT NULL,
    -- The delivery address as the shopper confirmed it (JSON), kept as it was.
    address         TEXT   NOT NULL,
    -- A checkout submitted twice (double click, retry, back button) finds its order.
    idempotency_key TEXT   NOT NULL UNIQUE,
    -- SHA-256 of the token in the order's link (guests see their order through it).
    access_token_hash TEXT NOT NULL,
    reserved_until  BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX orders_user_idx ON orders (user_id, created_at);
CREATE INDEX orders_reservation_idx ON orders (status, reserved_until);

CREATE TABLE order_lines (
    order_id     BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position     BIGINT NOT NULL,
    variant_id   BIGINT REFERENCES variants (id) ON DELETE SET NULL,
    sku          TEXT   NOT NULL,
    name         TEXT   NOT NULL,
    quantity     BIGINT NOT NULL CHECK (quantity > 0),
    unit_price   BIGINT NOT NULL,
    discount     BIGINT NOT NULL,
    tax          BIGINT NOT NULL,
    line_total   BIGINT NOT NULL,
    PRIMARY KEY (order_id, position)
);

-- Every change of an order's status, with who made it and when.
CREATE TABLE order_events (
    id         INTEGER PRIMARY KEY,
    order_id   BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    from_status TEXT,
    to_status  TEXT   NOT NULL,
    actor      TEXT   NOT NULL,
    actor_id   BIGINT,
    note       TEXT,
    at         BIGINT NOT NULL
);
CREATE INDEX order_events_order_idx ON order_events (order_id, id);

-- Every attempt to pay for an order: what the provider answered, and what may be kept of
-- the card (brand, last four digits) — never its number.
CREATE TABLE payments (
    id         INTEGER PRIMARY KEY,
    order_id   BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    provider   TEXT   NOT NULL,
    outcome    TEXT   NOT NULL,
    amount     BIGINT NOT NULL,
    card_brand TEXT,
    card_last4 TEXT,
    at         BIGINT NOT NULL
);
CREATE INDEX payments_order_idx ON payments (order_id, id);
