-- The first schema: catalog (categories tree, products, variants, images), users, sessions.
-- Money is BIGINT minor units plus a currency code; times are UTC Unix milliseconds.

CREATE TABLE categories (
    id          INTEGER PRIMARY KEY,
    parent_id   BIGINT REFERENCES categories (id) ON DELETE RESTRICT,
    slug        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    position    BIGINT  NOT NULL DEFAULT 0,
    created_at  BIGINT  NOT NULL
);
CREATE UNIQUE INDEX categories_slug_key ON categories (slug);
CREATE INDEX categories_parent_idx ON categories (parent_id, position);

CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    category_id BIGINT  NOT NULL REFERENCES categories (id) ON DELETE RESTRICT,
    slug        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    featured    BOOLEAN NOT NULL DEFAULT FALSE,
    published   BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE UNIQUE INDEX products_slug_key ON products (slug);
CREATE INDEX products_category_name_idx ON products (category_id, name, id);
CREATE INDEX products_featured_idx ON products (featured, name);

CREATE TABLE variants (
    id           INTEGER PRIMARY KEY,
    product_id   BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    sku          TEXT   NOT NULL,
    title        TEXT   NOT NULL,
    price_amount BIGINT NOT NULL CHECK (price_amount >= 0),
    currency     TEXT   NOT NULL CHECK (length(currency) = 3),
    stock        BIGINT NOT NULL DEFAULT 0 CHECK (stock >= 0),
    position     BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX variants_sku_key ON variants (sku);
CREATE INDEX variants_product_idx ON variants (product_id, position);

CREATE TABLE product_images (
    id          INTEGER PRIMARY KEY,
    product_id  BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    storage_key TEXT   NOT NULL,
    alt         TEXT   NOT NULL,
    width       BIGINT NOT NULL CHECK (width > 0),
    height      BIGINT NOT NULL CHECK (height > 0),
    position    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX product_images_product_idx ON product_images (product_id, position);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT   NOT NULL,
    password_hash TEXT   NOT NULL,
    role          TEXT   NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'staff')),
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);

-- tower-sessions records, shared by every server instance on the same database.
CREATE TABLE sessions (
    id          TEXT   PRIMARY KEY,
    data        BLOB   NOT NULL,
    expiry_date BIGINT NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry_date);
