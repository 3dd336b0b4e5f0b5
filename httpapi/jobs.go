package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/rehabplan/rehabplan/scheduler"
)

// job is one solve running in the background.
type job struct {
	ID        string
	Operation string
	mu        sync.Mutex
	state     string // running, done, failed, cancelled
	err       string
	version   int
	started   time.Time
	ended     time.Time
	best      *scheduler.Score
	history   []progressPoint
	resumed   int
	cancelFn  context.CancelFunc
	done      chan struct{}
}

type progressPoint struct {
	Seconds  float64 `json:"seconds"`
	Score    string  `json:"score"`
	Hard     int     `json:"hard"`
	Unplaced int     `json:"unplaced"`
	Soft     float64 `json:"soft"`
}

// JobStatus is what GET /v1/jobs/{job} answers.
type JobStatus struct {
	ID        string          `json:"id"`
	Operation string          `json:"operation"`
	State     string          `json:"state"`
	Error     string          `json:"error,omitempty"`
	Elapsed   float64         `json:"elapsed_s"`
	Best      *progressPoint  `json:"best,omitempty"`
	Progress  []progressPoint `json:"progress"`
	Version   int             `json:"version,omitempty"`
	// Resumed counts the restarts of the server that ran the job again.
	Resumed int `json:"resumed,omitempty"`
}

func (j *job) progress(p scheduler.Progress) {
	j.mu.Lock()
	defer j.mu.Unlock()
	sc := p.Score
	j.best = &sc
	j.history = append(j.history, progressPoint{Seconds: p.Elapsed.Seconds(), Score: sc.String(), Hard: sc.Hard, Unplaced: sc.Unplaced, Soft: sc.Soft})
}

func (j *job) status() JobStatus {
	j.mu.Lock()
	defer j.mu.Unlock()
	end := j.ended
	if end.IsZero() {
		end = time.Now()
	}
	st := JobStatus{ID: j.ID, Operation: j.Operation, State: j.state, Error: j.err, Elapsed: end.Sub(j.started).Seconds(),
		Progress: append([]progressPoint{}, j.history...), Version: j.version, Resumed: j.resumed}
	if n := len(j.history); n > 0 {
		b := j.history[n-1]
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

// start runs f in the background unless max jobs already run. The job's record
// is written to the store (state running) before start returns, so that a job
// acknowledged is never lost: a server killed during it runs it again at its next
// start (resume). f returns the version the job made, not yet stored: start
// stores it with the job's ended record in one transaction (Store.FinishJob, on
// the job's base rec.Incarnation and rec.Base), so that a job whose version is
// stored is never run again, and a job whose base moved stores nothing and
// fails. A cancelled job still stores the best plan found (the solve returns
// it). rec.ID, when set, is kept (a resumed job); otherwise a new id is drawn.
// force starts the job even beyond max (resumed jobs).
func (js *jobs) start(store Store, rec JobRecord, max int, force bool, log func(msg string, args ...any), f func(context.Context, *job) (*Version, error)) (*job, error) {
	js.mu.Lock()
	if js.running >= max && !force {
		js.mu.Unlock()
		return nil, errTooManyJobs{max}
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
	j := &job{ID: rec.ID, Operation: rec.Operation, state: "running", started: time.Now(), resumed: rec.Resumed, cancelFn: cancel, done: make(chan struct{})}
	js.byID[j.ID] = j
	js.mu.Unlock()
	if err := store.PutJob(&rec); err != nil {
		js.mu.Lock()
		delete(js.byID, j.ID)
		js.running--
		js.mu.Unlock()
		cancel()
		return nil, fmt.Errorf("the job could not be recorded: %w", err)
	}
	js.wg.Add(1)
	go func() {
		defer js.wg.Done()
		defer close(j.done)
		v, err := f(ctx, j)
		rec.Ended = time.Now()
		j.mu.Lock()
		if j.best != nil {
			rec.Best = j.best.String()
		}
		j.mu.Unlock()
		// the record first, so that whoever sees the job ended finds it recorded
		if err == nil {
			rec.State = "done"
			if ctx.Err() != nil {
				rec.State = "cancelled" // the best plan so far is stored as rec.Version
			}
			_, err = store.FinishJob(&rec, v)
		}
		if err != nil {
			rec.State, rec.Error, rec.Version = "failed", err.Error(), 0
			if err := store.PutJob(&rec); err != nil {
				log("job record not updated", "job", rec.ID, "err", err)
			}
		}
		j.mu.Lock()
		j.ended, j.state, j.err, j.version = rec.Ended, rec.State, rec.Error, rec.Version
		j.mu.Unlock()
		cancel()
		js.mu.Lock()
		js.running--
		js.mu.Unlock()
	}()
	return j, nil
}

type errTooManyJobs struct{ max int }

func (e errTooManyJobs) Error() string {
	return fmt.Sprintf("%d solve jobs already run (the limit); retry later", e.max)
}

// recordStatus is the status of a job known only from its record (a job of an
// earlier run of the server).
func recordStatus(rec *JobRecord) JobStatus {
	st := JobStatus{ID: rec.ID, Operation: rec.Operation, State: rec.State, Error: rec.Error, Version: rec.Version,
		Progress: []progressPoint{}, Resumed: rec.Resumed}
	if !rec.Ended.IsZero() {
		st.Elapsed = rec.Ended.Sub(rec.Started).Seconds()
	}
	if rec.Best != "" {
		st.Best = &progressPoint{Seconds: st.Elapsed, Score: rec.Best}
	}
	return st
}

func (js *jobs) get(id string) *job {
	js.mu.Lock()
	defer js.mu.Unlock()
	return js.byID[id]
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
