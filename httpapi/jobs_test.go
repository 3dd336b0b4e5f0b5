package httpapi

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
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
	s = New(Config{Store: st, Tokens: map[string]string{writeTok: RoleWrite, readTok: RoleRead}})
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
	cases := []struct {
		name      string
		change    func(t *testing.T, st *BoltStore, v1 *Version)
		wantState string
		wantError string
	}{
		{"nothing changed", func(*testing.T, *BoltStore, *Version) {}, "done", ""},
		{"replaced during the job", func(t *testing.T, st *BoltStore, v1 *Version) {
			_, _, err := st.AddVersion("op", v1.Base(), &Version{Kind: "replaced", Problem: problemNamed("put")}, Idem{})
			require.NoError(t, err)
		}, "failed", "changed during the solve (version 2 follows version 1"},
		{"deleted and created again during the job", func(t *testing.T, st *BoltStore, v1 *Version) {
			require.NoError(t, st.DeleteOperation("op", ""))
			_, err := st.CreateOperation("op", problemNamed("re-created"))
			require.NoError(t, err)
		}, "failed", "was deleted during the solve"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, _ := openTestStore(t)
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
}
