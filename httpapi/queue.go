package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rehabplan/rehabplan/scheduler"
)

// NightFunc replans one operation for the night, from its latest version: it
// returns the version to store after it (nil when nothing changed) and the
// outcome (done, unchanged or partial). The batch command gives it (package
// batch decides what a night changes).
// now is the job's moment as batch --now gave it ("": the clock).
type NightFunc func(ctx context.Context, latest *Version, now string, set *scheduler.Settings) (next *Version, outcome string, err error)

// Worker takes jobs from a PGStore's queue and runs them, Slots at a time: the
// solve and replan jobs any service queued, and the night jobs of rehabplan batch. Any
// number of workers (rehabplan worker, rehabplan serve, rehabplan batch, on any
// machine) share one database.
//
// A job is claimed with a lease (Lease, default 30 s) that the worker renews
// every Lease/3 while it runs; a worker that dies stops renewing, and once its
// lease has lapsed another worker claims the job and runs it from the start. A
// renewal also writes the job's progress (its best score, read by GET
// /v1/jobs/{job} on any instance) and reads whether the job was asked to stop
// (DELETE of the job or of its operation, on any instance): the worker then
// cancels its search, as a service cancels its own jobs. A job ends through
// PGStore.FinishClaim, which checks the claim in the transaction that stores the
// version on the job's base: a job ends once, and its version is stored once,
// however many workers died or lost their lease during it. A worker whose ctx
// ends gives its running jobs back to the queue (stored nothing) rather than
// ending them.
type Worker struct {
	Store *PGStore
	// Name says who holds a claim (host and process); each claim adds a random id.
	Name  string
	Slots int
	Lease time.Duration
	// Poll is how often an idle slot looks for a job (default 1 s, jittered).
	Poll time.Duration
	// Kinds are the kinds of jobs taken (default JobSolve and JobReplan, and
	// JobNight when Replan is set); Night, when set, takes that night's jobs only.
	Kinds []string
	Night string
	// UntilDone: Run returns once no job of its kinds (and night) is running,
	// held by this worker or another (the batch waits for the night's end).
	UntilDone bool
	// MaxSolveTime bounds a job's search (default 5 minutes).
	MaxSolveTime time.Duration
	Replan       NightFunc
	Logger       *slog.Logger

	// set by Server.Work: the service's live jobs, metrics and pool (acquire
	// waits for a slot, until ctx ends)
	jobs    *jobs
	ended   func(rec *JobRecord, d time.Duration)
	acquire func(ctx context.Context) (release func(), err error)
	// running counts the jobs this worker runs (its Metrics)
	running atomic.Int64
}

func (w *Worker) defaults() {
	if w.Slots <= 0 {
		w.Slots = 1
	}
	if w.Lease <= 0 {
		w.Lease = 30 * time.Second
	}
	if w.Poll <= 0 {
		w.Poll = time.Second
	}
	if w.MaxSolveTime <= 0 {
		w.MaxSolveTime = 5 * time.Minute
	}
	if len(w.Kinds) == 0 {
		w.Kinds = []string{JobSolve, JobReplan}
		if w.Replan != nil {
			w.Kinds = append(w.Kinds, JobNight)
		}
	}
	if w.Logger == nil {
		w.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if w.Name == "" {
		w.Name = "rehabplan"
	}
}

// Run runs the worker's slots until ctx ends (or, with UntilDone, until no job
// is left running); the jobs running when ctx ends are given back to the queue.
func (w *Worker) Run(ctx context.Context) error {
	w.defaults()
	var wg sync.WaitGroup
	for range w.Slots {
		wg.Go(func() { w.slot(ctx) })
	}
	wg.Wait()
	return nil
}

// slot claims and runs one job after another. In a service, it first takes a
// slot of the pool (waiting for one), then claims a job, and gives the slot
// back when it claimed none: a worker runs no job beyond the pool's bound, and
// holds no slot while it waits for a job (between its polls).
func (w *Worker) slot(ctx context.Context) {
	for ctx.Err() == nil {
		release := func() {}
		if w.acquire != nil {
			r, err := w.acquire(ctx)
			if err != nil {
				return // ctx ended
			}
			release = r
		}
		cctx, cancel := context.WithTimeout(ctx, w.Store.timeout)
		c, err := w.Store.Claim(cctx, w.Name, w.Lease, w.Kinds, w.Night)
		cancel()
		if err != nil || c == nil {
			release()
		}
		if err != nil {
			if ctx.Err() == nil {
				w.Logger.Warn("claiming a job", "cause", rootCause(err).Error())
			}
			w.sleep(ctx)
			continue
		}
		if c == nil {
			if w.UntilDone {
				cctx, cancel := context.WithTimeout(ctx, w.Store.timeout)
				n, err := w.Store.Running(cctx, w.Kinds, w.Night)
				cancel()
				if err == nil && n == 0 {
					return
				}
			}
			w.sleep(ctx)
			continue
		}
		w.run(ctx, c, release)
	}
}

// sleep waits about Poll (between half and one and a half), or until ctx ends.
func (w *Worker) sleep(ctx context.Context) {
	d := w.Poll/2 + rand.N(w.Poll)
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// run does one claimed job, renewing its lease, and ends it (or gives it back
// when ctx ends); release gives back the pool's slot the job holds.
func (w *Worker) run(ctx context.Context, c *Claim, release func()) {
	defer release()
	rec := c.Job
	begin := time.Now()
	w.running.Add(1)
	defer w.running.Add(-1)
	jctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	j := &job{ID: rec.ID, Operation: rec.Operation, Incarnation: rec.Incarnation, kind: jobKind(rec.Kind), state: "running", started: rec.Started,
		resumed: rec.Resumed, cancelFn: cancel, done: make(chan struct{})}
	defer close(j.done)
	if w.jobs != nil {
		w.jobs.mu.Lock()
		w.jobs.byID[j.ID] = j
		w.jobs.running++
		w.jobs.mu.Unlock()
		defer func() {
			w.jobs.mu.Lock()
			w.jobs.running--
			w.jobs.mu.Unlock()
		}()
	}
	var stopping, lost atomic.Bool
	renewing := make(chan struct{})
	renewed := make(chan struct{})
	go w.renew(ctx, &rec, c.Token, j, cancel, &stopping, &lost, renewing, renewed)
	var v *Version
	outcome, err, stored := "done", error(nil), false
	switch {
	case c.Cancel:
		// asked to stop before anyone started it: cancelled, no plan; failed
		// when its operation's deletion stopped it, as a job under way
		cancel()
		err = errCancelledEarly
		if h, herr := w.Store.Head(rec.Operation); errors.Is(herr, ErrNotFound) || (herr == nil && h.Incarnation != rec.Incarnation) {
			err = finishWords(&rec, ErrNotFound)
		}
	case rec.Kind == JobReplan:
		// it stores its version itself (on a moved base it tries again)
		outcome, err = w.replan(jctx, &rec, c.Token, j, &stopping)
		stored = err == nil
	default:
		v, outcome, err = w.work(jctx, &rec, j)
	}
	close(renewing)
	<-renewed
	switch {
	case stopping.Load():
		rctx, rcancel := context.WithTimeout(context.Background(), w.Store.timeout)
		if err := w.Store.Release(rctx, rec.ID, c.Token); err != nil {
			w.Logger.Warn("giving a job back", "job", rec.ID, "cause", rootCause(err).Error())
		}
		rcancel()
		w.Logger.Info("job given back to the queue", "job", rec.ID, "operation", rec.Operation)
		w.forget(j)
		return
	case lost.Load():
		w.Logger.Warn("job's lease lost: another worker took it, nothing stored", "job", rec.ID, "operation", rec.Operation)
		w.forget(j)
		return
	}
	w.finish(&rec, c.Token, v, outcome, err, jctx.Err() != nil, stored, j, begin)
}

// renew renews a running job's lease every third of it, carrying its best plan
// and last improvements so that other instances see them, until renewing is
// closed; it cancels the job when the worker stops (stopping), when the lease
// is lost to another worker (lost) or when the store asks it to stop. It
// closes renewed when it returns.
func (w *Worker) renew(ctx context.Context, rec *JobRecord, token string, j *job, cancel context.CancelFunc,
	stopping, lost *atomic.Bool, renewing <-chan struct{}, renewed chan<- struct{}) {
	defer close(renewed)
	t := time.NewTicker(w.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-renewing:
			return
		case <-ctx.Done():
			stopping.Store(true)
			cancel()
			return
		case <-t.C:
			j.mu.Lock() // rec too: a replan job writes it under the lock (its base, its finished record); read it only through snap
			snap := *rec
			if j.best != nil {
				b := *j.best
				snap.Best, snap.Score = b.Score, &b
			}
			snap.Progress = slices.Clone(j.history)
			j.mu.Unlock()
			rctx, rcancel := context.WithTimeout(context.Background(), w.Lease)
			stop, err := w.Store.Renew(rctx, snap.ID, token, w.Lease, &snap)
			rcancel()
			switch {
			case errors.Is(err, ErrLeaseLost):
				lost.Store(true)
				cancel()
				return
			case err != nil:
				// the lease still runs: try again at the next tick
				w.Logger.Warn("renewing a job's lease", "job", snap.ID, "cause", rootCause(err).Error())
			case stop:
				cancel()
			}
		}
	}
}

// errCancelledEarly ends a job asked to stop before any worker started it.
var errCancelledEarly = errors.New("cancelled before a worker started it: no plan")

// finish ends a job: done (or cancelled: asked to stop, its best plan kept) with
// its version, or failed. stored: the job's version and ended record are
// already stored (a replan's, by commitClaim).
func (w *Worker) finish(rec *JobRecord, token string, v *Version, outcome string, err error, cancelled, stored bool, j *job, begin time.Time) {
	if !stored {
		rec.Ended = time.Now()
	}
	j.scoreInto(rec)
	j.mu.Lock()
	rec.Progress = slices.Clone(j.history)
	j.mu.Unlock()
	night := &NightOutcome{Outcome: outcome}
	if err == nil && !stored {
		rec.State = "done"
		if cancelled {
			rec.State = "cancelled"
		}
		night.Seconds = time.Since(begin).Seconds()
		_, err = w.Store.FinishClaim(rec, token, v, night)
		err = finishWords(rec, err)
	}
	if errors.Is(err, ErrLeaseLost) {
		w.Logger.Warn("job's lease lost at its end: another worker took it, nothing stored", "job", rec.ID, "operation", rec.Operation)
		w.forget(j)
		return
	}
	if err != nil {
		rec.State, rec.Error, rec.Version = "failed", err.Error(), 0
		if errors.Is(err, errCancelledEarly) {
			rec.State = "cancelled"
		}
		night = &NightOutcome{Outcome: "failed", Seconds: time.Since(begin).Seconds(), Error: err.Error()}
		if _, err := w.Store.FinishClaim(rec, token, nil, night); err != nil {
			w.Logger.Warn("job record not updated", "job", rec.ID, "cause", rootCause(err).Error())
			w.forget(j)
			return
		}
	}
	j.mu.Lock()
	j.ended, j.state, j.err, j.version = rec.Ended, rec.State, rec.Error, rec.Version
	j.mu.Unlock()
	d := rec.Ended.Sub(rec.Started)
	if w.ended != nil {
		w.ended(rec, d)
	}
	// ids, outcome and figures only: never a household's data
	w.Logger.Info("job ended", "job", rec.ID, "kind", rec.Kind, "operation", rec.Operation, "outcome", rec.State, "night_outcome", night.Outcome,
		"ms", time.Since(begin).Milliseconds(), "resumed", rec.Resumed, "version", rec.Version)
}

// forget drops a job this worker no longer holds from the service's live jobs
// (its status is then read from its record).
func (w *Worker) forget(j *job) {
	if w.jobs == nil {
		return
	}
	w.jobs.mu.Lock()
	if w.jobs.byID[j.ID] == j {
		delete(w.jobs.byID, j.ID)
	}
	w.jobs.mu.Unlock()
}

// work does a job: a solve of its version, or a night's replan of its
// operation's latest version (rec.Base set to it).
func (w *Worker) work(ctx context.Context, rec *JobRecord, j *job) (*Version, string, error) {
	set := &scheduler.Settings{TimeLimit: min(rec.TimeLimit, w.MaxSolveTime), WorkLimit: rec.WorkLimit, Seed: rec.Seed, Workers: 1, Progress: j.progress}
	if set.TimeLimit <= 0 {
		set.TimeLimit = 10 * time.Second
	}
	switch rec.Kind {
	case "", JobSolve:
		v, err := w.Store.Get(rec.Operation, rec.Base)
		if err == nil && v.Incarnation != rec.Incarnation {
			err = fmt.Errorf("operation %q: %w", rec.Operation, ErrNotFound)
		}
		if err != nil {
			return nil, "", finishWords(rec, err)
		}
		res, err := scheduler.Solve(ctx, v.Problem, set)
		if err != nil {
			return nil, "", err
		}
		if len(res.Violations) > 0 {
			return nil, "", fmt.Errorf("the plan breaks %d hard rules (a bug): not stored", len(res.Violations))
		}
		outcome := "done"
		if res.Plan.Status == string(scheduler.StatusPartial) {
			outcome = "partial"
		}
		return &Version{Kind: "solved", Problem: v.Problem, Plan: res.Plan}, outcome, nil
	case JobNight:
		if w.Replan == nil {
			return nil, "", fmt.Errorf("job %s: a night job taken by a worker that cannot replan", rec.ID)
		}
		v, err := w.Store.Latest(rec.Operation)
		if err == nil && v.Incarnation != rec.Incarnation {
			err = fmt.Errorf("operation %q: %w", rec.Operation, ErrNotFound)
		}
		if err != nil {
			return nil, "", finishWords(rec, err)
		}
		j.mu.Lock()
		rec.Base = v.Number
		j.mu.Unlock()
		return w.Replan(ctx, v, rec.Now, set)
	}
	return nil, "", fmt.Errorf("job %s: unknown kind %q", rec.ID, rec.Kind)
}

// finishWords says a store's refusal of a job's version in words a client
// understands: the base moved, or the operation was deleted.
func finishWords(rec *JobRecord, err error) error {
	what, done := "the solve", "solved"
	switch rec.Kind {
	case JobNight:
		what, done = "the night's replan", "replanned"
	case JobReplan:
		what, done = "the replan", "replanned"
	}
	var ce *ConflictError
	switch {
	case errors.As(err, &ce):
		return fmt.Errorf("operation %q changed during %s (version %d follows version %d, which was %s): nothing stored", rec.Operation, what, ce.Current.Version, rec.Base, done)
	case errors.Is(err, ErrNotFound):
		return fmt.Errorf("operation %q was deleted during %s: nothing stored", rec.Operation, what)
	}
	return err
}

// Work runs w in the service: its jobs are the service's live jobs (their
// progress read here, their end counted in the metrics and logged in its log),
// and each takes a slot of the service's pool before it is claimed: a job is
// claimed only when a slot is free (a full pool leaves it in the queue, for
// this worker later or another instance's).
func (s *Server) Work(ctx context.Context, w *Worker) error {
	w.jobs = s.jobs
	if w.Logger == nil {
		w.Logger = s.cfg.Logger
	}
	w.MaxSolveTime = s.cfg.MaxSolveTime
	// the job's size is not known before its claim: it weighs as a solve of
	// unknown size
	w.acquire = func(ctx context.Context) (func(), error) { return s.pool.await(ctx, defaultWeight) }
	w.ended = func(rec *JobRecord, d time.Duration) {
		s.metrics.jobsEnded.WithLabelValues(jobKind(rec.Kind), rec.State).Inc()
		s.metrics.jobSeconds.WithLabelValues(jobKind(rec.Kind), rec.State).Observe(d.Seconds())
	}
	return w.Run(ctx)
}
