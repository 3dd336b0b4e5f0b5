package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The kinds of queued jobs.
const (
	JobSolve = "solve" // a client's solve of one version
	JobNight = "night" // an operation's nightly replan
	// JobReplan is a client's events applied and replanned (POST .../events
	// with Prefer: respond-async): its record carries the events.
	JobReplan = "replan"
)

// ErrLeaseLost is the error of a claim that is no longer its holder's: its
// lease lapsed and another process took the job, or the job ended. Nothing is
// written under a lost claim.
var ErrLeaseLost = errors.New("the job's lease was lost")

// Claim is a job taken from the queue: its record and the token that holds it
// (the holder's name and a random id: two claims of one process differ).
type Claim struct {
	Job   JobRecord
	Token string
	// Cancel: the job was asked to stop before it was claimed.
	Cancel bool
}

// ms is a duration in milliseconds, for the statements' intervals.
func ms(d time.Duration) int64 { return d.Milliseconds() }

// Claim takes the oldest running job of one of the kinds (and of the night, when
// not empty) that nobody holds: never claimed, released, or its lease lapsed (its
// holder died). The row is locked with FOR UPDATE SKIP LOCKED, so that processes
// claiming at once take different jobs, and given to owner until now + lease (the
// database's clock, the same for every process). It returns nil when there is no
// such job.
func (s *PGStore) Claim(ctx context.Context, owner string, lease time.Duration, kinds []string, night string) (*Claim, error) {
	token := owner + " " + newID()
	var data []byte
	var claims int
	var cancel bool
	err := s.pool.QueryRow(ctx, `UPDATE jobs j SET owner = $1, lease_until = clock_timestamp() + $2 * interval '1 millisecond', claims = j.claims + 1
		FROM (SELECT id FROM jobs WHERE state = 'running' AND kind = ANY($3) AND ($4 = '' OR night = $4)
			AND (owner = '' OR lease_until IS NULL OR lease_until < clock_timestamp())
			ORDER BY started, id LIMIT 1 FOR UPDATE SKIP LOCKED) c
		WHERE j.id = c.id
		RETURNING j.record, j.claims, j.cancel`, token, ms(lease), kinds, night).Scan(&data, &claims, &cancel)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c := &Claim{Token: token, Cancel: cancel}
	if err := json.Unmarshal(data, &c.Job); err != nil {
		return nil, fmt.Errorf("stored job: %w", err)
	}
	c.Job.Resumed = max(c.Job.Resumed, claims-1)
	return c, nil
}

// Renew extends a claim's lease to now + lease, writing rec (the job's progress)
// when not nil. It says whether the job was asked to stop; ErrLeaseLost when the
// claim is no longer the token's.
func (s *PGStore) Renew(ctx context.Context, id, token string, lease time.Duration, rec *JobRecord) (cancel bool, err error) {
	var data []byte
	if rec != nil {
		if data, err = json.Marshal(rec); err != nil {
			return false, err
		}
	}
	err = s.pool.QueryRow(ctx, `UPDATE jobs SET lease_until = clock_timestamp() + $3 * interval '1 millisecond', record = coalesce($4, record)
		WHERE id = $1 AND owner = $2 AND state = 'running' RETURNING cancel`, id, token, ms(lease), data).Scan(&cancel)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, fmt.Errorf("job %s: %w", id, ErrLeaseLost)
	}
	return cancel, err
}

// Release gives a claimed job back to the queue (its holder stops: another
// takes it at once). A claim already lost is left alone.
func (s *PGStore) Release(ctx context.Context, id, token string) error {
	_, err := s.pool.Exec(ctx, "UPDATE jobs SET owner = '', lease_until = NULL WHERE id = $1 AND owner = $2 AND state = 'running'", id, token)
	return err
}

// UnendedJobs counts the jobs of kind that have not ended, held or waiting to be
// claimed (the index jobs_queue serves it).
func (s *PGStore) UnendedJobs(kind string) (int, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	var n int
	err := s.pool.QueryRow(ctx, "SELECT count(*) FROM jobs WHERE state = 'running' AND kind = $1", kind).Scan(&n)
	return n, err
}

// CancelJob asks a running job to stop, whoever holds it (it sees it at its
// next renewal; a job nobody holds yet ends cancelled when claimed). It returns
// the job's record; ErrNotFound when there is no such job. A job that ended is
// left as it is: compare the record's state.
func (s *PGStore) CancelJob(id string) (*JobRecord, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	var data []byte
	err := s.pool.QueryRow(ctx, `UPDATE jobs SET cancel = (state = 'running') WHERE id = $1 RETURNING record`, id).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("job %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	var rec JobRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("stored job %q: %w", id, err)
	}
	return &rec, nil
}

// QueueJob writes the record of a job to queue unless a job of its id exists
// (PutJob would overwrite it): it says whether it wrote it. A job queued under
// an idempotency key (its id drawn from the key) is thus queued once, however
// many instances receive the request at once.
func (s *PGStore) QueueJob(j *JobRecord) (bool, error) {
	data, err := json.Marshal(j)
	if err != nil {
		return false, err
	}
	ctx, cancel := s.ctx()
	defer cancel()
	tag, err := s.pool.Exec(ctx, `INSERT INTO jobs (id, operation, incarnation, state, started, ended, record, kind, night)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
		j.ID, j.Operation, j.Incarnation, j.State, nullTime(j.Started), nullTime(j.Ended), data, jobKind(j.Kind), j.Night)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// NightOutcome is what a night job's end writes in its row of nights.
type NightOutcome struct {
	Outcome string // done, unchanged, partial, failed
	Seconds float64
	Error   string
}

// FinishClaim ends a claimed job: v (when not nil) is stored on the job's base
// as FinishJob stores it, and the job's ended record j written, in one
// transaction that first checks that the claim is still token's (ErrLeaseLost
// otherwise, nothing written): a job thus ends once, whoever held it. A night
// job's row of nights gets night. On success with v, j.Version is set. On
// ErrNotFound or ErrConflict (the base moved) nothing is written: the caller
// ends the job failed, without a version.
func (s *PGStore) FinishClaim(j *JobRecord, token string, v *Version, night *NightOutcome) (*Version, error) {
	if j.State != "done" && j.State != "cancelled" && j.State != "failed" {
		return nil, fmt.Errorf("job %s: finished as %q, not done, cancelled or failed", j.ID, j.State)
	}
	if v != nil && j.State == "failed" {
		return nil, fmt.Errorf("job %s: a failed job stores no version", j.ID)
	}
	var out *Version
	rec := *j
	err := s.update(func(ctx context.Context, tx pgx.Tx) error {
		if v != nil {
			// the operation's row first, as every writer takes it (DeleteOperation
			// then marks the jobs): the same order everywhere, no deadlock
			if _, err := pgHead(ctx, tx, j.Operation, true); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		var owner, state string
		err := tx.QueryRow(ctx, "SELECT owner, state FROM jobs WHERE id = $1 FOR UPDATE", j.ID).Scan(&owner, &state)
		if errors.Is(err, pgx.ErrNoRows) || err == nil && (owner != token || state != "running") {
			return fmt.Errorf("job %s: %w", j.ID, ErrLeaseLost)
		}
		if err != nil {
			return err
		}
		if v != nil {
			out, _, err = pgAddVersion(ctx, tx, j.Operation, Base{Incarnation: j.Incarnation, Version: j.Base}, v, j.idem())
			if err != nil {
				return err
			}
			rec.Version = out.Number
		}
		if err := putJob(ctx, tx, &rec); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE jobs SET owner = '', lease_until = NULL WHERE id = $1", j.ID); err != nil {
			return err
		}
		if night != nil && rec.Kind == JobNight {
			_, err = tx.Exec(ctx, `UPDATE nights SET outcome = $3, version = $4, seconds = $5, error = $6, ended = clock_timestamp()
				WHERE night = $1 AND operation = $2 AND job = $7`, rec.Night, rec.Operation, night.Outcome, rec.Version, night.Seconds, night.Error, rec.ID)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	j.Version = rec.Version
	return out, nil
}

// NightSettings are the settings of the night jobs a process queues.
type NightSettings struct {
	// Now is when the replans are made, as batch --now reads it ("": the clock
	// when each runs).
	Now       string
	TimeLimit time.Duration
	WorkLimit int
	Seed      int64
}

// QueueNight queues the replan of every operation of the store for the night
// (YYYY-MM-DD) that no process queued yet: one row of nights and its job per
// operation, in one transaction; several processes queueing one night at once
// queue each operation once (the primary key of nights). It returns how many
// it queued.
func (s *PGStore) QueueNight(night string, set NightSettings) (int, error) {
	n := 0
	err := s.update(func(ctx context.Context, tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT id, incarnation, version FROM operations ORDER BY id COLLATE "C"`)
		type op struct {
			id, inc string
			version int
		}
		ops, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (op, error) {
			var o op
			return o, r.Scan(&o.id, &o.inc, &o.version)
		})
		if err != nil {
			return err
		}
		now := time.Now().UTC().Truncate(time.Microsecond)
		for _, o := range ops {
			id := newID()
			tag, err := tx.Exec(ctx, "INSERT INTO nights (night, operation, job) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", night, o.id, id)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				continue
			}
			rec := JobRecord{ID: id, Operation: o.id, Incarnation: o.inc, Base: o.version, State: "running", Started: now,
				TimeLimit: set.TimeLimit, WorkLimit: set.WorkLimit, Seed: set.Seed, Kind: JobNight, Night: night, Now: set.Now}
			if err := putJob(ctx, tx, &rec); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// NightRow is one operation's line of a night's report.
type NightRow struct {
	Operation string  `json:"operation"`
	Job       string  `json:"job"`
	Outcome   string  `json:"outcome"` // done, unchanged, partial, failed; "" while queued or running
	Version   int     `json:"version,omitempty"`
	Seconds   float64 `json:"seconds"`
	Error     string  `json:"error,omitempty"`
}

// Night is a night's report: a row per operation queued that night, in the
// byte order of their ids.
func (s *PGStore) Night(night string) ([]NightRow, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	rows, _ := s.pool.Query(ctx, `SELECT operation, job, outcome, version, seconds, error FROM nights
		WHERE night = $1 ORDER BY operation COLLATE "C"`, night)
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (NightRow, error) {
		var n NightRow
		return n, r.Scan(&n.Operation, &n.Job, &n.Outcome, &n.Version, &n.Seconds, &n.Error)
	})
}

// Running counts the running jobs of the kinds (and of the night, when not
// empty), held or not.
func (s *PGStore) Running(ctx context.Context, kinds []string, night string) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, "SELECT count(*) FROM jobs WHERE state = 'running' AND kind = ANY($1) AND ($2 = '' OR night = $2)", kinds, night).Scan(&n)
	return n, err
}
