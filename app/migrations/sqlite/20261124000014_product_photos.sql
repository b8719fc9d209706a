-- Staff photos of a product (app/src/media): one row per photo, one row per stored
-- file (three sizes, each in JPEG or PNG and in WebP). Files are named by their content,
-- so two photos of the same bytes share files: a file is removed from storage only when
-- no row names it any more.
CREATE TABLE product_photos (
    id         INTEGER PRIMARY KEY,
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position   BIGINT NOT NULL,
    alt        TEXT   NOT NULL,
    -- The large size's dimensions (the upload itself is not kept).
    width      BIGINT NOT NULL CHECK (width > 0),
    height     BIGINT NOT NULL CHECK (height > 0),
    created_at BIGINT NOT NULL
);
CREATE INDEX product_photos_product_idx ON product_photos (product_id, position);

CREATE TABLE product_photo_files (
    photo_id    BIGINT NOT NULL REFERENCES product_photos (id) ON DELETE CASCADE,
    size        TEXT   NOT NULL CHECK (size IN ('thumbnail', 'card', 'large')),
    format      TEXT   NOT NULL CHECK (format IN ('jpeg', 'png', 'webp')),
    storage_key TEXT   NOT NULL,
    width       BIGINT NOT NULL CHECK (width > 0),
    height      BIGINT NOT NULL CHECK (height > 0),
    PRIMARY KEY (photo_id, size, format)
);
CREATE INDEX product_photo_files_key_idx ON product_photo_files (storage_key);
