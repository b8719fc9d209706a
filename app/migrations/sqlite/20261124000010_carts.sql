-- Shopping carts: a signed-in shopper's (user_id set, one each) or a guest's (user_id
-- NULL; its id is kept in the guest's session). A guest's cart is merged into the
-- account's at sign-in.
CREATE TABLE carts (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX carts_updated_idx ON carts (updated_at);

-- One line per variant. The price when added is kept only to tell the shopper that it
-- changed: what is charged is always the variant's price now.
CREATE TABLE cart_lines (
    cart_id          BIGINT NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    variant_id       BIGINT NOT NULL REFERENCES variants (id) ON DELETE CASCADE,
    quantity         BIGINT NOT NULL CHECK (quantity > 0),
    price_when_added BIGINT NOT NULL,
    added_at         BIGINT NOT NULL,
    PRIMARY KEY (cart_id, variant_id)
);
