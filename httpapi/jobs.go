package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/rehabplan/rehabplan/solver"
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
	best      *solver.Score
	history   []progressPoint
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
}

func (j *job) progress(p solver.Progress) {
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
		Progress: append([]progressPoint{}, j.history...), Version: j.version}
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

// start runs f in the background unless max jobs already run. A cancelled job
// still stores the best plan found (the solve returns it).
func (js *jobs) start(op string, max int, f func(context.Context, *job) (*Version, error)) (*job, error) {
	js.mu.Lock()
	if js.running >= max {
		js.mu.Unlock()
		return nil, fmt.Errorf("%d solve jobs already run (the limit); retry later", max)
	}
	js.running++
	ctx, cancel := context.WithCancel(context.Background())
	j := &job{ID: newID(), Operation: op, state: "running", started: time.Now(), cancelFn: cancel, done: make(chan struct{})}
	js.byID[j.ID] = j
	js.mu.Unlock()
	js.wg.Add(1)
	go func() {
		defer js.wg.Done()
		defer close(j.done)
		v, err := f(ctx, j)
		j.mu.Lock()
		j.ended = time.Now()
		switch {
		case err != nil:
			j.state, j.err = "failed", err.Error()
		default:
			j.state, j.version = "done", v.Number
			if ctx.Err() != nil {
				j.state = "cancelled" // the best plan so far is stored as j.version
			}
		}
		j.mu.Unlock()
		cancel()
		js.mu.Lock()
		js.running--
		js.mu.Unlock()
	}()
	return j, nil
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
