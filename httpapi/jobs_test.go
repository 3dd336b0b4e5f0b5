package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serverOn starts a server on the store file path; stop closes both.
func serverOn(t *testing.T, path string) (ts *httptest.Server, s *Server, stop func()) {
	t.Helper()
	st, err := OpenBolt(path)
	require.NoError(t, err)
	s = New(Config{Store: st, Tokens: map[string]string{writeTok: RoleWrite, readTok: RoleRead, adminTok: RoleAdmin}})
	ts = httptest.NewServer(s)
	return ts, s, func() { ts.Close(); st.Close() }
}

// A job's outcome is read from its record after a restart of the server.
func TestJobStatusSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	ts, _, stop := serverOn(t, path)
	done := solveExample(t, ts)
	stop()

	ts, _, stop = serverOn(t, path)
	defer stop()
	resp, body := call(t, ts, "GET", "/v1/jobs/"+done.ID, readTok, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	var again JobStatus
	require.NoError(t, json.Unmarshal(body, &again))
	require.Equal(t, "done", again.State)
	require.Equal(t, done.Version, again.Version)
	require.NotNil(t, again.Best)
	resp, body = call(t, ts, "GET", "/v1/jobs/"+done.ID+"/plan", readTok, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	var plan model.Plan
	require.NoError(t, json.Unmarshal(body, &plan))
	require.Empty(t, scheduler.Verify(gen.Example(), &plan))
	resp, _ = call(t, ts, "DELETE", "/v1/jobs/"+done.ID, writeTok, nil)
	require.Equal(t, 409, resp.StatusCode, "an ended job cannot be cancelled")
	resp, _ = call(t, ts, "GET", "/v1/jobs/nosuchjob", readTok, nil)
	require.Equal(t, 404, resp.StatusCode)
}

// A job the store records as running (the server stopped during it) runs again at
// the next start, under its own id, and stores its plan.
func TestJobLeftRunningIsResumed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st, err := OpenBolt(path)
	require.NoError(t, err)
	v1, err := st.CreateOperation("op-les-tilleuls", gen.Example())
	require.NoError(t, err)
	started := time.Now().Add(-time.Minute)
	require.NoError(t, st.PutJob(&JobRecord{ID: "interrupted", Operation: "op-les-tilleuls", Incarnation: v1.Incarnation, State: "running", Base: 1,
		Started: started, TimeLimit: 30 * time.Second, WorkLimit: 2, Seed: 1}))
	require.NoError(t, st.PutJob(&JobRecord{ID: "orphan", Operation: "gone", State: "running", Base: 1, Started: started}))
	require.NoError(t, st.PutJob(&JobRecord{ID: "finished", Operation: "op-les-tilleuls", State: "failed", Error: "x", Base: 1, Started: started}))
	require.NoError(t, st.Close())

	ts, s, stop := serverOn(t, path)
	defer stop()
	n, err := s.ResumeJobs()
	require.NoError(t, err)
	require.Equal(t, 1, n)
	done := waitJob(t, ts, "interrupted")
	require.Equal(t, "done", done.State, done.Error)
	require.Equal(t, 2, done.Version)
	require.Equal(t, 1, done.Resumed)
	_, body := call(t, ts, "GET", "/v1/operations/op-les-tilleuls/plan", readTok, nil)
	var plan model.Plan
	require.NoError(t, json.Unmarshal(body, &plan))
	require.Empty(t, scheduler.Verify(gen.Example(), &plan))

	_, body = call(t, ts, "GET", "/v1/jobs/orphan", readTok, nil)
	var orphan JobStatus
	require.NoError(t, json.Unmarshal(body, &orphan))
	require.Equal(t, "failed", orphan.State)
	require.Contains(t, orphan.Error, `operation "gone"`)

	// the record now says done: a second start resumes nothing
	rec, err := s.cfg.Store.GetJob("interrupted")
	require.NoError(t, err)
	require.Equal(t, "done", rec.State)
	require.Equal(t, 1, rec.Resumed)
	n, err = s.ResumeJobs()
	require.NoError(t, err)
	require.Zero(t, n)
}

// TestJobEndsFailedWhenItsBaseMoved: a job stores its version only on the base it
// started from; when the operation was replaced, or deleted and created again,
// while it ran, it ends failed and stores nothing (issue 14, points 1 and 2).
func TestJobEndsFailedWhenItsBaseMoved(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		cases := []struct {
			name      string
			change    func(t *testing.T, st Store, v1 *Version)
			wantState string
			wantError string
		}{
			{"nothing changed", func(*testing.T, Store, *Version) {}, "done", ""},
			{"replaced during the job", func(t *testing.T, st Store, v1 *Version) {
				_, _, err := st.AddVersion("op", v1.Base(), &Version{Kind: "replaced", Problem: problemNamed("put")}, Idem{})
				require.NoError(t, err)
			}, "failed", "changed during the solve (version 2 follows version 1"},
			{"deleted and created again during the job", func(t *testing.T, st Store, v1 *Version) {
				require.NoError(t, st.DeleteOperation("op", ""))
				_, err := st.CreateOperation("op", problemNamed("re-created"))
				require.NoError(t, err)
			}, "failed", "was deleted during the solve"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				st := k.open(t)
				v1, err := st.CreateOperation("op", problemNamed("created"))
				require.NoError(t, err)
				before := make(chan struct{})
				s := New(Config{Store: st, MaxJobs: 1})
				j, err := s.startJob(JobRecord{Operation: "op", Incarnation: v1.Incarnation, Base: 1}, false, nil,
					func(context.Context, *job) (*Version, error) {
						<-before
						return &Version{Kind: "solved", Problem: v1.Problem, Plan: &model.Plan{Status: "feasible"}}, nil
					})
				require.NoError(t, err)
				tc.change(t, st, v1)
				headBefore, err := st.Head("op")
				require.NoError(t, err)
				close(before)
				<-j.done
				status := j.status()
				require.Equal(t, tc.wantState, status.State, status.Error)
				rec, err := st.GetJob(j.ID)
				require.NoError(t, err)
				assert.Equal(t, tc.wantState, rec.State)
				latest, err := st.Latest("op")
				require.NoError(t, err)
				if tc.wantError == "" {
					assert.Equal(t, 2, status.Version)
					assert.Equal(t, 2, rec.Version)
					assert.Equal(t, "solved", latest.Kind)
					return
				}
				assert.Contains(t, status.Error, tc.wantError)
				assert.Zero(t, rec.Version)
				assert.Equal(t, headBefore, latest.Base(), "nothing stored")
				assert.NotEqual(t, "solved", latest.Kind)
			})
		}
	})
}

// logBuffer is a logger's output, safe for a job's goroutine to write.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newJobServer(t *testing.T, cfg Config) (*httptest.Server, *Server, *logBuffer) {
	t.Helper()
	return newJobServerOn(t, storeKinds[0], cfg)
}

// newJobServerOn is newJobServer on a new store of kind k.
func newJobServerOn(t *testing.T, k storeKind, cfg Config) (*httptest.Server, *Server, *logBuffer) {
	t.Helper()
	st := k.open(t)
	logs := &logBuffer{}
	cfg.Store = st
	cfg.Tokens = map[string]string{writeTok: RoleWrite, readTok: RoleRead} // cfg.TokenSet, when given, adds its own
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	s := New(cfg)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	workQueue(t, s, st)
	return ts, s, logs
}

// startLongSolve creates the example and starts a solve of 30 s.
func startLongSolve(t *testing.T, ts *httptest.Server) JobStatus {
	t.Helper()
	resp, body := call(t, ts, "POST", "/v1/operations", writeTok, exampleJSON(t))
	require.Equal(t, 201, resp.StatusCode, string(body))
	resp, body = call(t, ts, "POST", "/v1/operations/op-les-tilleuls/solve?time_limit=30s", writeTok, nil)
	require.Equal(t, 202, resp.StatusCode, string(body))
	var st JobStatus
	require.NoError(t, json.Unmarshal(body, &st))
	return st
}

// A cancelled job's best plan is stored and served (issue 14, defect 7: its
// /plan answered 409); its progress lists the last points only; its end is logged
// with outcome and duration, and counted, and the log holds no household's data.
func TestCancelledJobPlanIsServed(t *testing.T) {
	ts, _, logs := newJobServer(t, Config{})
	st := startLongSolve(t, ts)
	time.Sleep(700 * time.Millisecond) // some improvements
	resp, body := call(t, ts, "DELETE", "/v1/jobs/"+st.ID, writeTok, nil)
	require.Equal(t, 202, resp.StatusCode, string(body))
	st = waitJob(t, ts, st.ID)
	require.Equal(t, "cancelled", st.State, st.Error)
	require.Equal(t, 2, st.Version)
	require.LessOrEqual(t, len(st.Progress), progressKept)
	resp, body = call(t, ts, "GET", "/v1/jobs/"+st.ID+"/plan", readTok, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	var plan model.Plan
	require.NoError(t, json.Unmarshal(body, &plan))
	require.Empty(t, scheduler.Verify(gen.Example(), &plan))

	line := ""
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, `msg="job ended"`) {
			line = l
		}
	}
	require.Contains(t, line, "outcome=cancelled")
	require.Contains(t, line, "partial=true")
	require.Regexp(t, `ms=[0-9]+`, line)
	p := gen.Example()
	for _, h := range p.Households {
		require.NotContains(t, logs.String(), h.ID+" ", "a household in the logs")
	}
	for _, pr := range p.Profiles {
		require.NotContains(t, logs.String(), pr.ID, "a profile in the logs")
	}
	_, body = call(t, ts, "GET", "/metrics", "", nil)
	require.Contains(t, string(body), `rehabplan_jobs_ended_total{kind="solve",outcome="cancelled"} 1`)
	require.Contains(t, string(body), `rehabplan_job_seconds_count{kind="solve",outcome="cancelled"} 1`)
	require.Contains(t, string(body), "rehabplan_pool_slots 4")
	require.Contains(t, string(body), "rehabplan_pool_busy 0")
	require.Contains(t, string(body), "go_goroutines")
}

// A job's status reads the same after a restart of the server: state, version,
// best score with its parts, elapsed time (issue 14, defect 7).
func TestJobScoreSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	ts, _, stop := serverOn(t, path)
	done := solveExample(t, ts)
	require.NotNil(t, done.Best)
	stop()
	ts, _, stop = serverOn(t, path)
	defer stop()
	_, body := call(t, ts, "GET", "/v1/jobs/"+done.ID, readTok, nil)
	var again JobStatus
	require.NoError(t, json.Unmarshal(body, &again))
	require.Equal(t, *done.Best, *again.Best)
	require.InDelta(t, done.Elapsed, again.Elapsed, 0.001)
	require.Equal(t, done.Version, again.Version)
}

// Ended jobs are forgotten after the retention: their records and their entries
// in memory (issue 14, defect 7: the job map was never pruned).
func TestEndedJobsArePruned(t *testing.T) {
	ts, s, _ := newJobServer(t, Config{JobRetention: 300 * time.Millisecond})
	done := solveExample(t, ts)
	resp, _ := call(t, ts, "GET", "/v1/jobs/"+done.ID, readTok, nil)
	require.Equal(t, 200, resp.StatusCode)
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, _ = call(t, ts, "GET", "/v1/jobs/"+done.ID, readTok, nil)
		if resp.StatusCode == 404 {
			break
		}
		require.True(t, time.Now().Before(deadline), "the ended job was never pruned")
		time.Sleep(50 * time.Millisecond)
	}
	require.Nil(t, s.jobs.get(done.ID))
	_, err := s.cfg.Store.GetJob(done.ID)
	require.ErrorIs(t, err, ErrNotFound)
}

// A job the store records as running whose plan is already stored (a store
// written when a job's version and its record were two writes, killed between
// them) ends done at the next start, without running again (issue 14, defect 7:
// it ran again and ended failed).
func TestResumedJobWithItsPlanStoredEndsDone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st, err := OpenBolt(path)
	require.NoError(t, err)
	v1, err := st.CreateOperation("op-les-tilleuls", gen.Example())
	require.NoError(t, err)
	started := time.Now().Add(-time.Minute)
	require.NoError(t, st.PutJob(&JobRecord{ID: "stored", Operation: "op-les-tilleuls", Incarnation: v1.Incarnation, State: "running", Base: 1,
		Started: started, TimeLimit: 30 * time.Second, WorkLimit: 2, Seed: 1}))
	res, err := scheduler.Solve(context.Background(), gen.Example(), &scheduler.Settings{WorkLimit: 2, Seed: 1, Workers: 1})
	require.NoError(t, err)
	require.Empty(t, scheduler.Verify(v1.Problem, res.Plan))
	_, _, err = st.AddVersion("op-les-tilleuls", v1.Base(), &Version{Kind: "solved", Problem: v1.Problem, Plan: res.Plan}, Idem{})
	require.NoError(t, err)
	require.NoError(t, st.Close())

	ts, s, stop := serverOn(t, path)
	defer stop()
	n, err := s.ResumeJobs()
	require.NoError(t, err)
	require.Zero(t, n, "a job whose plan is stored ran again")
	_, body := call(t, ts, "GET", "/v1/jobs/stored", readTok, nil)
	var job JobStatus
	require.NoError(t, json.Unmarshal(body, &job))
	require.Equal(t, "done", job.State, job.Error)
	require.Equal(t, 2, job.Version)
	resp, _ := call(t, ts, "GET", "/v1/jobs/stored/plan", readTok, nil)
	require.Equal(t, 200, resp.StatusCode)
	require.Len(t, versionsOf(t, ts, "op-les-tilleuls"), 2)
}

// The pool of heavy work: a solve holds a slot; when none is free, heavy reads
// (a version not in the answer cache) wait in the queue, then get 429 with
// Retry-After; light reads are served; the metrics show the saturation and the
// refusals (issue 14, defect 4).
func TestPoolFullIs429(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		// MaxQueuedJobs: with PostgreSQL, the queue's bound (the second solve)
		ts, s, _ := newJobServerOn(t, k, Config{PoolSize: 1, PoolQueue: 1, PoolWait: 100 * time.Millisecond, MaxQueuedJobs: 1})
		st := startLongSolve(t, ts)
		// with PostgreSQL the job waits in the queue until the worker claims it
		require.Eventually(t, func() bool { _, busy, _, _ := s.pool.stats(); return busy == 1 }, 10*time.Second, 20*time.Millisecond, "the solve holds the pool's slot")
		resp, body := call(t, ts, "GET", "/v1/operations/op-les-tilleuls/versions/1", readTok, nil)
		require.Equal(t, 429, resp.StatusCode, string(body))
		require.Equal(t, "1", resp.Header.Get("Retry-After"))
		resp, body = call(t, ts, "POST", "/v1/operations/op-les-tilleuls/solve", writeTok, nil)
		require.Equal(t, 429, resp.StatusCode, string(body))
		resp, _ = call(t, ts, "GET", "/v1/operations/op-les-tilleuls/versions", readTok, nil)
		require.Equal(t, 200, resp.StatusCode, "a light read waits for nothing")
		_, body = call(t, ts, "GET", "/metrics", "", nil)
		require.Contains(t, string(body), "rehabplan_pool_busy 1")
		require.Contains(t, string(body), "rehabplan_pool_rejected_total 2")
		call(t, ts, "DELETE", "/v1/jobs/"+st.ID, writeTok, nil)
		waitJob(t, ts, st.ID)
		resp, body = call(t, ts, "GET", "/v1/operations/op-les-tilleuls/versions/1", readTok, nil)
		require.Equal(t, 200, resp.StatusCode, string(body))
	})
}

func TestAnswerCacheKeepsItsBudget(t *testing.T) {
	c := newAnswerCache(100)
	b := Base{Incarnation: "i", Version: 1}
	vw := &view{role: RoleViewer}
	c.put(answerKey("a", b, "plan", vw), make([]byte, 20))
	c.put(answerKey("b", b, "plan", vw), make([]byte, 20))
	c.put(answerKey("big", b, "plan", vw), make([]byte, 26)) // over a quarter: not kept
	require.Nil(t, c.get(answerKey("big", b, "plan", vw)))
	require.NotNil(t, c.get(answerKey("a", b, "plan", vw))) // a is the most recent now
	for i := 0; i < 4; i++ {
		c.put(answerKey("c", Base{"i", i}, "plan", vw), make([]byte, 20))
	}
	require.LessOrEqual(t, c.used, int64(100))
	require.Nil(t, c.get(answerKey("b", b, "plan", vw)), "the least recently used goes first")
	c.drop("c")
	require.Nil(t, c.get(answerKey("c", Base{"i", 3}, "plan", vw)))
	require.Equal(t, int64(20), c.used)
	require.Nil(t, c.get(answerKey("a", b, "plan", &view{role: RoleManager})), "another view is another key")
}

// A job's status lists its last improvements only (issue 14, defect 7: it
// listed every one), and its best is the last.
func TestJobProgressIsThinned(t *testing.T) {
	j := &job{state: "running", started: time.Now()}
	for i := 0; i < 500; i++ {
		j.progress(scheduler.Progress{Elapsed: time.Duration(i) * time.Millisecond, Score: scheduler.Score{Soft: float64(1000 - i)}})
	}
	st := j.status()
	require.Len(t, st.Progress, progressKept)
	require.Equal(t, 0.499, st.Progress[progressKept-1].Seconds)
	require.Equal(t, float64(1000-500+progressKept), st.Progress[0].Soft)
	require.Equal(t, st.Progress[progressKept-1], *st.Best)
}
