-- 0001: the store's tables, as the bbolt store keeps them (see PGStore).
-- Documents are bytea holding the JSON the bbolt store writes, byte for byte:
-- the service reads them whole and never queries inside them, and jsonb would
-- refuse a \u0000 in a string that bbolt accepts.

-- operations: one row per operation, its current incarnation and latest version.
CREATE TABLE IF NOT EXISTS operations (
    id          text PRIMARY KEY,
    incarnation text NOT NULL,
    version     integer NOT NULL CHECK (version >= 1)
);

-- versions: every version of the current incarnation of each operation, with
-- its VersionInfo as columns (listing versions reads no document).
CREATE TABLE IF NOT EXISTS versions (
    operation   text NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
    incarnation text NOT NULL,
    number      integer NOT NULL CHECK (number >= 1),
    created     timestamptz NOT NULL,
    kind        text NOT NULL,
    has_plan    boolean NOT NULL,
    status      text NOT NULL DEFAULT '',
    document    bytea NOT NULL,
    PRIMARY KEY (operation, incarnation, number)
);

-- idempotency: the version an idempotency key made on an incarnation, keyed by
-- the key's SHA-256, with the SHA-256 of the request it came with.
CREATE TABLE IF NOT EXISTS idempotency (
    operation      text NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
    incarnation    text NOT NULL,
    key_sha256     bytea NOT NULL,
    version        integer NOT NULL,
    request_sha256 bytea NOT NULL,
    PRIMARY KEY (operation, incarnation, key_sha256)
);

-- jobs: the solve jobs' records (JSON, as bbolt keeps them); the columns are
-- what the store's own statements select on. No foreign key: a running job's
-- record outlives its operation's deletion.
CREATE TABLE IF NOT EXISTS jobs (
    id          text PRIMARY KEY,
    operation   text NOT NULL DEFAULT '',
    incarnation text NOT NULL DEFAULT '',
    state       text NOT NULL,
    started     timestamptz,
    ended       timestamptz,
    record      bytea NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_operation ON jobs (operation, incarnation);
CREATE INDEX IF NOT EXISTS jobs_end ON jobs ((coalesce(ended, started))) WHERE state <> 'running';
