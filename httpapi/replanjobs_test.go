package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

const (
	replanOp     = "/v1/operations/op-les-tilleuls"
	replanEvents = `{"format":"rehabplan-events/v1","events":[{"id":"slip","type":"delivery_slipped","delivery":"L-windows-1","expected":"2027-03-09T08:00"}]}`
	replanQuery  = "/events?now=2027-02-01T12:00:00%2B01:00&work_limit=2&seed=1"
)

// slipOn are events slipping the windows' delivery to day (of March
// 2027): each later day applies after the earlier ones.
func slipOn(day string) string {
	return `{"format":"rehabplan-events/v1","events":[{"id":"slip-` + day + `","type":"delivery_slipped","delivery":"L-windows-1","expected":"2027-03-` + day + `T08:00"}]}`
}

// createSolved stores op-les-tilleuls (the example) in st and a solved version
// of it, which it returns (version 2), as a server would have.
func createSolved(t *testing.T, st Store) *Version {
	t.Helper()
	_, err := st.CreateOperation("op-les-tilleuls", gen.Example())
	require.NoError(t, err)
	return addSolved(t, st)
}

// addSolved stores a solved version of the example on op-les-tilleuls' latest
// version, and returns it.
func addSolved(t *testing.T, st Store) *Version {
	t.Helper()
	res, err := scheduler.Solve(context.Background(), gen.Example(), &scheduler.Settings{WorkLimit: 2, Seed: 1, Workers: 1})
	require.NoError(t, err)
	require.Empty(t, scheduler.Verify(res.Problem, res.Plan))
	latest, err := st.Latest("op-les-tilleuls")
	require.NoError(t, err)
	v, _, err := st.AddVersion("op-les-tilleuls", latest.Base(), &Version{Kind: "solved", Problem: res.Problem, Plan: res.Plan}, Idem{})
	require.NoError(t, err)
	return v
}

// decodeEvents decodes an events document the test wrote.
func decodeEvents(t *testing.T, doc string) *model.Events {
	t.Helper()
	evs, err := model.DecodeEvents(bytes.NewReader([]byte(doc)))
	require.NoError(t, err)
	return evs
}

// postAsync sends the events with Prefer: respond-async (and the headers hdr).
func postAsync(t *testing.T, ts *httptest.Server, query, events string, hdr ...string) (int, JobStatus, []byte) {
	t.Helper()
	resp, body := call(t, ts, "POST", replanOp+query, writeTok, []byte(events), append([]string{"Prefer", "respond-async"}, hdr...)...)
	var st JobStatus
	if resp.StatusCode == 202 {
		require.NoError(t, json.Unmarshal(body, &st))
		require.Equal(t, "/v1/jobs/"+st.ID, resp.Header.Get("Location"))
		require.Equal(t, "respond-async", resp.Header.Get("Preference-Applied"))
		require.Equal(t, JobReplan, st.Kind)
	}
	return resp.StatusCode, st, body
}

// A replan sent with Prefer: respond-async is a job: 202 at once, then done with
// the version it stored, whose status answers what the synchronous replan
// answers; the key sent again finds the same job, with another body it is a 422,
// and a synchronous replan with it replays the job's version (issue 14, point 2:
// long-running calls are jobs). On both stores: with PostgreSQL the queue's
// worker runs it.
func TestReplanJob(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		ts, _, logs := newJobServerOn(t, k, Config{})
		solved := solveExample(t, ts)
		code, st, body := postAsync(t, ts, replanQuery, replanEvents, "Idempotency-Key", "async-1")
		require.Equal(t, 202, code, string(body))
		done := waitJob(t, ts, st.ID)
		require.Equal(t, "done", done.State, done.Error)
		require.Equal(t, solved.Version+1, done.Version)
		require.NotNil(t, done.Replan, "the job's status gives the replan's answer")
		require.Equal(t, done.Version, done.Replan.Version)
		require.Equal(t, "op-les-tilleuls", done.Replan.Operation)
		require.NotNil(t, done.Replan.Diff)
		require.Contains(t, []string{string(scheduler.StatusComplete), string(scheduler.StatusPartial)}, done.Replan.Status)
		require.NotNil(t, done.Replan.Unplaced)

		// the version, as a synchronous replan makes it, verified
		_, body = call(t, ts, "GET", replanOp+"/versions/"+itoa(done.Version), readTok, nil)
		var v Version
		require.NoError(t, json.Unmarshal(body, &v))
		require.Equal(t, "replanned", v.Kind)
		require.NotNil(t, v.Events)
		require.Equal(t, "slip", v.Events.Events[0].ID)
		require.Empty(t, scheduler.Verify(v.Problem, v.Plan))

		// the same key and body: the same job; another body: 422
		code, again, body := postAsync(t, ts, replanQuery, replanEvents, "Idempotency-Key", "async-1")
		require.Equal(t, 202, code, string(body))
		require.Equal(t, st.ID, again.ID)
		require.Equal(t, "done", again.State)
		code, _, body = postAsync(t, ts, replanQuery, string(bytes.Replace([]byte(replanEvents), []byte("03-09"), []byte("03-10"), 1)), "Idempotency-Key", "async-1")
		require.Equal(t, 422, code, string(body))
		// a synchronous replan with the key: the job's version, replayed
		resp, body := call(t, ts, "POST", replanOp+replanQuery, writeTok, []byte(replanEvents), "Idempotency-Key", "async-1")
		require.Equal(t, 200, resp.StatusCode, string(body))
		require.Equal(t, "true", resp.Header.Get("Idempotent-Replayed"))
		var sync replanAnswer
		require.NoError(t, json.Unmarshal(body, &sync))
		require.Equal(t, done.Version, sync.Version)
		require.Len(t, versionsOf(t, ts, "op-les-tilleuls"), done.Version, "applied once")

		// a key a synchronous replan used: its answer, replayed (the server
		// chose to answer at once)
		resp, body = call(t, ts, "POST", replanOp+replanQuery, writeTok, []byte(slipOn("16")), "Idempotency-Key", "sync-1")
		require.Equal(t, 201, resp.StatusCode, string(body))
		code, _, body = postAsync(t, ts, replanQuery, slipOn("16"), "Idempotency-Key", "sync-1")
		require.Equal(t, 200, code, string(body))

		// without a key: another job each time
		code, st2, body := postAsync(t, ts, replanQuery, slipOn("23"))
		require.Equal(t, 202, code, string(body))
		require.NotEqual(t, st.ID, st2.ID)
		require.Equal(t, "done", waitJob(t, ts, st2.ID).State)

		// counted and logged by kind
		_, body = call(t, ts, "GET", "/metrics", "", nil)
		require.Contains(t, string(body), `rehabplan_jobs_ended_total{kind="replan",outcome="done"} 2`)
		require.Contains(t, logs.String(), "kind=replan")
	})
}

// A replan job queued while the operation is replaced (PUT) ends failed saying
// so, and writes nothing; one whose base moved by a solve applies its events to
// the new latest version (issue 14, point 2). The job is held queued: on bbolt
// by the operation's replan lock, with PostgreSQL by no worker running yet.
func TestReplanJobBaseMoved(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		st := k.open(t)
		s := New(Config{Store: st, Tokens: map[string]string{writeTok: RoleWrite, readTok: RoleRead}})
		ts := httptest.NewServer(s)
		t.Cleanup(ts.Close)
		t.Cleanup(func() { s.Shutdown(context.Background()) })
		hold := func() (release func()) {
			if _, ok := st.(*PGStore); ok {
				return func() { workQueue(t, s, st) }
			}
			unlock, err := s.lockReplans(context.Background(), "op-les-tilleuls")
			require.NoError(t, err)
			return unlock
		}
		release := hold()
		resp, body := call(t, ts, "POST", "/v1/operations", writeTok, exampleJSON(t))
		require.Equal(t, 201, resp.StatusCode, string(body))
		// solved by hand: the queue does not run yet
		addSolved(t, st)

		code, job, body := postAsync(t, ts, replanQuery, replanEvents)
		require.Equal(t, 202, code, string(body))
		require.Equal(t, "running", job.State)
		resp, body = call(t, ts, "PUT", replanOp, writeTok, exampleJSON(t))
		require.Equal(t, 200, resp.StatusCode, string(body))
		release()
		ended := waitJob(t, ts, job.ID)
		require.Equal(t, "failed", ended.State)
		require.Contains(t, ended.Error, "version 3 has no plan")
		require.Contains(t, ended.Error, "nothing stored")
		require.Zero(t, ended.Version)
		require.Nil(t, ended.Replan)
		vs := versionsOf(t, ts, "op-les-tilleuls")
		require.Len(t, vs, 3, "nothing written")
		require.Equal(t, "replaced", vs[2].Kind)
	})
}

// A running replan job is cancelled by DELETE /v1/jobs/{id}: it ends cancelled,
// and the best plan it found, its events applied, is stored as a version that
// its status gives, as a cancelled solve keeps its best plan.
func TestReplanJobCancelled(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		ts, _, _ := newJobServerOn(t, k, Config{})
		solved := solveExample(t, ts)
		// no work limit: the search runs for its time limit
		code, st, body := postAsync(t, ts, "/events?now=2027-02-01T12:00:00%2B01:00&time_limit=60s&seed=1", replanEvents)
		require.Equal(t, 202, code, string(body))
		time.Sleep(500 * time.Millisecond)
		resp, body := call(t, ts, "DELETE", "/v1/jobs/"+st.ID, writeTok, nil)
		require.Equal(t, 202, resp.StatusCode, string(body))
		begin := time.Now()
		ended := waitJob(t, ts, st.ID)
		require.Less(t, time.Since(begin), 30*time.Second, "the cancel did not stop the search")
		require.Equal(t, "cancelled", ended.State, ended.Error)
		t.Logf("cancelled after %.1f s, version %d, %s", ended.Elapsed, ended.Version, ended.Error)
		if ended.Version == 0 {
			// with a queue, a job cancelled before a worker claimed it stores nothing
			require.Len(t, versionsOf(t, ts, "op-les-tilleuls"), solved.Version)
			return
		}
		require.Equal(t, solved.Version+1, ended.Version)
		require.NotNil(t, ended.Replan)
		_, body = call(t, ts, "GET", replanOp+"/versions/"+itoa(ended.Version), readTok, nil)
		var v Version
		require.NoError(t, json.Unmarshal(body, &v))
		require.Equal(t, "replanned", v.Kind)
		require.Empty(t, scheduler.Verify(v.Problem, v.Plan))
		resp, _ = call(t, ts, "DELETE", "/v1/jobs/"+st.ID, writeTok, nil)
		require.Equal(t, 409, resp.StatusCode, "an ended job cannot be cancelled")
	})
}

// A replan job the store records as running (the server was killed during it)
// runs again at the next start; one whose version is already stored (under its
// idempotency key) ends done with that version, not applied twice.
func TestReplanJobResumed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st, err := OpenBolt(path)
	require.NoError(t, err)
	v2 := createSolved(t, st)
	evs := decodeEvents(t, replanEvents)
	now := "2027-02-01T11:00:00Z"
	started := time.Now().Add(-time.Minute)
	job := func(id string, evs *model.Events) *JobRecord {
		rec := &JobRecord{ID: id, Operation: "op-les-tilleuls", Incarnation: v2.Incarnation, Base: v2.Number, State: "running", Started: started,
			Kind: JobReplan, Now: now, Events: evs, WorkLimit: 2, Seed: 1}
		rec.setIdem(Idem{Key: jobIdemKey(id)})
		return rec
	}
	// "stored" made version 3 and was killed before its record said so
	stored := job("stored", evs)
	require.NoError(t, st.PutJob(stored))
	at, err := time.Parse(time.RFC3339, now)
	require.NoError(t, err)
	rr, err := scheduler.Replan(context.Background(), v2.Problem, v2.Plan, evs, at, &scheduler.Settings{WorkLimit: 2, Seed: 1, Workers: 1})
	require.NoError(t, err)
	require.Empty(t, scheduler.Verify(rr.Problem, rr.Plan))
	v3, _, err := st.AddVersion("op-les-tilleuls", v2.Base(), &Version{Kind: "replanned", Problem: rr.Problem, Plan: rr.Plan, Diff: rr.Diff, Events: evs}, stored.idem())
	require.NoError(t, err)
	require.NoError(t, st.Close())

	ts, s, stop := serverOn(t, path)
	n, err := s.ResumeJobs()
	require.NoError(t, err)
	require.Zero(t, n, "a replan job whose version is stored ran again")
	_, body := call(t, ts, "GET", "/v1/jobs/stored", readTok, nil)
	var got JobStatus
	require.NoError(t, json.Unmarshal(body, &got))
	require.Equal(t, "done", got.State, got.Error)
	require.Equal(t, v3.Number, got.Version)
	require.NotNil(t, got.Replan)
	require.Len(t, versionsOf(t, ts, "op-les-tilleuls"), 3, "applied once")

	// "interrupted" had stored nothing: it runs again, on the latest version
	require.NoError(t, s.cfg.Store.PutJob(job("interrupted", decodeEvents(t, slipOn("16")))))
	stop()
	ts, s, stop = serverOn(t, path)
	defer stop()
	n, err = s.ResumeJobs()
	require.NoError(t, err)
	require.Equal(t, 1, n)
	got = waitJob(t, ts, "interrupted")
	require.Equal(t, "done", got.State, got.Error)
	require.Equal(t, 4, got.Version)
	require.Equal(t, 1, got.Resumed)
	require.Len(t, versionsOf(t, ts, "op-les-tilleuls"), 4)
	n, err = s.ResumeJobs()
	require.NoError(t, err)
	require.Zero(t, n)
}

// Without Prefer: respond-async, a time limit beyond what the server holds a
// request for is a 400 naming time_limit and saying what to send; within it the
// replan answers in its request, as before.
func TestSyncReplanTimeLimitIsCapped(t *testing.T) {
	ts, _, _ := newJobServer(t, Config{MaxHeldTime: 20 * time.Second})
	solveExample(t, ts)
	resp, body := call(t, ts, "POST", replanOp+"/events?now=2027-02-01T12:00:00%2B01:00&time_limit=30s", writeTok, []byte(replanEvents))
	require.Equal(t, 400, resp.StatusCode, string(body))
	var p problemBody
	require.NoError(t, json.Unmarshal(body, &p))
	require.Len(t, p.Errors, 1)
	require.Equal(t, "time_limit", p.Errors[0].Field)
	require.Contains(t, p.Detail, "Prefer: respond-async")
	require.Len(t, versionsOf(t, ts, "op-les-tilleuls"), 2, "nothing written")

	resp, body = call(t, ts, "POST", replanOp+"/events?now=2027-02-01T12:00:00%2B01:00&time_limit=20s&work_limit=2&seed=1", writeTok, []byte(replanEvents))
	require.Equal(t, 201, resp.StatusCode, string(body))
	code, _, body := postAsync(t, ts, "/events?now=2027-02-01T12:00:00%2B01:00&time_limit=30s&work_limit=2&seed=1", slipOn("16"))
	require.Equal(t, 202, code, string(body), "a job may take longer")
}

// The Prefer header is read as RFC 7240 says: preferences separated by commas,
// names in any case, with values or parameters.
func TestPreferAsync(t *testing.T) {
	cases := []struct {
		name   string
		values []string
		want   bool
	}{
		{"none", nil, false},
		{"alone", []string{"respond-async"}, true},
		{"case", []string{"Respond-Async"}, true},
		{"among others", []string{"return=minimal, respond-async; x=1"}, true},
		{"second header", []string{"return=minimal", "wait=10, respond-async"}, true},
		{"another", []string{"return=representation"}, false},
		{"prefix only", []string{"respond-asynchronously"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", nil)
			for _, v := range tc.values {
				r.Header.Add("Prefer", v)
			}
			require.Equal(t, tc.want, preferAsync(r))
		})
	}
}

// A replan job still waiting for another replan of its operation when the
// server shuts down stores nothing and stays running in the store: the next
// start runs it (its events are not lost, nor applied twice).
func TestReplanJobWaitingAtShutdownRunsAtTheNextStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	ts, s, stop := serverOn(t, path)
	solved := solveExample(t, ts)
	unlock, err := s.lockReplans(context.Background(), "op-les-tilleuls")
	require.NoError(t, err)
	code, job, body := postAsync(t, ts, replanQuery, replanEvents)
	require.Equal(t, 202, code, string(body))
	s.Shutdown(context.Background())
	unlock()
	rec, err := s.cfg.Store.GetJob(job.ID)
	require.NoError(t, err)
	require.Equal(t, "running", rec.State, rec.Error)
	require.Len(t, versionsOf(t, ts, "op-les-tilleuls"), solved.Version)
	stop()

	ts, s, stop = serverOn(t, path)
	defer stop()
	n, err := s.ResumeJobs()
	require.NoError(t, err)
	require.Equal(t, 1, n)
	done := waitJob(t, ts, job.ID)
	require.Equal(t, "done", done.State, done.Error)
	require.Equal(t, solved.Version+1, done.Version)
	require.Len(t, versionsOf(t, ts, "op-les-tilleuls"), solved.Version+1)
}

// A replan job recorded as running whose version is already stored under its
// idempotency key ends done with that version when it is run again (bbolt: at
// the next start; PostgreSQL: by the queue's worker), its events not applied
// twice.
func TestReplanJobWithItsVersionStoredEndsDone(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		st := k.open(t)
		v2 := createSolved(t, st)
		evs := decodeEvents(t, replanEvents)
		rec := &JobRecord{ID: "stored", Operation: "op-les-tilleuls", Incarnation: v2.Incarnation, Base: v2.Number, State: "running",
			Started: time.Now().Add(-time.Minute), Kind: JobReplan, Now: "2027-02-01T11:00:00Z", Events: evs, WorkLimit: 2, Seed: 1}
		rec.setIdem(NewIdem("client-key", "POST", "/x", []byte(replanEvents)))
		require.NoError(t, st.PutJob(rec))
		at, _ := time.Parse(time.RFC3339, rec.Now)
		rr, err := scheduler.Replan(context.Background(), v2.Problem, v2.Plan, evs, at, &scheduler.Settings{WorkLimit: 2, Seed: 1, Workers: 1})
		require.NoError(t, err)
		require.Empty(t, scheduler.Verify(rr.Problem, rr.Plan))
		v3, _, err := st.AddVersion("op-les-tilleuls", v2.Base(), &Version{Kind: "replanned", Problem: rr.Problem, Plan: rr.Plan, Diff: rr.Diff, Events: evs}, rec.idem())
		require.NoError(t, err)

		s := New(Config{Store: st, Tokens: map[string]string{writeTok: RoleWrite, readTok: RoleRead}})
		ts := httptest.NewServer(s)
		t.Cleanup(ts.Close)
		t.Cleanup(func() { s.Shutdown(context.Background()) })
		_, err = s.ResumeJobs()
		require.NoError(t, err)
		workQueue(t, s, st)
		got := waitJob(t, ts, "stored")
		require.Equal(t, "done", got.State, got.Error)
		require.Equal(t, v3.Number, got.Version)
		require.Len(t, versionsOf(t, ts, "op-les-tilleuls"), 3, "applied once")
	})
}

// A replan sent with Prefer: respond-async is checked at submit as the
// synchronous replan checks it before it runs: a now outside the operation's
// horizon, a malformed time_limit, events that do not decode, an event naming an
// intervention, a delivery, a crew or a dwelling the operation does not have
// are answered at once with the synchronous replan's status and field errors,
// and nothing is queued or written (issue 14, point 3: before, the job was
// queued and then failed).
func TestReplanJobRequestCheckedAtSubmit(t *testing.T) {
	event := func(fields string) string {
		return `{"format":"rehabplan-events/v1","events":[{"id":"e1",` + fields + `}]}`
	}
	const now = "now=2027-02-01T12:00:00%2B01:00"
	cases := []struct {
		name, query, events, field string
	}{
		{"now far after the horizon", "now=9999-12-31T23:59:59Z", replanEvents, "now"},
		{"now far before the horizon", "now=0001-01-01T00:00:00Z", replanEvents, "now"},
		{"negative time limit", now + "&time_limit=-5s", replanEvents, "time_limit"},
		{"malformed time limit", now + "&time_limit=soon", replanEvents, "time_limit"},
		{"malformed now", "now=tomorrow", replanEvents, "now"},
		{"events that do not decode", now, `{"format":"rehabplan-events/v1","events":[{"id":"e1","type":"delivery_slipped"}]}`, "events[0].delivery"},
		{"unknown intervention", now, event(`"type":"appointment_missed","intervention":"B9-Z-99/plumbing"`), "events[0].intervention"},
		{"unknown delivery", now, event(`"type":"delivery_slipped","delivery":"L-nothing","expected":"2027-03-09T08:00"`), "events[0].delivery"},
		{"unknown crew", now, event(`"type":"crew_absent","crew":"NOBODY-1","from":"2027-03-01","to":"2027-03-05"`), "events[0].crew"},
		{"unknown dwelling", now, event(`"type":"dwelling_vacant","dwelling":"B9-Z-99"`), "events[0].dwelling"},
		{"a dwelling already vacant", now, event(`"type":"dwelling_vacant","dwelling":"B2-B-08"`), "events[0].dwelling"},
	}
	forEachStore(t, func(t *testing.T, k storeKind) {
		ts, s, _ := newJobServerOn(t, k, Config{})
		solved := solveExample(t, ts)
		jobs, err := s.cfg.Store.Jobs()
		require.NoError(t, err)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				resp, syncBody := call(t, ts, "POST", replanOp+"/events?"+tc.query, writeTok, []byte(tc.events))
				require.Contains(t, []int{400, 422}, resp.StatusCode, string(syncBody))
				var want problemBody
				require.NoError(t, json.Unmarshal(syncBody, &want))
				require.NotEmpty(t, want.Errors, string(syncBody))
				require.Equal(t, tc.field, want.Errors[0].Field, string(syncBody))
				if at, ok := strings.CutPrefix(tc.query, "now="); ok && tc.field == "now" && strings.HasSuffix(at, "Z") {
					// an instant out of range reads in UTC, as given (not in the
					// operation's zone: Paris mean time, +00:09, in year 1)
					require.True(t, strings.HasPrefix(want.Errors[0].Detail, at+" is more than a year outside"), string(syncBody))
				}

				code, _, body := postAsync(t, ts, "/events?"+tc.query, tc.events)
				require.Equal(t, resp.StatusCode, code, "async: %s\nsync: %s", body, syncBody)
				var got problemBody
				require.NoError(t, json.Unmarshal(body, &got))
				require.Equal(t, want, got, "the async answer is the synchronous one")
			})
		}
		after, err := s.cfg.Store.Jobs()
		require.NoError(t, err)
		require.Len(t, after, len(jobs), "nothing queued")
		require.Len(t, versionsOf(t, ts, "op-les-tilleuls"), solved.Version, "nothing written")
	})
}

// replanRequestErrors refuses at submit only what the replan refuses before it
// plans: an intervention the document itself adds (intervention_added,
// snag_found, the rest of intervention_partly_done) is known; now is checked
// first, alone.
func TestReplanRequestErrors(t *testing.T) {
	cur := &Version{Problem: gen.Example()}
	at := time.Date(2027, 2, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		events string
		now    time.Time
		fields []string // nil: accepted
	}{
		{"known ids", `{"id":"a","type":"appointment_missed","intervention":"B1-A-01/visit"},{"id":"b","type":"crew_absent","crew":"strip-out-1","from":"2027-03-01","to":"2027-03-02"}`, at, nil},
		{"added by the document", `{"id":"a","type":"intervention_added","add":{"id":"B1-A-01/extra","dwelling":"B1-A-01","trade":"visit","duration":"1h"}},{"id":"b","type":"intervention_cancelled","intervention":"B1-A-01/extra"}`, at, nil},
		{"the rest of a partly done", `{"id":"a","type":"intervention_partly_done","intervention":"B1-A-01/visit","remaining":"1h"},{"id":"b","type":"intervention_cancelled","intervention":"B1-A-01/visit+rest"}`, at, nil},
		{"every unknown id named", `{"id":"a","type":"appointment_missed","intervention":"nope"},{"id":"b","type":"household_changed","household":{"id":"H999"}},{"id":"c","type":"delivery_early","delivery":"L-none","expected":"2027-02-02T08:00"}`, at,
			[]string{"events[0].intervention", "events[1].household.id", "events[2].delivery"}},
		{"now first, alone", `{"id":"a","type":"appointment_missed","intervention":"nope"}`, at.AddDate(3, 0, 0), []string{"now"}},
		{"now within the margin", `{"id":"a","type":"appointment_missed","intervention":"B1-A-01/visit"}`, at.AddDate(1, 0, 0), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			evs := decodeEvents(t, `{"format":"rehabplan-events/v1","events":[`+tc.events+`]}`)
			err := replanRequestErrors(cur, evs, tc.now)
			if tc.fields == nil {
				require.NoError(t, err)
				return
			}
			var ve *model.ValidationError
			require.ErrorAs(t, err, &ve)
			var fields []string
			for _, fe := range ve.Errors {
				fields = append(fields, fe.Field)
			}
			require.Equal(t, tc.fields, fields)
		})
	}
}

// A replan job waiting for its operation's replan lock holds no slot of the
// pool: with a pool of one slot, a job queued behind another replan of
// op-les-tilleuls does not keep a solve, nor a replan, of another operation
// from running; once the lock is free it takes the slot and runs (bbolt: the
// server runs its jobs).
func TestReplanJobWaitingForItsOperationHoldsNoSlot(t *testing.T) {
	ts, s, _ := newJobServer(t, Config{PoolSize: 1, MaxJobs: 4, PoolWait: 2 * time.Second})
	solved := solveExample(t, ts)
	other := gen.Example()
	other.Operation.ID = "op-other"
	b, err := json.Marshal(other)
	require.NoError(t, err)
	resp, body := call(t, ts, "POST", "/v1/operations", writeTok, b)
	require.Equal(t, 201, resp.StatusCode, string(body))

	unlock, err := s.lockReplans(context.Background(), "op-les-tilleuls")
	require.NoError(t, err)
	code, job, body := postAsync(t, ts, replanQuery, replanEvents)
	require.Equal(t, 202, code, string(body))
	time.Sleep(100 * time.Millisecond) // the job waits for the lock

	resp, body = call(t, ts, "POST", "/v1/operations/op-other/solve?work_limit=2&seed=1", writeTok, nil)
	require.Equal(t, 202, resp.StatusCode, "a solve of another operation: %s", body)
	var js JobStatus
	require.NoError(t, json.Unmarshal(body, &js))
	require.Equal(t, "done", waitJob(t, ts, js.ID).State)
	resp, body = call(t, ts, "POST", "/v1/operations/op-other"+replanQuery, writeTok, []byte(replanEvents))
	require.Equal(t, 201, resp.StatusCode, "a replan of another operation: %s", body)
	require.Equal(t, "running", jobState(t, ts, job.ID), "the job still waits for the lock")

	unlock()
	done := waitJob(t, ts, job.ID)
	require.Equal(t, "done", done.State, done.Error)
	require.Equal(t, solved.Version+1, done.Version)
}

// jobState is a job's state now.
func jobState(t *testing.T, ts *httptest.Server, id string) string {
	t.Helper()
	_, body := call(t, ts, "GET", "/v1/jobs/"+id, readTok, nil)
	var st JobStatus
	require.NoError(t, json.Unmarshal(body, &st))
	return st.State
}

// TestJobCancelledByItsSubmitter: a pilot's token cancels the replan job it
// submitted; another pilot's token, a viewer's, or a pilot's of another
// operation gets 403, and a pilot cannot cancel a manager's solve, which the
// manager can. The job records its submitter by the token's id, never the
// token. On both stores.
func TestJobCancelledByItsSubmitter(t *testing.T) {
	const (
		pilotA = "pilot-a-token-0123456789"
		pilotB = "pilot-b-token-0123456789"
		pilotC = "pilot-c-token-0123456789" // of another operation
	)
	forEachStore(t, func(t *testing.T, k storeKind) {
		file := filepath.Join(t.TempDir(), "tokens")
		require.NoError(t, os.WriteFile(file, []byte(sha(pilotA)+" pilot op-les-tilleuls id=pilot-a\n"+
			sha(pilotB)+" pilot op-les-tilleuls id=pilot-b\n"+sha(pilotC)+" pilot op-other id=pilot-c\n"), 0o600))
		toks, _, err := NewTokenSet(file)
		require.NoError(t, err)
		ts, s, _ := newJobServerOn(t, k, Config{TokenSet: toks})
		solveExample(t, ts)
		missed := `{"format":"rehabplan-events/v1","events":[{"id":"m","type":"appointment_missed","intervention":"B1-A-01/visit"}]}`
		resp, body := call(t, ts, "POST", replanOp+"/events?now=2027-02-01T12:00:00%2B01:00&time_limit=60s&seed=1", pilotA, []byte(missed), "Prefer", "respond-async")
		require.Equal(t, 202, resp.StatusCode, string(body))
		var st JobStatus
		require.NoError(t, json.Unmarshal(body, &st))

		rec, err := s.cfg.Store.GetJob(st.ID)
		require.NoError(t, err)
		require.Equal(t, "pilot-a", rec.Submitter, "the token's id")
		raw, err := json.Marshal(rec)
		require.NoError(t, err)
		require.NotContains(t, string(raw), pilotA, "never the token")

		for _, c := range []struct {
			name, tok string
			want      int
		}{
			{"another pilot", pilotB, 403},
			{"a viewer", readTok, 403},
			{"a pilot of another operation", pilotC, 403},
			{"no such job", pilotA, 404},
		} {
			id := st.ID
			if c.want == 404 {
				id = "nosuchjob"
			}
			resp, body := call(t, ts, "DELETE", "/v1/jobs/"+id, c.tok, nil)
			require.Equal(t, c.want, resp.StatusCode, "%s: %s", c.name, body)
		}
		resp, body = call(t, ts, "DELETE", "/v1/jobs/"+st.ID, pilotA, nil)
		require.Equal(t, 202, resp.StatusCode, "its submitter: %s", body)
		ended := waitJob(t, ts, st.ID)
		require.Equal(t, "cancelled", ended.State, ended.Error)

		// a manager's solve: not the pilot's to cancel
		resp, body = call(t, ts, "POST", replanOp+"/solve?time_limit=60s", writeTok, nil)
		require.Equal(t, 202, resp.StatusCode, string(body))
		require.NoError(t, json.Unmarshal(body, &st))
		resp, body = call(t, ts, "DELETE", "/v1/jobs/"+st.ID, pilotA, nil)
		require.Equal(t, 403, resp.StatusCode, string(body))
		resp, body = call(t, ts, "DELETE", "/v1/jobs/"+st.ID, writeTok, nil)
		require.Equal(t, 202, resp.StatusCode, "a planner: %s", body)
		require.Equal(t, "cancelled", waitJob(t, ts, st.ID).State)
	})
}
