package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/scheduler"
)

// ack is a write the server acknowledged: the state it made (incarnation and
// version), its kind and the name of the operation in its problem (each writer
// names its own), or a deletion of an incarnation.
type ack struct {
	what        string // replaced, replanned, solved, created, deleted
	incarnation string
	version     int
	name        string
}

// pairEnv runs the writes of a case on one operation of a shared server.
type pairEnv struct {
	t     *testing.T
	ts    *httptest.Server
	store Store
	op    string
	mu    sync.Mutex
	acks  []ack
}

func (e *pairEnv) acked(a ack) {
	e.mu.Lock()
	e.acks = append(e.acks, a)
	e.mu.Unlock()
}

// parseETag reads "INCARNATION.VERSION".
func parseETag(t *testing.T, tag string) (string, int) {
	inc, v, ok := strings.Cut(strings.Trim(tag, `"`), ".")
	require.True(t, ok, "ETag %q", tag)
	n, err := strconv.Atoi(v)
	require.NoError(t, err)
	return inc, n
}

// problem is a small generated operation (10 dwellings with the pilot's visits
// and the example's window delivery): the test is about the writes, and with the
// bundled example's 60 dwellings its solves' bounds alone took a quarter of its
// CPU under the race detector.
func (e *pairEnv) problem(name string) []byte {
	p := gen.Generate(gen.Options{Dwellings: 10, Seed: 1, Visits: true})
	p.Operation.ID, p.Operation.Name = e.op, name
	b, err := json.Marshal(p)
	require.NoError(e.t, err)
	return b
}

func (e *pairEnv) etag() string {
	resp, _ := call(e.t, e.ts, "GET", "/v1/operations/"+e.op, readTok, nil)
	return resp.Header.Get("ETag")
}

// The writes of the concurrency test. Each sends what a careful client sends
// (If-Match with the state it read) and records what was acknowledged.
var pairWrites = map[string]func(e *pairEnv, tag string){
	"put": func(e *pairEnv, tag string) {
		resp, body := call(e.t, e.ts, "PUT", "/v1/operations/"+e.op, writeTok, e.problem("put by "+tag), "If-Match", e.etag())
		if resp.StatusCode == 200 {
			inc, n := parseETag(e.t, resp.Header.Get("ETag"))
			e.acked(ack{"replaced", inc, n, "put by " + tag})
			return
		}
		require.Contains(e.t, []int{404, 412}, resp.StatusCode, string(body))
	},
	"delete": func(e *pairEnv, tag string) {
		cur := e.etag()
		resp, body := call(e.t, e.ts, "DELETE", "/v1/operations/"+e.op, writeTok, nil, "If-Match", cur)
		if resp.StatusCode != 204 {
			require.Contains(e.t, []int{404, 412}, resp.StatusCode, string(body))
			return
		}
		inc, _ := parseETag(e.t, cur)
		e.acked(ack{what: "deleted", incarnation: inc})
		resp, body = call(e.t, e.ts, "POST", "/v1/operations", writeTok, e.problem("created again by "+tag))
		if resp.StatusCode == 201 {
			inc, n := parseETag(e.t, resp.Header.Get("ETag"))
			e.acked(ack{"created", inc, n, "created again by " + tag})
			return
		}
		require.Equal(e.t, 409, resp.StatusCode, string(body)) // the other write created it first
	},
	"events": func(e *pairEnv, tag string) {
		// each writer its own slip: the later one applied first makes the other
		// one invalid (a slip moves a delivery later), a 422
		day := 9 + 3*strings.Count(tag, "1")
		ev := fmt.Sprintf(`{"format":"rehabplan-events/v1","events":[{"id":"slip","type":"delivery_slipped","delivery":"L-windows-1","expected":"2027-03-%02dT08:00"}]}`, day)
		resp, body := call(e.t, e.ts, "POST", "/v1/operations/"+e.op+"/events?now=2027-02-01T12:00:00%2B01:00&time_limit=1s", writeTok, []byte(ev),
			"Idempotency-Key", tag)
		if resp.StatusCode == 201 {
			inc, n := parseETag(e.t, resp.Header.Get("ETag"))
			e.acked(ack{what: "replanned", incarnation: inc, version: n})
			return
		}
		if resp.StatusCode == 422 {
			require.Contains(e.t, string(body), "a slip moves it later")
			return
		}
		require.Contains(e.t, []int{404, 409}, resp.StatusCode, string(body))
	},
	"replan job": func(e *pairEnv, tag string) {
		// the events of "events", queued as a job (Prefer: respond-async): its
		// base is the version current at submit; when it moved, the job applies
		// them again to the new latest or fails with nothing stored
		day := 9 + 3*strings.Count(tag, "1")
		ev := fmt.Sprintf(`{"format":"rehabplan-events/v1","events":[{"id":"slip","type":"delivery_slipped","delivery":"L-windows-1","expected":"2027-03-%02dT08:00"}]}`, day)
		resp, body := call(e.t, e.ts, "POST", "/v1/operations/"+e.op+"/events?now=2027-02-01T12:00:00%2B01:00&time_limit=1s", writeTok, []byte(ev),
			"Idempotency-Key", tag, "Prefer", "respond-async")
		if resp.StatusCode != 202 {
			// the operation gone, or its latest version without a plan (a PUT)
			require.Contains(e.t, []int{404, 409}, resp.StatusCode, string(body))
			return
		}
		var st JobStatus
		require.NoError(e.t, json.Unmarshal(body, &st))
		submitted, err := e.store.GetJob(st.ID)
		require.NoError(e.t, err)
		st = waitJob(e.t, e.ts, st.ID)
		rec, err := e.store.GetJob(st.ID)
		require.NoError(e.t, err)
		require.Equal(e.t, submitted.Incarnation, rec.Incarnation, "a job moved to another incarnation")
		if st.Version > 0 {
			require.Contains(e.t, []string{"done", "cancelled"}, st.State)
			e.acked(ack{what: "replanned", incarnation: rec.Incarnation, version: st.Version})
			return
		}
		switch st.State {
		case "failed":
			if !strings.Contains(st.Error, "a slip moves it later") {
				require.Contains(e.t, st.Error, "nothing stored")
			}
		case "cancelled": // its incarnation deleted while it waited: nothing stored
		default:
			e.t.Fatalf("job %s ended %s without a version: %s", st.ID, st.State, st.Error)
		}
	},
	"solve": func(e *pairEnv, tag string) {
		resp, body := call(e.t, e.ts, "POST", "/v1/operations/"+e.op+"/solve?time_limit=600ms", writeTok, nil)
		if resp.StatusCode == 404 {
			return
		}
		require.Equal(e.t, 202, resp.StatusCode, string(body))
		var st JobStatus
		require.NoError(e.t, json.Unmarshal(body, &st))
		st = waitJob(e.t, e.ts, st.ID)
		if st.State == "done" {
			rec, err := e.store.GetJob(st.ID)
			require.NoError(e.t, err)
			e.acked(ack{what: "solved", incarnation: rec.Incarnation, version: st.Version})
			return
		}
		require.Equal(e.t, "failed", st.State)
		require.Contains(e.t, st.Error, "nothing stored")
	},
}

// TestConcurrentWritesOnOneOperation plays every pair of {PUT, DELETE then
// create again, events, events as a job (Prefer: respond-async), solve} on one
// solved operation, in both orders and overlapped (issue 14, done-when): no
// acknowledged write is lost, and nothing is applied to an operation it was not
// addressed to. A replan job whose base moved applies its events again to the
// new latest version or fails with nothing stored, never on another
// incarnation than the one it was sent to. Afterwards, on the operation's
// incarnation:
//   - every write acknowledged on it is its version, of its kind and problem;
//     a write acknowledged on another incarnation was deleted by a DELETE that
//     was acknowledged;
//   - its first version is the problem it was created with; a solve or a replan
//     is built on the version before it (same problem name), never on a deleted
//     operation's or on a version a PUT replaced;
//   - every plan it holds passes the verifier.
func TestConcurrentWritesOnOneOperation(t *testing.T) {
	if testing.Short() {
		t.Skip("solves and replans some hundred times")
	}
	forEachStore(t, func(t *testing.T, k storeKind) { playPairs(t, k) })
}

// playPairs plays every pair on a new store of kind k.
func playPairs(t *testing.T, k storeKind) {
	st := k.open(t)
	s := New(Config{Store: st, Tokens: map[string]string{writeTok: RoleWrite, readTok: RoleRead}, MaxJobs: 16, PoolSize: 32})
	workQueue(t, s, st)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)

	names := []string{"put", "delete", "events", "replan job", "solve"}
	type pair struct {
		a, b       string
		overlapped bool
	}
	var cases []pair
	for i, a := range names {
		for j, b := range names {
			cases = append(cases, pair{a, b, false})
			if j >= i {
				cases = append(cases, pair{a, b, true})
			}
		}
	}
	for i, tc := range cases {
		name := tc.a + " then " + tc.b
		if tc.overlapped {
			name = tc.a + " with " + tc.b
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := &pairEnv{t: t, ts: ts, store: st, op: fmt.Sprintf("pair-%d", i)}
			resp, body := call(t, ts, "POST", "/v1/operations", writeTok, e.problem("original"))
			require.Equal(t, 201, resp.StatusCode, string(body))
			resp, body = call(t, ts, "POST", "/v1/operations/"+e.op+"/solve?work_limit=2&seed=1", writeTok, nil)
			require.Equal(t, 202, resp.StatusCode, string(body))
			var js JobStatus
			require.NoError(t, json.Unmarshal(body, &js))
			require.Equal(t, "done", waitJob(t, ts, js.ID).State)
			if tc.overlapped {
				var wg sync.WaitGroup
				start := make(chan struct{})
				for k, w := range []string{tc.a, tc.b} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						pairWrites[w](e, fmt.Sprintf("%s-%d", w, k))
					}()
				}
				close(start)
				wg.Wait()
			} else {
				pairWrites[tc.a](e, tc.a+"-0")
				pairWrites[tc.b](e, tc.b+"-1")
			}
			checkPairOutcome(t, e)
		})
	}
}

// checkPairOutcome checks the operation against the writes acknowledged.
func checkPairOutcome(t *testing.T, e *pairEnv) {
	head, err := e.store.Head(e.op)
	if err != nil {
		// only a deletion whose creation lost to nothing could leave no operation
		t.Fatalf("the operation is gone: %v (acknowledged: %+v)", err, e.acks)
	}
	deleted := map[string]bool{}
	for _, a := range e.acks {
		if a.what == "deleted" {
			deleted[a.incarnation] = true
		}
	}
	require.False(t, deleted[head.Incarnation], "a deleted incarnation is current")
	versions := map[int]*Version{}
	for n := 1; n <= head.Version; n++ {
		v, err := e.store.Get(e.op, n)
		require.NoError(t, err)
		require.Equal(t, head.Incarnation, v.Incarnation)
		versions[n] = v
	}
	for _, a := range e.acks {
		if a.what == "deleted" {
			continue
		}
		if a.incarnation != head.Incarnation {
			assert.True(t, deleted[a.incarnation], "acknowledged %+v lost: its incarnation is gone but was never deleted", a)
			continue
		}
		v := versions[a.version]
		if !assert.NotNil(t, v, "acknowledged %+v lost", a) {
			continue
		}
		assert.Equal(t, a.what, v.Kind, "acknowledged %+v is another version", a)
		if a.name != "" {
			assert.Equal(t, a.name, v.Problem.Operation.Name, "acknowledged %+v has another problem", a)
		}
	}
	first := versions[1].Problem.Operation.Name
	if len(deleted) == 0 {
		assert.Equal(t, "original", first)
	} else {
		assert.True(t, strings.HasPrefix(first, "created again by "), "the operation created again starts with %q", first)
	}
	for n := 2; n <= head.Version; n++ {
		v, prev := versions[n], versions[n-1]
		switch v.Kind {
		case "solved", "replanned":
			assert.Equal(t, prev.Problem.Operation.Name, v.Problem.Operation.Name, "version %d (%s) is not built on version %d", n, v.Kind, n-1)
		case "replaced":
			assert.True(t, strings.HasPrefix(v.Problem.Operation.Name, "put by "), "version %d", n)
		default:
			t.Errorf("version %d is %s", n, v.Kind)
		}
		if v.Plan != nil {
			assert.Empty(t, scheduler.Verify(v.Problem, v.Plan), "version %d", n)
		}
	}
}
