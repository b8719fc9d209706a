-- Staff edit products from /admin/products. `version` goes up by one with every edit:
-- the edit form carries the version it was loaded at, and an edit of an older version
-- is refused rather than silently overwriting someone else's change.
-- (The variants' "was" price, `compare_at_amount`, came with the catalog import: 0003.)
ALTER TABLE products ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
