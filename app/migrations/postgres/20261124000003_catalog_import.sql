-- Catalog import and export (`bazaar import` / `bazaar export`).

-- Shopify's "Variant Compare At Price": the was-price, in the variant's currency.
ALTER TABLE variants ADD COLUMN compare_at_amount BIGINT CHECK (compare_at_amount >= 0);

-- The names of a product's options, joined with " / " ("Size / Colour"), in the order
-- the parts of its variants' titles follow; empty when the variants have no named options.
ALTER TABLE products ADD COLUMN option_names TEXT NOT NULL DEFAULT '';

-- Pictures an import named by URL: recorded, never fetched (the shop may be offline).
CREATE TABLE product_image_sources (
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    url        TEXT   NOT NULL,
    alt        TEXT   NOT NULL,
    position   BIGINT NOT NULL,
    PRIMARY KEY (product_id, position)
);
