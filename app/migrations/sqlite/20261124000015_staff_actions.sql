-- Every change staff make through /admin or the staff server functions: who, what, to
-- which thing, the thing before and after (JSON), and when. Kept apart from audit_log,
-- which records security events for every account.
CREATE TABLE staff_actions (
    id       INTEGER PRIMARY KEY,
    at       BIGINT NOT NULL,
    actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- The actor's address at the time, so the log still names them if the account goes.
    actor    TEXT   NOT NULL,
    -- "product.updated", "stock.adjusted", "order.refunded" …
    action   TEXT   NOT NULL,
    -- What was changed, in words staff search for: "product oak-chair", "order BZ-…".
    subject  TEXT   NOT NULL,
    before   TEXT,
    after    TEXT
);
CREATE INDEX staff_actions_at_idx ON staff_actions (at);
CREATE INDEX staff_actions_action_idx ON staff_actions (action, at);
CREATE INDEX staff_actions_actor_idx ON staff_actions (actor_id, at);
