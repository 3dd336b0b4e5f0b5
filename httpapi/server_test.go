package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/mux"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

const (
	writeTok = "write-token-abcdefghijkl"
	readTok  = "read-token-abcdefghijklm"
	adminTok = "admin-token-abcdefghijk"
)

func newTestServer(t *testing.T) (*httptest.Server, *Server) {
	t.Helper()
	return newTestServerOn(t, storeKinds[0])
}

// newTestServerOn is newTestServer on a new store of kind k.
func newTestServerOn(t *testing.T, k storeKind) (*httptest.Server, *Server) {
	t.Helper()
	st := k.open(t)
	s := New(Config{Store: st, Tokens: map[string]string{writeTok: RoleWrite, readTok: RoleRead, adminTok: RoleAdmin}, CORSOrigins: []string{"https://planning.example"}})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	workQueue(t, s, st)
	return ts, s
}

// workQueue runs, with a PostgreSQL store, the service's own worker as `serve`
// does (its solve and replan jobs are rows of the shared queue, taken by a worker); with
// another store it does nothing.
func workQueue(t *testing.T, s *Server, st Store) {
	pg, ok := st.(*PGStore)
	if !ok {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	w := &Worker{Store: pg, Name: "test-" + t.Name(), Slots: s.cfg.MaxJobs, Lease: 10 * time.Second, Poll: 50 * time.Millisecond, Kinds: []string{JobSolve, JobReplan}}
	go func() { s.Work(ctx, w); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

func call(t *testing.T, ts *httptest.Server, method, path, tok string, body []byte, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, bytes.NewReader(body))
	require.NoError(t, err)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if method == "POST" && resp.StatusCode == http.StatusCreated && strings.HasSuffix(req.URL.Path, "/events") {
		// a replan in the request: its new version passes the verifier
		var ra replanAnswer
		require.NoError(t, json.Unmarshal(data, &ra))
		requireVersionVerified(t, ts, ra.Operation, ra.Version)
	}
	return resp, data
}

func exampleJSON(t *testing.T) []byte {
	b, err := json.Marshal(gen.Example())
	require.NoError(t, err)
	return b
}

func TestAuthentication(t *testing.T) {
	ts, _ := newTestServer(t)
	cases := []struct {
		name, method, path, tok string
		want                    int
	}{
		{"no token", "GET", "/v1/operations", "", 401},
		{"unknown token", "GET", "/v1/operations", "nope-nope-nope-nope", 401},
		{"read token reads", "GET", "/v1/operations", readTok, 200},
		{"read token cannot write", "POST", "/v1/operations", readTok, 403},
		{"read token cannot delete", "DELETE", "/v1/operations/x", readTok, 403},
		{"health needs no token", "GET", "/healthz", "", 200},
		{"openapi needs no token", "GET", "/v1/openapi.json", "", 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := call(t, ts, tc.method, tc.path, tc.tok, []byte("{}"))
			require.Equal(t, tc.want, resp.StatusCode, string(body))
			if tc.want >= 400 {
				require.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
			}
		})
	}
}

func TestMalformedBodiesNameTheField(t *testing.T) {
	ts, _ := newTestServer(t)
	resp, _ := call(t, ts, "POST", "/v1/operations", writeTok, exampleJSON(t))
	require.Equal(t, 201, resp.StatusCode)
	cases := []struct {
		name, method, path string
		body               string
		status             int
		field              string
	}{
		{"not JSON", "POST", "/v1/operations", "{", 400, "(document)"},
		{"unknown field", "POST", "/v1/operations", `{"format":"rehabplan/v1","colour":1}`, 400, "(document)"},
		{"missing time zone", "POST", "/v1/operations", `{"format":"rehabplan/v1","operation":{"id":"x","start":"2027-01-04","end":"2027-02-01"},"trades":[],"buildings":[],"dwellings":[],"crews":[],"interventions":[]}`, 400, "operation.time_zone"},
		{"events of a wrong format", "POST", "/v1/operations/op-les-tilleuls/events", `{"format":"x","events":[]}`, 400, "format"},
		{"event without id", "POST", "/v1/operations/op-les-tilleuls/events", `{"format":"rehabplan-events/v1","events":[{"type":"dwelling_vacant","dwelling":"B1-A-01"}]}`, 400, "events[0].id"},
		{"bad time limit", "POST", "/v1/operations/op-les-tilleuls/solve?time_limit=soon", ``, 400, "time_limit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := call(t, ts, tc.method, tc.path, writeTok, []byte(tc.body))
			require.Equal(t, tc.status, resp.StatusCode, string(body))
			var pb struct {
				Errors []struct{ Field string } `json:"errors"`
			}
			require.NoError(t, json.Unmarshal(body, &pb))
			require.NotEmpty(t, pb.Errors, string(body))
			require.Equal(t, tc.field, pb.Errors[0].Field, string(body))
		})
	}
}

// solveExample creates the example operation and solves it (work limit 2, seed 1),
// returning the finished job's status.
func solveExample(t *testing.T, ts *httptest.Server) JobStatus {
	t.Helper()
	resp, body := call(t, ts, "POST", "/v1/operations", writeTok, exampleJSON(t))
	require.Equal(t, 201, resp.StatusCode, string(body))
	resp, body = call(t, ts, "POST", "/v1/operations/op-les-tilleuls/solve?work_limit=2&seed=1", writeTok, nil)
	require.Equal(t, 202, resp.StatusCode, string(body))
	var st JobStatus
	require.NoError(t, json.Unmarshal(body, &st))
	done := waitJob(t, ts, st.ID)
	require.Equal(t, "done", done.State, done.Error)
	return done
}

// waitJob waits for job id to leave the running state, and returns its
// status; a job done with a version stored has that version's plan checked by
// the independent verifier (unless the operation is gone since).
func waitJob(t *testing.T, ts *httptest.Server, id string) JobStatus {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, body := call(t, ts, "GET", "/v1/jobs/"+id, readTok, nil)
		var st JobStatus
		require.NoError(t, json.Unmarshal(body, &st))
		if st.State != "running" {
			if st.State == "done" && st.Version > 0 {
				requireVersionVerified(t, ts, st.Operation, st.Version)
			}
			return st
		}
		require.True(t, time.Now().Before(deadline), "job still running")
		time.Sleep(50 * time.Millisecond)
	}
}

// requireVersionVerified fails t when the independent verifier finds version
// v of operation op's plan breaks a hard rule of its problem. It reads the
// version from the store of the Server behind ts (through the API, the read
// would be audited); a server it cannot reach (another handler), an operation
// deleted since, or deleted and created again (its version v, if any, is
// another's, perhaps without a plan), leave nothing to check.
func requireVersionVerified(t *testing.T, ts *httptest.Server, op string, v int) {
	t.Helper()
	s, ok := ts.Config.Handler.(*Server)
	if !ok {
		return
	}
	ver, err := s.cfg.Store.Get(op, v)
	if errors.Is(err, ErrNotFound) {
		return
	}
	require.NoError(t, err)
	if ver.Plan == nil {
		return
	}
	require.Empty(t, scheduler.Verify(ver.Problem, ver.Plan), "%s version %d", op, v)
}

func TestSolveReplanDiffFeedExplain(t *testing.T) {
	ts, _ := newTestServer(t)
	p := gen.Example()
	resp, body := call(t, ts, "POST", "/v1/operations", writeTok, exampleJSON(t))
	require.Equal(t, 201, resp.StatusCode, string(body))
	resp, body = call(t, ts, "POST", "/v1/operations", writeTok, exampleJSON(t))
	require.Equal(t, 409, resp.StatusCode, string(body))

	resp, body = call(t, ts, "POST", "/v1/operations/op-les-tilleuls/solve?work_limit=4&seed=1", writeTok, nil)
	require.Equal(t, 202, resp.StatusCode, string(body))
	var st JobStatus
	require.NoError(t, json.Unmarshal(body, &st))
	st = waitJob(t, ts, st.ID)
	require.Equal(t, "done", st.State, st.Error)
	require.NotEmpty(t, st.Progress)
	_, body = call(t, ts, "GET", "/v1/jobs/"+st.ID+"/plan", readTok, nil)
	var plan model.Plan
	require.NoError(t, json.Unmarshal(body, &plan))
	require.Empty(t, scheduler.Verify(p, &plan))

	// a delivery slip, sent twice with the same key: one replan
	ev := []byte(`{"format":"rehabplan-events/v1","events":[{"id":"slip","type":"delivery_slipped","delivery":"L-windows-1","expected":"2027-03-09T08:00"}]}`)
	path := "/v1/operations/op-les-tilleuls/events?now=2027-02-01T12:00:00%2B01:00&work_limit=4"
	resp, body = call(t, ts, "POST", path, writeTok, ev, "Idempotency-Key", "slip-1")
	require.Equal(t, 201, resp.StatusCode, string(body))
	var ans struct {
		Version int        `json:"version"`
		Diff    model.Diff `json:"diff"`
	}
	require.NoError(t, json.Unmarshal(body, &ans))
	require.Equal(t, 3, ans.Version)
	require.NotEmpty(t, ans.Diff.Changes)
	resp, body = call(t, ts, "POST", path, writeTok, ev, "Idempotency-Key", "slip-1")
	require.Equal(t, 200, resp.StatusCode, string(body))
	require.Equal(t, "true", resp.Header.Get("Idempotent-Replayed"))
	_, body = call(t, ts, "GET", "/v1/operations/op-les-tilleuls/versions", readTok, nil)
	var vs struct{ Versions []VersionInfo }
	require.NoError(t, json.Unmarshal(body, &vs))
	require.Len(t, vs.Versions, 3, "the retried request replanned twice")

	// the new version passes the verifier against its own problem
	_, body = call(t, ts, "GET", "/v1/operations/op-les-tilleuls/versions/3", readTok, nil)
	var v3 Version
	require.NoError(t, json.Unmarshal(body, &v3))
	require.Empty(t, scheduler.Verify(v3.Problem, v3.Plan))

	// events that do not fit: 422 naming the event's field
	resp, body = call(t, ts, "POST", path, writeTok, []byte(`{"format":"rehabplan-events/v1","events":[{"id":"g","type":"crew_absent","crew":"ghost","from":"2027-02-02","to":"2027-02-03"}]}`))
	require.Equal(t, 422, resp.StatusCode, string(body))
	require.Contains(t, string(body), `"field":"events[0].crew"`)

	resp, body = call(t, ts, "GET", "/v1/operations/op-les-tilleuls/diff?from=2&to=3", readTok, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	require.Contains(t, string(body), "rehabplan-diff/v1")

	resp, body = call(t, ts, "GET", "/v1/operations/op-les-tilleuls/calendars/household/H001", writeTok, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	ics := string(body)
	require.True(t, strings.HasPrefix(ics, "BEGIN:VCALENDAR\r\n"))
	require.Contains(t, ics, "UID:B1-A-01/windows#1@op-les-tilleuls.rehabplan", "one event per worked stretch")
	require.Contains(t, ics, "SEQUENCE:0", "the feed's first read")
	for _, line := range strings.Split(ics, "\r\n") {
		require.LessOrEqual(t, len(line), 75, line)
	}
	resp, _ = call(t, ts, "GET", "/v1/operations/op-les-tilleuls/calendars/household/H999", writeTok, nil)
	require.Equal(t, 404, resp.StatusCode)

	resp, body = call(t, ts, "GET", "/v1/operations/op-les-tilleuls/interventions/B1-A-01%2Fpainting/explanation", readTok, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	var ex scheduler.Explanation
	require.NoError(t, json.Unmarshal(body, &ex))
	require.True(t, ex.Placed)
	require.NotEmpty(t, ex.Reasons)

	resp, body = call(t, ts, "GET", "/metrics", "", nil)
	require.Equal(t, 200, resp.StatusCode)
	require.Contains(t, string(body), `rehabplan_http_requests_total{method="POST",route="/v1/operations/{op}/events",status="201"} 1`)
	require.NotContains(t, string(body), "elderly", "no profile names in metrics")
}

func TestCORSOnlyForConfiguredOrigins(t *testing.T) {
	ts, _ := newTestServer(t)
	resp, _ := call(t, ts, "GET", "/v1/operations", readTok, nil, "Origin", "https://planning.example")
	require.Equal(t, "https://planning.example", resp.Header.Get("Access-Control-Allow-Origin"))
	require.Equal(t, "Authorization, Content-Type, Accept-Language, If-Match, Idempotency-Key, Prefer", resp.Header.Get("Access-Control-Allow-Headers"))
	require.Equal(t, "GET, POST, PUT, DELETE", resp.Header.Get("Access-Control-Allow-Methods"))
	require.Contains(t, resp.Header.Get("Access-Control-Expose-Headers"), "Preference-Applied", "a page on another origin reads that its replan was queued")
	resp, _ = call(t, ts, "GET", "/v1/operations", readTok, nil, "Origin", "https://evil.example")
	require.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))
}

func TestOpenAPIListsExactlyTheRoutes(t *testing.T) {
	_, s := newTestServer(t)
	var routes []string
	require.NoError(t, s.router.Walk(func(r *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, err := r.GetPathTemplate()
		if err != nil {
			return err
		}
		ms, err := r.GetMethods()
		if err != nil {
			return err
		}
		for _, m := range ms {
			routes = append(routes, strings.ToLower(m)+" "+tpl)
		}
		return nil
	}))
	var documented []string
	for path, item := range s.OpenAPI()["paths"].(map[string]any) {
		for m := range item.(map[string]any) {
			documented = append(documented, m+" "+path)
		}
	}
	sort.Strings(routes)
	sort.Strings(documented)
	require.Equal(t, routes, documented)
}

func TestStoreKeepsEveryVersionAcrossReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st, err := OpenBolt(path)
	require.NoError(t, err)
	p := gen.Example()
	last, err := st.CreateOperation("op", p)
	require.NoError(t, err)
	for i := 0; i < 3; i++ {
		last, _, err = st.AddVersion("op", last.Base(), &Version{Kind: "replaced", Problem: p}, Idem{})
		require.NoError(t, err)
	}
	key := NewIdem("key", "POST", "/v1/operations/op/events", []byte("{}"))
	v, replayed, err := st.AddVersion("op", last.Base(), &Version{Kind: "replanned", Problem: p}, key)
	require.NoError(t, err)
	require.False(t, replayed)
	again, replayed, err := st.AddVersion("op", last.Base(), &Version{Kind: "replanned", Problem: p}, key)
	require.NoError(t, err)
	require.True(t, replayed)
	require.Equal(t, v.Number, again.Number)
	require.NoError(t, st.Close())
	st, err = OpenBolt(path)
	require.NoError(t, err)
	defer st.Close()
	vs, err := st.Versions("op")
	require.NoError(t, err)
	require.Len(t, vs, 5)
	_, err = st.Get("op", 9)
	require.ErrorIs(t, err, ErrNotFound)
}

// Every query parameter a route declares with a type is checked before its
// handler runs: a value of the wrong type is a 400 that names the parameter, a
// required one missing too; parameters a route does not declare are ignored.
func TestQueryParametersAreChecked(t *testing.T) {
	ts, s := newTestServer(t)
	vars := regexp.MustCompile(`\{[a-z]+\}`)
	n := 0
	for _, rt := range s.table() {
		path := vars.ReplaceAllString(rt.path, "x")
		for _, q := range rt.query {
			// the other required parameters are given a valid value
			var others []string
			for _, o := range rt.query {
				if o.required && o.name != q.name {
					others = append(others, o.name+"=2")
				}
			}
			bad := []string{q.name + "=not-a-value"}
			if q.required {
				bad = append(bad, "")
			}
			for _, b := range bad {
				if q.parse == nil && b != "" {
					continue
				}
				if b != "" {
					others = append(others[:len(others):len(others)], b)
				}
				query := strings.Join(others, "&")
				t.Run(rt.name+"?"+query, func(t *testing.T) {
					resp, body := call(t, ts, rt.method, path+"?"+query, adminTok, nil)
					require.Equal(t, 400, resp.StatusCode, string(body))
					require.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
					var pb problemBody
					require.NoError(t, json.Unmarshal(body, &pb))
					require.Len(t, pb.Errors, 1, string(body))
					require.Equal(t, q.name, pb.Errors[0].Field)
					require.Contains(t, pb.Detail, q.name)
				})
				n++
			}
		}
	}
	require.GreaterOrEqual(t, n, 10)

	cases := []struct {
		name, method, path string
		want               int
	}{
		{"negative time limit", "POST", "/v1/operations/x/solve?time_limit=-1s", 400},
		{"negative work limit", "POST", "/v1/operations/x/solve?work_limit=-1", 400},
		{"fractional seed", "POST", "/v1/operations/x/solve?seed=1.5", 400},
		{"version 0", "GET", "/v1/operations/x/diff?from=0&to=2", 400},
		{"empty lang", "GET", "/v1/operations/x/interventions/y/explanation?lang=", 400},
		{"empty time limit: none given", "POST", "/v1/operations/x/solve?time_limit=", 404},
		{"an unknown parameter is ignored", "GET", "/v1/operations?colour=blue", 200},
		{"valid parameters reach the handler", "GET", "/v1/operations/x/diff?from=1&to=2", 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := call(t, ts, tc.method, tc.path, writeTok, nil)
			require.Equal(t, tc.want, resp.StatusCode, string(body))
		})
	}
}

// mux's own answers, no route or a method the route does not take, are problems
// like every other error.
func TestUnknownRoutesAreProblems(t *testing.T) {
	ts, _ := newTestServer(t)
	cases := []struct {
		method, path string
		status       int
		title        string
	}{
		{"GET", "/v2/operations", 404, "no such route"},
		{"GET", "/v1/operations/x/nothing", 404, "no such route"},
		{"PATCH", "/v1/operations", 405, "method not allowed"},
		{"POST", "/healthz", 405, "method not allowed"},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			resp, body := call(t, ts, tc.method, tc.path, writeTok, nil)
			require.Equal(t, tc.status, resp.StatusCode)
			require.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
			var pb problemBody
			require.NoError(t, json.Unmarshal(body, &pb))
			require.Equal(t, problemBody{Type: "about:blank", Title: tc.title, Status: tc.status, Detail: pb.Detail}, pb)
			require.Contains(t, pb.Detail, tc.path)
		})
	}
}

// The root sends the browser to the planning page, whose files are served with
// their types.
func TestRootAndPage(t *testing.T) {
	ts, _ := newTestServer(t)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(ts.URL + "/")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 302, resp.StatusCode)
	require.Equal(t, "/app/", resp.Header.Get("Location"))
	cases := []struct{ path, ctype, contains string }{
		{"/app/", "text/html; charset=utf-8", "<script src=\"app.js\">"},
		{"/app/index.html", "text/html; charset=utf-8", "<script src=\"app.js\">"},
		{"/app/app.js", "text/javascript; charset=utf-8", "Idempotency-Key"},
		{"/app/app.css", "text/css; charset=utf-8", "{"},
	}
	for _, tc := range cases {
		resp, body := call(t, ts, "GET", tc.path, "", nil)
		require.Equal(t, 200, resp.StatusCode, tc.path)
		require.Equal(t, tc.ctype, resp.Header.Get("Content-Type"), tc.path)
		require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
		require.Contains(t, string(body), tc.contains, tc.path)
	}
	for _, bad := range []string{"/app/.hidden", "/app/nope.js", "/app/..%2Fserver.go"} {
		resp, _ := call(t, ts, "GET", bad, "", nil)
		require.Equal(t, 404, resp.StatusCode, bad)
	}
}

// A replan's time limit: the one asked for wins; without one, the replan budget,
// which grows with the operation; both capped by the server's limits.
func TestReplanLimit(t *testing.T) {
	small := gen.Generate(gen.Options{Dwellings: 60, Seed: 1})
	large := gen.Generate(gen.Options{Dwellings: 1000, Seed: 1})
	for _, tc := range []struct {
		name        string
		asked, held time.Duration
		p           *model.Problem
		want        time.Duration
	}{
		{"60 dwellings, none asked", 0, time.Minute, small, 5 * time.Second},
		{"1,000 dwellings, none asked", 0, time.Minute, large, 10 * time.Second},
		{"asked wins", 2 * time.Second, time.Minute, large, 2 * time.Second},
		{"capped by the server", 0, 3 * time.Second, large, 3 * time.Second},
		{"asked, capped", 30 * time.Second, 3 * time.Second, small, 3 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := OpenBolt(filepath.Join(t.TempDir(), "rehabplan.db"))
			require.NoError(t, err)
			t.Cleanup(func() { st.Close() })
			s := New(Config{Store: st, MaxHeldTime: tc.held})
			require.Equal(t, tc.want, s.replanLimit(tc.asked, tc.p))
		})
	}
}
