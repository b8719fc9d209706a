-- The durable job queue (outbox): a job is inserted in the same transaction as the change
-- that causes it, and a background worker runs it after commit (emails now; order
-- confirmations and webhooks later). Times are UTC Unix milliseconds.
--
-- A worker claims a due job by setting `locked_until` (a lease: a crashed worker's job is
-- claimed again once it passes) and adding one to `attempts`, which also fences the
-- claim: completing or failing a job only counts while `attempts` is still the value the
-- claim returned.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT   NOT NULL,
    payload      TEXT   NOT NULL,
    state        TEXT   NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'dead')),
    run_at       BIGINT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error   TEXT,
    locked_until BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
-- Claiming looks for the oldest due pending job; pruning for old finished ones.
CREATE INDEX jobs_due_idx ON jobs (state, run_at, id);
