-- 0002: the audit log, the calendar feeds and the tenants' requests (see
-- PGStore's AppendAudit, PutFeed, EventSequences, ServerKey and AddRequest), as
-- the bbolt store keeps them in its buckets "audit", "feeds", "feed-sequences",
-- "meta" and "requests".

-- audit: every read of household or profile data, append-only. seq numbers the
-- records from 1 in the order they were committed, without gaps: audit_seq holds
-- the last number and an append takes its row lock, so that a reader paging by
-- seq never skips a record that commits later with a smaller number. The store
-- has no statement that updates or deletes a record, and the triggers refuse
-- any that someone else would run (a record is removed by no migration either:
-- deleting an operation leaves its records).
CREATE TABLE IF NOT EXISTS audit (
    seq       bigint PRIMARY KEY CHECK (seq >= 1),
    time      timestamptz NOT NULL,
    token     text NOT NULL,
    role      text NOT NULL,
    operation text NOT NULL,
    household text NOT NULL,
    route     text NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_seq (
    one  boolean PRIMARY KEY DEFAULT true CHECK (one),
    last bigint NOT NULL
);
INSERT INTO audit_seq (one, last) VALUES (true, 0) ON CONFLICT DO NOTHING;
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP;
END
$$;
CREATE TRIGGER audit_no_update_delete BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

-- feeds: the calendar feeds by secret URL, keyed by the hex SHA-256 of the
-- secret (the secret itself is never stored). A feed is bound to an incarnation
-- of its operation and outlives its deletion as a dead record (no foreign key),
-- as in bbolt: its URL answers 404 once the incarnation is gone.
CREATE TABLE IF NOT EXISTS feeds (
    hash        text PRIMARY KEY,
    id          text NOT NULL,
    operation   text NOT NULL,
    incarnation text NOT NULL,
    kind        text NOT NULL,
    who         text NOT NULL,
    created     timestamptz NOT NULL,
    created_by  text NOT NULL,
    revoked     timestamptz
);
CREATE INDEX IF NOT EXISTS feeds_operation ON feeds (operation, id);

-- feed_sequences: what a calendar keeps of each event (by UID): its SEQUENCE,
-- the content hash it was last served with and its DTSTAMP. The calendar's key
-- joins operation, incarnation, kind and owner with NUL bytes, which text cannot
-- hold: it and the UID are bytea.
CREATE TABLE IF NOT EXISTS feed_sequences (
    calendar bytea NOT NULL,
    uid      bytea NOT NULL,
    seq      integer NOT NULL CHECK (seq >= 0),
    hash     text NOT NULL,
    stamp    timestamptz NOT NULL,
    PRIMARY KEY (calendar, uid)
);

-- meta: the server's own values by name ("server-key": the secret key of the
-- opaque profile ids, 32 random bytes drawn once).
CREATE TABLE IF NOT EXISTS meta (
    key   text PRIMARY KEY,
    value bytea NOT NULL
);

-- tenant_requests: the tenants' requests and complaints of each operation's
-- current incarnation, numbered per operation (id "R" || seq); the record is
-- the JSON bbolt stores (bytea: free text may hold any character). They go with
-- the operation's row. household is a column for listing one household's.
CREATE TABLE IF NOT EXISTS tenant_requests (
    operation   text NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
    incarnation text NOT NULL,
    seq         bigint NOT NULL CHECK (seq >= 1),
    household   text NOT NULL,
    revision    integer NOT NULL CHECK (revision >= 1),
    record      bytea NOT NULL,
    PRIMARY KEY (operation, seq)
);
CREATE INDEX IF NOT EXISTS tenant_requests_household ON tenant_requests (operation, household, seq);

-- tenant_request_keys: the request each idempotency key (by its SHA-256) added
-- on an incarnation, with the SHA-256 of the HTTP request it came with.
CREATE TABLE IF NOT EXISTS tenant_request_keys (
    operation      text NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
    incarnation    text NOT NULL,
    key_sha256     bytea NOT NULL,
    seq            bigint NOT NULL,
    request_sha256 bytea NOT NULL,
    PRIMARY KEY (operation, incarnation, key_sha256)
);
