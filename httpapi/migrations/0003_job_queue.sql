-- 0003: the job queue (several services and workers on one database).
-- A job is a row of jobs; while its state is running, any process may claim it
-- (SELECT ... FOR UPDATE SKIP LOCKED) when nobody holds it: owner is '' or its
-- lease has lapsed. The holder renews lease_until while it works; cancel asks
-- it to stop (it sees it at its next renewal); claims counts the claims (more
-- than one: the job was taken again after a worker died). kind is what the job
-- does: solve (a client's POST .../solve) or night (an operation's nightly
-- replan, of the night named by night). The number 0002 is another change's:
-- the migrations are applied in their numbers' order, a gap allowed.
ALTER TABLE jobs ADD COLUMN kind        text NOT NULL DEFAULT 'solve';
ALTER TABLE jobs ADD COLUMN night       text NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN owner       text NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN lease_until timestamptz;
ALTER TABLE jobs ADD COLUMN cancel      boolean NOT NULL DEFAULT false;
ALTER TABLE jobs ADD COLUMN claims      integer NOT NULL DEFAULT 0;
CREATE INDEX jobs_queue ON jobs (kind, night, started) WHERE state = 'running';

-- nights: each operation's replan of a night, once whichever process takes it
-- (the primary key), with the job that does it and, once it ended, its outcome
-- (done, unchanged, partial, failed), the version it stored and its time. The
-- night's report is read from here; pruning the jobs leaves it.
CREATE TABLE nights (
    night     text NOT NULL,
    operation text NOT NULL,
    job       text NOT NULL,
    queued    timestamptz NOT NULL DEFAULT now(),
    outcome   text NOT NULL DEFAULT '',
    version   integer NOT NULL DEFAULT 0,
    seconds   double precision NOT NULL DEFAULT 0,
    error     text NOT NULL DEFAULT '',
    ended     timestamptz,
    PRIMARY KEY (night, operation)
);
