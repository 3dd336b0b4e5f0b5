package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rehabplan/rehabplan/scheduler"
)

// job is one solve running in the background.
type job struct {
	ID        string
	Operation string
	// Incarnation is the operation's incarnation the job solves.
	Incarnation string
	// kind is the job's kind (jobKind): solve, replan or night.
	kind     string
	mu       sync.Mutex
	state    string // running, done, failed, cancelled
	err      string
	version  int
	started  time.Time
	ended    time.Time
	best     *progressPoint
	history  []progressPoint
	resumed  int
	cancelFn context.CancelFunc
	done     chan struct{}
}

type progressPoint struct {
	Seconds  float64 `json:"seconds"`
	Score    string  `json:"score"`
	Hard     int     `json:"hard"`
	Unplaced int     `json:"unplaced"`
	Soft     float64 `json:"soft"`
}

// progressKept is how many progress points a job keeps: the last ones (a long
// solve improves thousands of times; its status lists the recent trend).
const progressKept = 20

// JobStatus is what GET /v1/jobs/{job} answers.
type JobStatus struct {
	ID        string `json:"id"`
	Operation string `json:"operation"`
	// Kind is what the job does: solve (POST .../solve) or replan (POST
	// .../events with Prefer: respond-async); night for a night's replan.
	Kind    string         `json:"kind"`
	State   string         `json:"state"`
	Error   string         `json:"error,omitempty"`
	Elapsed float64        `json:"elapsed_s"`
	Best    *progressPoint `json:"best,omitempty"`
	// Progress holds the last improvements (at most 20), oldest first.
	Progress []progressPoint `json:"progress"`
	Version  int             `json:"version,omitempty"`
	// Resumed counts the restarts of the server that ran the job again.
	Resumed int `json:"resumed,omitempty"`
	// Replan is, once a replan job stored its version (done, or cancelled with
	// the best plan found), what the synchronous replan answers: the version,
	// its diff, the plan's status and its unplaced interventions.
	Replan *replanAnswer `json:"replan,omitempty"`
}

func (j *job) progress(p scheduler.Progress) {
	j.mu.Lock()
	defer j.mu.Unlock()
	sc := p.Score
	pt := progressPoint{Seconds: p.Elapsed.Seconds(), Score: sc.String(), Hard: sc.Hard, Unplaced: sc.Unplaced, Soft: sc.Soft}
	j.best = &pt
	if len(j.history) == progressKept {
		j.history = append(j.history[:0], j.history[1:]...)
	}
	j.history = append(j.history, pt)
}

func (j *job) status() JobStatus {
	j.mu.Lock()
	defer j.mu.Unlock()
	// wall-clock readings (Round(0) drops the monotonic one), as a stored record
	// has them: the elapsed time reads the same after a restart
	end := j.ended
	if end.IsZero() {
		end = time.Now()
	}
	st := JobStatus{ID: j.ID, Operation: j.Operation, Kind: j.kind, State: j.state, Error: j.err, Elapsed: end.Round(0).Sub(j.started.Round(0)).Seconds(),
		Progress: append([]progressPoint{}, j.history...), Version: j.version, Resumed: j.resumed}
	if j.best != nil {
		b := *j.best
		st.Best = &b
	}
	return st
}

func (j *job) cancel() { j.cancelFn() }

type jobs struct {
	mu      sync.Mutex
	byID    map[string]*job
	running int
	wg      sync.WaitGroup
}

func newJobs() *jobs { return &jobs{byID: map[string]*job{}} }

func newID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// startJob runs f in the background, in a slot of the pool (release gives it
// back; nil: the job takes none), unless MaxJobs already run (force: resumed
// jobs start anyway). The job's record is written to the store (state running)
// before startJob returns, so that a job acknowledged is never lost: a server
// killed during it runs it again at its next start (ResumeJobs). f returns the
// version the job made, not yet stored: the job stores it with its ended record
// in one transaction (Store.FinishJob, on the job's base rec.Incarnation and
// rec.Base) holding the operation's write lock, so that a job whose version is
// stored is never run again, and a job whose base moved (a PUT, a replan, a
// DELETE) stores nothing and fails. A cancelled job still stores the best plan
// found (the solve returns it). rec.ID, when set, is kept (a resumed job);
// otherwise a new id is drawn. When the job ends a log line gives its outcome and
// duration, and the metrics count it.
func (s *Server) startJob(rec JobRecord, force bool, release func(), f func(context.Context, *job) (*Version, error)) (*job, error) {
	return s.startJobRun(rec, force, release, func(ctx context.Context, j *job, rec *JobRecord) (bool, error) {
		v, err := f(ctx, j)
		if err != nil {
			return false, err
		}
		partial := v.Plan != nil && v.Plan.Status == string(scheduler.StatusPartial)
		return partial, finishWords(rec, s.commitJob(ctx, j, rec, v))
	})
}

// startJobRun is startJob for a job that stores its version itself (run ends
// it with commitJob, perhaps after trying again on a base that moved: a
// replan): run returns whether the plan stored is partial, or an error, the
// job failing then with nothing stored.
//
// Long: the job's whole life, from its record to its end, reads in one
// place.
func (s *Server) startJobRun(rec JobRecord, force bool, release func(), run func(context.Context, *job, *JobRecord) (bool, error)) (*job, error) {
	if release == nil {
		release = func() {}
	}
	js := s.jobs
	js.mu.Lock()
	if js.running >= s.cfg.MaxJobs && !force {
		js.mu.Unlock()
		release()
		return nil, errTooManyJobs{s.cfg.MaxJobs}
	}
	js.running++
	if rec.ID == "" {
		rec.ID = newID()
	}
	rec.State = "running"
	if rec.Started.IsZero() {
		rec.Started = time.Now()
	}
	ctx, cancel := context.WithCancel(context.Background())
	j := &job{ID: rec.ID, Operation: rec.Operation, Incarnation: rec.Incarnation, kind: jobKind(rec.Kind), state: "running", started: rec.Started,
		resumed: rec.Resumed, cancelFn: cancel, done: make(chan struct{})}
	js.byID[j.ID] = j
	js.mu.Unlock()
	finish := func() {
		cancel()
		release()
		js.mu.Lock()
		js.running--
		js.mu.Unlock()
	}
	if err := s.cfg.Store.PutJob(&rec); err != nil {
		js.mu.Lock()
		delete(js.byID, j.ID)
		js.mu.Unlock()
		finish()
		return nil, fmt.Errorf("the job could not be recorded: %w", err)
	}
	js.wg.Add(1)
	go func() {
		defer js.wg.Done()
		defer close(j.done)
		partial, err := run(ctx, j, &rec)
		partial = partial || ctx.Err() != nil
		if errors.Is(err, errGivenBack) {
			// its record stays running, for the next start
			s.cfg.Logger.Info("job left to the next start", "job", rec.ID, "kind", j.kind, "operation", rec.Operation)
			j.mu.Lock()
			j.ended, j.err = time.Now(), err.Error()
			j.mu.Unlock()
			finish()
			return
		}
		if err != nil {
			rec.Ended = time.Now()
			j.scoreInto(&rec)
			rec.State, rec.Error, rec.Version = "failed", err.Error(), 0
			if errors.Is(err, errCancelledEarly) {
				rec.State = "cancelled"
			}
			if err := s.cfg.Store.PutJob(&rec); err != nil {
				s.cfg.Logger.Warn("job record not updated", "job", rec.ID, "cause", rootCause(err).Error())
			}
		}
		j.mu.Lock()
		j.ended, j.state, j.err, j.version = rec.Ended, rec.State, rec.Error, rec.Version
		j.mu.Unlock()
		d := rec.Ended.Sub(rec.Started)
		s.metrics.jobsEnded.WithLabelValues(j.kind, rec.State).Inc()
		s.metrics.jobSeconds.WithLabelValues(j.kind, rec.State).Observe(d.Seconds())
		// ids, outcome and figures only: never a household's data
		s.cfg.Logger.Info("job ended", "job", rec.ID, "kind", j.kind, "operation", rec.Operation, "outcome", rec.State,
			"ms", d.Milliseconds(), "partial", partial, "resumed", rec.Resumed, "version", rec.Version)
		finish()
	}()
	return j, nil
}

// commitJob ends a job that made v: its record, done (cancelled when ctx
// ended: the best plan so far), is stored with v (finishJob); rec.Version is
// then v's number.
func (s *Server) commitJob(ctx context.Context, j *job, rec *JobRecord, v *Version) error {
	rec.Ended = time.Now()
	j.scoreInto(rec)
	rec.State = "done"
	if ctx.Err() != nil {
		rec.State = "cancelled" // the best plan so far is stored as rec.Version
	}
	return s.finishJob(rec, v)
}

// scoreInto copies the job's best score into its record.
func (j *job) scoreInto(rec *JobRecord) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.best != nil {
		b := *j.best
		rec.Best, rec.Score = b.Score, &b
	}
}

// jobKind is the kind a job's status says: solve, replan or night.
func jobKind(kind string) string {
	if kind == "" {
		return JobSolve
	}
	return kind
}

// finishJob stores a job's version and its ended record, holding the operation's
// write lock; the store's error is returned as it is (finishWords says it in
// words a client understands).
func (s *Server) finishJob(rec *JobRecord, v *Version) error {
	unlock := s.lockOp(rec.Operation)
	defer unlock()
	_, err := s.cfg.Store.FinishJob(rec, v)
	return err
}

type errTooManyJobs struct{ max int }

func (e errTooManyJobs) Error() string {
	return fmt.Sprintf("%d solve jobs already run or wait (the limit); retry later", e.max)
}

// recordStatus is the status of a job known only from its record (a job of an
// earlier run of the server).
func recordStatus(rec *JobRecord) JobStatus {
	st := JobStatus{ID: rec.ID, Operation: rec.Operation, Kind: jobKind(rec.Kind), State: rec.State, Error: rec.Error, Version: rec.Version,
		Progress: append([]progressPoint{}, rec.Progress...), Resumed: rec.Resumed}
	switch {
	case !rec.Ended.IsZero():
		st.Elapsed = rec.Ended.Sub(rec.Started).Seconds()
	case rec.State == "running":
		// queued, or run by another instance or a worker (PGStore)
		st.Elapsed = time.Since(rec.Started).Seconds()
	}
	switch {
	case rec.Score != nil:
		b := *rec.Score
		st.Best = &b
	case rec.Best != "":
		st.Best = &progressPoint{Seconds: st.Elapsed, Score: rec.Best}
	}
	return st
}

func (js *jobs) get(id string) *job {
	js.mu.Lock()
	defer js.mu.Unlock()
	return js.byID[id]
}

// cancelIncarnation cancels the running jobs of an incarnation of op (it was
// deleted: they can store nothing).
func (js *jobs) cancelIncarnation(op, incarnation string) {
	js.mu.Lock()
	defer js.mu.Unlock()
	for _, j := range js.byID {
		if j.Operation == op && j.Incarnation == incarnation {
			j.cancelFn()
		}
	}
}

// prune forgets the jobs that ended before the given time.
func (js *jobs) prune(before time.Time) int {
	js.mu.Lock()
	defer js.mu.Unlock()
	n := 0
	for id, j := range js.byID {
		j.mu.Lock()
		ended := j.ended
		j.mu.Unlock()
		if !ended.IsZero() && ended.Before(before) {
			delete(js.byID, id)
			n++
		}
	}
	return n
}

func (js *jobs) cancelAll() {
	js.mu.Lock()
	defer js.mu.Unlock()
	for _, j := range js.byID {
		j.cancelFn()
	}
}

func (js *jobs) wait(ctx context.Context) {
	done := make(chan struct{})
	go func() { js.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}
