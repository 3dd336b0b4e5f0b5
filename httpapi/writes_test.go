package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// hookStore runs a hook once, the first time a version is read (Get), after
// reading it: the read a replan makes of its base, so that the hook's writes land
// while the replan computes.
type hookStore struct {
	Store
	mu   sync.Mutex
	hook func()
}

func (h *hookStore) Get(op string, n int) (*Version, error) {
	v, err := h.Store.Get(op, n)
	h.mu.Lock()
	f := h.hook
	h.hook = nil
	h.mu.Unlock()
	if f != nil {
		f()
	}
	return v, err
}

func (h *hookStore) arm(f func()) {
	h.mu.Lock()
	h.hook = f
	h.mu.Unlock()
}

func newHookServer(t *testing.T, k storeKind) (*httptest.Server, *hookStore) {
	t.Helper()
	hs := &hookStore{Store: k.open(t)}
	s := New(Config{Store: hs, Tokens: map[string]string{writeTok: RoleWrite, readTok: RoleRead}})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts, hs
}

var slipEvents = []byte(`{"format":"rehabplan-events/v1","events":[{"id":"slip","type":"delivery_slipped","delivery":"L-windows-1","expected":"2027-03-09T08:00"}]}`)

const slipPath = "/v1/operations/op-les-tilleuls/events?now=2027-02-01T12:00:00%2B01:00&work_limit=4&time_limit=20s"

func versionsOf(t *testing.T, ts *httptest.Server, op string) []VersionInfo {
	t.Helper()
	resp, body := call(t, ts, "GET", "/v1/operations/"+op+"/versions", readTok, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	var vs versionsAnswer
	require.NoError(t, json.Unmarshal(body, &vs))
	return vs.Versions
}

func kinds(vs []VersionInfo) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Kind)
	}
	return out
}

// A write that lands while a replan computes (issue 14, defects 1 and 2): the
// replan never undoes it. A PUT is kept and the replan ends 409 (the PUT's
// version has no plan to replan); a solve's version gets the events applied
// again on it; an operation deleted and created again keeps only what was
// addressed to it.
func TestWriteDuringAReplan(t *testing.T) {
	renamed := gen.Example()
	renamed.Operation.Name = "replaced during the replan"
	putBody, err := json.Marshal(renamed)
	require.NoError(t, err)
	cases := []struct {
		name string
		// during writes while the replan computes
		during     func(t *testing.T, ts *httptest.Server, st *hookStore)
		wantStatus int
		wantKinds  []string
		// check looks at the operation afterwards
		check func(t *testing.T, ts *httptest.Server)
	}{
		{"PUT", func(t *testing.T, ts *httptest.Server, _ *hookStore) {
			resp, body := call(t, ts, "PUT", "/v1/operations/op-les-tilleuls", writeTok, putBody)
			require.Equal(t, 200, resp.StatusCode, string(body))
		}, 409, []string{"created", "solved", "replaced"}, func(t *testing.T, ts *httptest.Server) {
			resp, body := call(t, ts, "GET", "/v1/operations/op-les-tilleuls", readTok, nil)
			require.Equal(t, 200, resp.StatusCode)
			var p model.Problem
			require.NoError(t, json.Unmarshal(body, &p))
			assert.Equal(t, "replaced during the replan", p.Operation.Name, "the PUT was undone")
		}},
		{"a solve's version", func(t *testing.T, ts *httptest.Server, st *hookStore) {
			v, err := st.Latest("op-les-tilleuls")
			require.NoError(t, err)
			p := *v.Problem
			p.Operation.Name = "solved again"
			_, _, err = st.AddVersion("op-les-tilleuls", v.Base(), &Version{Kind: "solved", Problem: &p, Plan: v.Plan}, Idem{})
			require.NoError(t, err)
		}, 201, []string{"created", "solved", "solved", "replanned"}, func(t *testing.T, ts *httptest.Server) {
			resp, body := call(t, ts, "GET", "/v1/operations/op-les-tilleuls/versions/4", readTok, nil)
			require.Equal(t, 200, resp.StatusCode)
			var v4 Version
			require.NoError(t, json.Unmarshal(body, &v4))
			assert.Equal(t, "solved again", v4.Problem.Operation.Name, "the replan was not built on the latest version")
			assert.Empty(t, scheduler.Verify(v4.Problem, v4.Plan))
			assert.NotNil(t, v4.Events)
		}},
		{"DELETE and create again", func(t *testing.T, ts *httptest.Server, _ *hookStore) {
			resp, body := call(t, ts, "DELETE", "/v1/operations/op-les-tilleuls", writeTok, nil)
			require.Equal(t, 204, resp.StatusCode, string(body))
			resp, body = call(t, ts, "POST", "/v1/operations", writeTok, putBody)
			require.Equal(t, 201, resp.StatusCode, string(body))
		}, 409, []string{"created"}, func(t *testing.T, ts *httptest.Server) {
			resp, body := call(t, ts, "GET", "/v1/operations/op-les-tilleuls", readTok, nil)
			require.Equal(t, 200, resp.StatusCode)
			var p model.Problem
			require.NoError(t, json.Unmarshal(body, &p))
			assert.Equal(t, "replaced during the replan", p.Operation.Name, "the deleted operation came back")
		}},
	}
	forEachStore(t, func(t *testing.T, k storeKind) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				ts, st := newHookServer(t, k)
				solveExample(t, ts)
				st.arm(func() { tc.during(t, ts, st) })
				resp, body := call(t, ts, "POST", slipPath, writeTok, slipEvents, "Idempotency-Key", "k1")
				require.Equal(t, tc.wantStatus, resp.StatusCode, string(body))
				assert.Equal(t, tc.wantKinds, kinds(versionsOf(t, ts, "op-les-tilleuls")))
				tc.check(t, ts)
			})
		}
	})
}

// ETags name a state of the operation (its incarnation and version); If-Match
// on PUT and DELETE writes only on that state, else 412 and nothing written.
func TestETagAndIfMatch(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		ts, _ := newTestServerOn(t, k)
		body := exampleJSON(t)
		resp, b := call(t, ts, "POST", "/v1/operations", writeTok, body)
		require.Equal(t, 201, resp.StatusCode, string(b))
		resp, _ = call(t, ts, "GET", "/v1/operations/op-les-tilleuls", readTok, nil)
		tag1 := resp.Header.Get("ETag")
		require.Regexp(t, `^"[0-9a-f]{32}\.1"$`, tag1)
		resp, _ = call(t, ts, "GET", "/v1/operations/op-les-tilleuls/versions", readTok, nil)
		require.Equal(t, tag1, resp.Header.Get("ETag"))

		resp, b = call(t, ts, "PUT", "/v1/operations/op-les-tilleuls", writeTok, body, "If-Match", tag1)
		require.Equal(t, 200, resp.StatusCode, string(b))
		tag2 := resp.Header.Get("ETag")
		require.NotEqual(t, tag1, tag2)
		require.True(t, strings.HasSuffix(tag2, `.2"`), tag2)

		cases := []struct {
			name, method, ifMatch string
			want                  int
		}{
			{"PUT on a stale version", "PUT", tag1, 412},
			{"PUT with a weak tag", "PUT", "W/" + tag2, 412},
			{"PUT with another operation's tag", "PUT", `"00000000000000000000000000000000.2"`, 412},
			{"DELETE on a stale version", "DELETE", tag1, 412},
			{"PUT with one current tag in a list", "PUT", tag1 + ", " + tag2, 200},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				before := versionsOf(t, ts, "op-les-tilleuls")
				var data []byte
				if tc.method == "PUT" {
					data = body
				}
				resp, b := call(t, ts, tc.method, "/v1/operations/op-les-tilleuls", writeTok, data, "If-Match", tc.ifMatch)
				require.Equal(t, tc.want, resp.StatusCode, string(b))
				if tc.want == 412 {
					require.Equal(t, before, versionsOf(t, ts, "op-les-tilleuls"), "a 412 wrote")
					require.Contains(t, string(b), "If-Match")
				}
			})
		}
		resp, _ = call(t, ts, "GET", "/v1/operations/op-les-tilleuls", readTok, nil)
		cur := resp.Header.Get("ETag")
		resp, b = call(t, ts, "DELETE", "/v1/operations/op-les-tilleuls", writeTok, nil, "If-Match", cur)
		require.Equal(t, 204, resp.StatusCode, string(b))
		// created again: the old tags name another operation
		resp, _ = call(t, ts, "POST", "/v1/operations", writeTok, body)
		require.Equal(t, 201, resp.StatusCode)
		resp, b = call(t, ts, "PUT", "/v1/operations/op-les-tilleuls", writeTok, body, "If-Match", tag1)
		require.Equal(t, 412, resp.StatusCode, string(b))
	})
}

// A job's plan is read from the incarnation it solved: after the operation was
// deleted and created again (and has a version of the same number), the job's
// plan is gone, not the new operation's version (issue 14, defect 1).
func TestJobPlanOfADeletedOperation(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		ts, _ := newTestServerOn(t, k)
		done := solveExample(t, ts)
		require.Equal(t, 2, done.Version)
		for _, path := range []string{"/v1/jobs/" + done.ID + "/plan", "/v1/operations/op-les-tilleuls/plan", "/v1/operations/op-les-tilleuls/versions/2"} {
			resp, body := call(t, ts, "GET", path, readTok, nil) // in the answer cache now
			require.Equal(t, 200, resp.StatusCode, string(body))
		}
		resp, _ := call(t, ts, "DELETE", "/v1/operations/op-les-tilleuls", writeTok, nil)
		require.Equal(t, 204, resp.StatusCode)
		p := gen.Example()
		p.Operation.Name = "another operation"
		b, _ := json.Marshal(p)
		resp, _ = call(t, ts, "POST", "/v1/operations", writeTok, b)
		require.Equal(t, 201, resp.StatusCode)
		resp, _ = call(t, ts, "PUT", "/v1/operations/op-les-tilleuls", writeTok, b)
		require.Equal(t, 200, resp.StatusCode) // the new incarnation's version 2
		resp, body := call(t, ts, "GET", "/v1/jobs/"+done.ID+"/plan", readTok, nil)
		require.Equal(t, 404, resp.StatusCode, string(body))
		resp, body = call(t, ts, "GET", "/v1/operations/op-les-tilleuls/plan", readTok, nil)
		require.Equal(t, 404, resp.StatusCode, "the new operation has no plan: %s", body)
		resp, body = call(t, ts, "GET", "/v1/operations/op-les-tilleuls/versions/2", readTok, nil)
		require.Equal(t, 200, resp.StatusCode)
		require.Contains(t, string(body), "another operation")
	})
}

// A solve running when its operation is deleted and created again stores nothing
// on the new one (issue 14, defect 1): DELETE cancels it, and it ends failed.
func TestSolveDuringDeleteAndCreate(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		ts, _ := newTestServerOn(t, k)
		resp, body := call(t, ts, "POST", "/v1/operations", writeTok, exampleJSON(t))
		require.Equal(t, 201, resp.StatusCode, string(body))
		resp, body = call(t, ts, "POST", "/v1/operations/op-les-tilleuls/solve?time_limit=30s", writeTok, nil)
		require.Equal(t, 202, resp.StatusCode, string(body))
		var st JobStatus
		require.NoError(t, json.Unmarshal(body, &st))
		resp, _ = call(t, ts, "DELETE", "/v1/operations/op-les-tilleuls", writeTok, nil)
		require.Equal(t, 204, resp.StatusCode)
		p := gen.Example()
		p.Operation.Name = "created again"
		b, _ := json.Marshal(p)
		resp, _ = call(t, ts, "POST", "/v1/operations", writeTok, b)
		require.Equal(t, 201, resp.StatusCode)
		st = waitJob(t, ts, st.ID)
		require.Equal(t, "failed", st.State)
		require.Contains(t, st.Error, "deleted during the solve")
		require.Equal(t, []string{"created"}, kinds(versionsOf(t, ts, "op-les-tilleuls")))
	})
}

// Ids longer than 128 bytes and Idempotency-Keys longer than 255 are 400s naming
// them, before any work (issue 14, defect 5: they were 500s, the key's after the
// replan was computed).
func TestLongIdsAndKeysAre400(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		ts, _ := newTestServerOn(t, k)
		solveExample(t, ts)
		long := strings.Repeat("x", 40000)
		nulID := bytes.Replace(exampleJSON(t), []byte(`"id":"op-les-tilleuls"`), []byte(`"id":"op-\u0000"`), 1)
		require.NotEqual(t, exampleJSON(t), nulID)
		cases := []struct {
			name, method, path string
			body               []byte
			hdr                []string
			field              string
		}{
			{"operation id", "GET", "/v1/operations/" + long, nil, nil, "op"},
			{"operation id, 129 bytes", "GET", "/v1/operations/" + strings.Repeat("é", 64) + "x", nil, nil, "op"},
			{"operation id on PUT", "PUT", "/v1/operations/" + long, exampleJSON(t), nil, "op"},
			{"operation id on DELETE", "DELETE", "/v1/operations/" + long, nil, nil, "op"},
			{"operation id on events", "POST", "/v1/operations/" + long + "/events", slipEvents, nil, "op"},
			{"intervention id", "GET", "/v1/operations/op-les-tilleuls/interventions/" + long + "/explanation", nil, nil, "iv"},
			{"job id", "GET", "/v1/jobs/" + long, nil, nil, "job"},
			{"household", "GET", "/v1/operations/op-les-tilleuls/calendars/household/" + long, nil, nil, "who"},
			{"idempotency key", "POST", slipPath, slipEvents, []string{"Idempotency-Key", long}, "Idempotency-Key"},
			{"operation id with a NUL byte", "GET", "/v1/operations/a%00b", nil, nil, "op"},
			{"operation id not UTF-8", "GET", "/v1/operations/%FF%FE/versions", nil, nil, "op"},
			{"job id not UTF-8", "DELETE", "/v1/jobs/%9E%0F", nil, nil, "job"},
			{"created operation id with a NUL byte", "POST", "/v1/operations", nulID, nil, "operation.id"},
			{"idempotency key, 256 bytes", "POST", slipPath, slipEvents, []string{"Idempotency-Key", strings.Repeat("k", 256)}, "Idempotency-Key"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := call(t, ts, tc.method, tc.path, writeTok, tc.body, tc.hdr...)
				require.Equal(t, 400, resp.StatusCode, string(body))
				require.Contains(t, string(body), fmt.Sprintf(`"field":%q`, tc.field))
			})
		}
		require.Len(t, versionsOf(t, ts, "op-les-tilleuls"), 2, "a refused request wrote")
		// at the limits: accepted
		resp, body := call(t, ts, "GET", "/v1/operations/"+strings.Repeat("x", 128), readTok, nil)
		require.Equal(t, 404, resp.StatusCode, string(body))
		resp, body = call(t, ts, "POST", slipPath, writeTok, slipEvents, "Idempotency-Key", strings.Repeat("k", 255))
		require.Equal(t, 201, resp.StatusCode, string(body))
	})
}
