-- The address book: where a shopper has things delivered; the checkout offers these.
-- Optional parts of an address are NULL when not given. `country` is an ISO 3166-1
-- alpha-2 code; `postcode` is stored as the shop wrote it back (upper case, spaced).
CREATE TABLE addresses (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    full_name  TEXT    NOT NULL,
    line1      TEXT    NOT NULL,
    line2      TEXT,
    city       TEXT    NOT NULL,
    region     TEXT,
    postcode   TEXT,
    country    TEXT    NOT NULL CHECK (length(country) = 2),
    phone      TEXT,
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);
CREATE INDEX addresses_user_idx ON addresses (user_id, id);
-- At most one default address per account.
CREATE UNIQUE INDEX addresses_one_default_key ON addresses (user_id) WHERE is_default;
