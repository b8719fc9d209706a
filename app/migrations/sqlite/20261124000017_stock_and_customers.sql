-- Every change of a variant's stock: staff adjustments with their reason, and the
-- shop's own (an order placed takes stock, "sold"; an order cancelled puts it back).
-- The actor is NULL for the shop itself; order_id names the order a change came from.
CREATE TABLE stock_movements (
    id           INTEGER PRIMARY KEY,
    variant_id   BIGINT NOT NULL REFERENCES variants (id) ON DELETE CASCADE,
    at           BIGINT NOT NULL,
    actor_id     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- The actor's address at the time, so the history still names them.
    actor        TEXT,
    before_stock BIGINT NOT NULL,
    after_stock  BIGINT NOT NULL,
    -- "received", "count_correction", "damaged", "customer_return", "other", "sold",
    -- "order_cancelled" (app::staff::stock::api::StockReason).
    reason       TEXT   NOT NULL,
    note         TEXT,
    order_id     BIGINT REFERENCES orders (id) ON DELETE SET NULL
);
CREATE INDEX stock_movements_variant_idx ON stock_movements (variant_id, id);

-- The low-stock list reads variants by stock.
CREATE INDEX variants_stock_idx ON variants (stock);

-- Staff find a guest's orders by address, and the dashboard reads today's orders.
CREATE INDEX orders_email_idx ON orders (email);
CREATE INDEX orders_created_idx ON orders (created_at);

-- A disabled account cannot sign in and its sessions count for nothing.
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
