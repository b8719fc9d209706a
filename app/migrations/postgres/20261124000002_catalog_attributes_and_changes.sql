-- Product attributes that shoppers filter by (brand, material, colour …): one value per
-- name. Names are lower-case keys such as `brand`.
CREATE TABLE product_attributes (
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    name       TEXT   NOT NULL,
    value      TEXT   NOT NULL,
    PRIMARY KEY (product_id, name)
);

-- The catalog's change feed, which keeps every server's search index in step.
-- A write takes the next revision by updating the single row below; that row lock
-- makes writers commit in revision order, so a reader that sees revision N has
-- already been able to see every change up to N.
CREATE TABLE catalog_revision (
    id       BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO catalog_revision (id, revision) VALUES (1, 0);

-- Which products a revision touched (created, edited or deleted).
CREATE TABLE catalog_changes (
    revision   BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    PRIMARY KEY (revision, product_id)
);
