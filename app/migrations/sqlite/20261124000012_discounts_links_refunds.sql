-- Discount codes as staff set them up (app::pricing::DiscountCode). The code is stored
-- normalised (trimmed, capitals). `times_used` counts orders that hold the code; placing
-- an order takes a use with a conditional increment, so a limit can never be overrun,
-- and a cancelled order gives its use back.
CREATE TABLE discount_codes (
    id                 INTEGER PRIMARY KEY,
    code               TEXT    NOT NULL UNIQUE,
    active             BOOLEAN NOT NULL DEFAULT TRUE,
    kind               TEXT    NOT NULL CHECK (kind IN ('percentage', 'fixed_amount', 'free_shipping')),
    -- Percentage codes: 1000 = 10%.
    basis_points       BIGINT  CHECK (basis_points BETWEEN 0 AND 10000),
    -- Fixed-amount codes, in the shop's currency's minor units.
    amount             BIGINT  CHECK (amount >= 0),
    currency           TEXT    NOT NULL CHECK (length(currency) = 3),
    minimum_subtotal   BIGINT  CHECK (minimum_subtotal >= 0),
    starts_at          BIGINT,
    ends_at            BIGINT,
    usage_limit        BIGINT  CHECK (usage_limit >= 0),
    per_customer_limit BIGINT  CHECK (per_customer_limit >= 0),
    times_used         BIGINT  NOT NULL DEFAULT 0 CHECK (times_used >= 0),
    created_at         BIGINT  NOT NULL
);

-- A code with rows here covers only these categories (and those below them) and
-- products; with none, it covers everything.
CREATE TABLE discount_code_scopes (
    code_id     BIGINT NOT NULL REFERENCES discount_codes (id) ON DELETE CASCADE,
    category_id BIGINT REFERENCES categories (id) ON DELETE CASCADE,
    product_id  BIGINT REFERENCES products (id) ON DELETE CASCADE,
    CHECK ((category_id IS NULL) <> (product_id IS NULL))
);
CREATE INDEX discount_code_scopes_code_idx ON discount_code_scopes (code_id);

-- Which orders used a code, and whose (the normalised email address, so guests count
-- too): the per-customer limit is counted here.
CREATE TABLE discount_code_uses (
    code_id  BIGINT NOT NULL REFERENCES discount_codes (id) ON DELETE CASCADE,
    order_id BIGINT NOT NULL UNIQUE REFERENCES orders (id) ON DELETE CASCADE,
    customer TEXT   NOT NULL,
    at       BIGINT NOT NULL
);
CREATE INDEX discount_code_uses_customer_idx ON discount_code_uses (code_id, customer);

ALTER TABLE orders ADD COLUMN discount_code TEXT;
-- The cart the order was placed from, emptied once it is paid (which may be by webhook).
ALTER TABLE orders ADD COLUMN cart_id BIGINT;
-- Money given back so far; never more than the grand total.
ALTER TABLE orders ADD COLUMN refunded_total BIGINT NOT NULL DEFAULT 0;

-- Links that open an order without signing in (SHA-256 of the token): the one shown
-- after checkout and the one in the confirmation email.
CREATE TABLE order_links (
    token_hash TEXT   PRIMARY KEY,
    order_id   BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE INDEX order_links_order_idx ON order_links (order_id);
INSERT INTO order_links (token_hash, order_id, created_at)
    SELECT access_token_hash, id, created_at FROM orders;
ALTER TABLE orders DROP COLUMN access_token_hash;

-- Money given back, each through the payment provider that took it.
CREATE TABLE refunds (
    id         INTEGER PRIMARY KEY,
    order_id   BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    amount     BIGINT NOT NULL CHECK (amount > 0),
    reason     TEXT   NOT NULL,
    provider   TEXT   NOT NULL,
    reference  TEXT,
    actor_id   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    at         BIGINT NOT NULL
);
CREATE INDEX refunds_order_idx ON refunds (order_id, id);

-- The provider's id for a payment (Stripe's PaymentIntent), to match its webhooks.
ALTER TABLE payments ADD COLUMN reference TEXT;
CREATE INDEX payments_reference_idx ON payments (reference);

-- Webhook events already handled, by the provider's event id: a replayed event changes
-- nothing.
CREATE TABLE payment_webhook_events (
    provider    TEXT   NOT NULL,
    event_id    TEXT   NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (provider, event_id)
);
