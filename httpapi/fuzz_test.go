package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
)

// TestNo5xxOnAnyInput sends every document of the invalid corpus to every route
// that reads a body, then random mutations of valid requests (paths, query
// parameters, headers, bodies: bytes and JSON values) to every route of the
// table, for a few seconds (REHABPLAN_FUZZ_SECONDS sets how many): no answer is a
// 5xx, and the server is healthy after (issue 14, point 3).
func TestNo5xxOnAnyInput(t *testing.T) {
	budget := 3 * time.Second
	if v := os.Getenv("REHABPLAN_FUZZ_SECONDS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "REHABPLAN_FUZZ_SECONDS")
		budget = time.Duration(n) * time.Second
	}
	if testing.Short() {
		budget = time.Second
	}
	forEachStore(t, func(t *testing.T, k storeKind) { fuzzEveryRoute(t, k, budget) })
}

// fuzzEveryRoute is TestNo5xxOnAnyInput on a new store of kind k.
//
// One long function: the corpus, the mutations and the checks after share the
// server and the valid requests.
func fuzzEveryRoute(t *testing.T, k storeKind, budget time.Duration) {
	st := k.open(t)
	s := New(Config{Store: st, Tokens: map[string]string{writeTok: RoleWrite, readTok: RoleRead},
		MaxSolveTime: 100 * time.Millisecond, MaxHeldTime: 200 * time.Millisecond, MaxJobs: 2}) // searches short: the fuzz's time is for requests
	workQueue(t, s, st)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	job := solveExample(t, ts)

	valid := validRequests(t, s, job.ID)
	var corpus [][]byte
	files, err := filepath.Glob("../testdata/invalid/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		corpus = append(corpus, b)
	}

	var mu sync.Mutex
	fails := map[string]int{}
	sent := 0
	send := func(rq fuzzRequest) {
		req, err := http.NewRequest(rq.method, ts.URL+rq.target, bytes.NewReader(rq.body))
		if err != nil {
			return // a target no client could send
		}
		for k, v := range rq.header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil && strings.Contains(err.Error(), "invalid header field") {
			return // refused by the client: never sent
		}
		if err != nil {
			t.Errorf("%s %.300s: %v", rq.method, rq.target, err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		mu.Lock()
		sent++
		if resp.StatusCode >= 500 {
			k := fmt.Sprintf("%s %s %d %.200s", rq.method, rq.route, resp.StatusCode, body)
			if fails[k] == 0 {
				t.Errorf("%s %.300s -> %d %.300s", rq.method, rq.target, resp.StatusCode, body)
			}
			fails[k]++
		}
		mu.Unlock()
	}
	// the corpus, as the body of every route that reads one
	for _, rq := range valid {
		if rq.body == nil {
			continue
		}
		for _, doc := range corpus {
			r := rq
			r.body = doc
			send(r)
		}
	}
	// random mutations, eight clients at a time, until the budget is spent
	deadline := time.Now().Add(budget)
	var wg sync.WaitGroup
	for c := 0; c < 8; c++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, 99))
			for time.Now().Before(deadline) {
				send(mutate(rng, valid[rng.IntN(len(valid))]))
			}
		}(uint64(c + 1))
	}
	wg.Wait()
	t.Logf("%d requests, %d kinds of 5xx", sent, len(fails))
	require.Greater(t, sent, len(valid))

	// healthy after: it answers, its store answers, it still writes and solves
	resp, body := call(t, ts, "GET", "/readyz", "", nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	p := gen.Example()
	p.Operation.ID = "after-the-fuzz"
	b, _ := json.Marshal(p)
	resp, body = call(t, ts, "POST", "/v1/operations", writeTok, b)
	require.Equal(t, 201, resp.StatusCode, string(body))
	resp, body = call(t, ts, "POST", "/v1/operations/after-the-fuzz/solve?work_limit=2", writeTok, nil)
	for resp.StatusCode == 429 { // the fuzz's solves still hold the slots
		time.Sleep(100 * time.Millisecond)
		resp, body = call(t, ts, "POST", "/v1/operations/after-the-fuzz/solve?work_limit=2", writeTok, nil)
	}
	require.Equal(t, 202, resp.StatusCode, string(body))
	var js JobStatus
	require.NoError(t, json.Unmarshal(body, &js))
	require.Equal(t, "done", waitJob(t, ts, js.ID).State)
}

// fuzzRequest is a request of the fuzz test.
type fuzzRequest struct {
	route, method, target string
	header                map[string]string
	body                  []byte
}

// validRequests is a valid request to every route of the table.
func validRequests(t *testing.T, s *Server, jobID string) []fuzzRequest {
	vars := map[string]string{"op": "op-les-tilleuls", "iv": "B1-A-01%2Fpainting", "job": jobID, "v": "2",
		"kind": "household", "who": "H001", "file": "index.html", "household": "H001", "request": "R1"}
	queries := map[string]string{"time_limit": "500ms", "work_limit": "2", "seed": "1", "now": "2027-02-01T12:00:00+01:00",
		"from": "1", "to": "2", "lang": "fr", "date": "2027-02-04", "count": "3", "format": "text", "version": "2", "overdue": "2027-03-01", "status": "open"}
	problem := exampleJSON(t)
	tenantRequest := []byte(`{"date":"2027-02-01","subject":"bruit","status":"open","interventions":["B1-A-01/painting"],"follow_up":"2027-02-08","text":"t"}`)
	bodies := map[string][]byte{"createOperation": problem, "replaceOperation": problem, "postEvents": slipEvents,
		"announce": []byte(`{"until":"2027-03-01","now":"2027-02-01T12:00"}`), "confirm": []byte(`{"interventions":["B1-A-01/visit"]}`),
		"addRequest": tenantRequest, "updateRequest": tenantRequest}
	varRE := regexp.MustCompile(`\{([a-z]+)\}`)
	var out []fuzzRequest
	for _, rt := range s.table() {
		target := varRE.ReplaceAllStringFunc(rt.path, func(m string) string { return vars[m[1:len(m)-1]] })
		q := url.Values{}
		for _, p := range rt.query {
			q.Set(p.name, queries[p.name])
		}
		if len(q) > 0 {
			target += "?" + q.Encode()
		}
		hdr := map[string]string{"Authorization": "Bearer " + writeTok}
		for _, h := range rt.headers {
			if v := map[string]string{"Idempotency-Key": "k-1", "Accept-Language": "fr-CA, en;q=0.5", "If-Match": "*"}[h.name]; v != "" {
				hdr[h.name] = v
			}
		}
		out = append(out, fuzzRequest{route: rt.name, method: rt.method, target: target, header: hdr, body: bodies[rt.name]})
		if slices.ContainsFunc(rt.headers, func(h param) bool { return h.name == hPrefer.name }) {
			// the same request as a job (Prefer: respond-async), its own key
			async := map[string]string{hPrefer.name: "respond-async"}
			for k, v := range hdr {
				async[k] = v
			}
			async["Idempotency-Key"] = "k-async"
			out = append(out, fuzzRequest{route: rt.name, method: rt.method, target: target, header: async, body: bodies[rt.name]})
		}
	}
	return out
}

// oddStrings are values that have broken parsers: extremes of times, numbers and
// lengths, escapes, other types' spellings.
var oddStrings = []string{"", " ", "0", "-1", "1e308", "9223372036854775808", "NaN", "null", "true", "[]", "{}",
	"9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2027-02-30", "24:00", "-5s", "99999h", "%", "%2F", "%00", "..", "/",
	"\x00", "\xff\xfe", "é", strings.Repeat("a", 129), strings.Repeat("b", 300), strings.Repeat("9", 40), "W/\"x\"", "\"x.1\"", "*"}

// mutate changes one to three things of a valid request.
func mutate(rng *rand.Rand, rq fuzzRequest) fuzzRequest {
	out := rq
	out.header = map[string]string{}
	for k, v := range rq.header {
		out.header[k] = v
	}
	odd := func() string {
		if rng.IntN(4) == 0 {
			b := make([]byte, rng.IntN(40))
			for i := range b {
				b[i] = byte(rng.IntN(256))
			}
			return string(b)
		}
		return oddStrings[rng.IntN(len(oddStrings))]
	}
	for n := 1 + rng.IntN(3); n > 0; n-- {
		switch rng.IntN(6) {
		case 0: // a path segment
			u, err := url.Parse(out.target)
			if err != nil {
				continue
			}
			segs := strings.Split(u.EscapedPath(), "/")
			if len(segs) < 2 { // no segment left to change (an earlier mutation emptied the path)
				continue
			}
			i := 1 + rng.IntN(len(segs)-1)
			segs[i] = url.PathEscape(odd())
			out.target = strings.Join(segs, "/")
			if u.RawQuery != "" {
				out.target += "?" + u.RawQuery
			}
		case 1: // a query parameter
			u, err := url.Parse(out.target)
			if err != nil {
				continue
			}
			q := u.Query()
			names := []string{"time_limit", "work_limit", "seed", "now", "from", "to", "lang"}
			q.Set(names[rng.IntN(len(names))], odd())
			u.RawQuery = q.Encode()
			out.target = u.RequestURI()
		case 2: // a header
			names := []string{"Idempotency-Key", "If-Match", "Accept-Language", "Content-Type", "Authorization"}
			name := names[rng.IntN(len(names))]
			if name == "Authorization" && rng.IntN(2) == 0 {
				out.header[name] = "Bearer " + readTok
				continue
			}
			out.header[name] = odd()
		case 3, 4: // a JSON value of the body
			out.body = mutateJSON(rng, out.body, odd)
		case 5: // the body's bytes
			b := bytes.Clone(out.body)
			if len(b) == 0 {
				out.body = []byte(odd())
				continue
			}
			switch rng.IntN(3) {
			case 0:
				b = b[:rng.IntN(len(b))]
			case 1:
				b[rng.IntN(len(b))] = byte(rng.IntN(256))
			default:
				i := rng.IntN(len(b))
				b = append(b[:i:i], append([]byte(odd()), b[i:]...)...)
			}
			out.body = b
		}
	}
	return out
}

// mutateJSON replaces one value of the document (chosen among all its values)
// with another: an odd string, an extreme number, null, another type, or drops
// it.
func mutateJSON(rng *rand.Rand, body []byte, odd func() string) []byte {
	var doc any
	if json.Unmarshal(body, &doc) != nil {
		return body
	}
	var slots []func(any)
	var walk func(v any, set func(any))
	walk = func(v any, set func(any)) {
		slots = append(slots, set)
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				walk(c, func(n any) {
					if n == nil && rng.IntN(2) == 0 {
						delete(x, k)
						return
					}
					x[k] = n
				})
			}
		case []any:
			for i, c := range x {
				walk(c, func(n any) { x[i] = n })
			}
		}
	}
	walk(doc, func(n any) { doc = n })
	values := []func() any{
		func() any { return odd() },
		func() any { return nil },
		func() any { return -1 },
		func() any { return 1e300 },
		func() any { return 9007199254740993 },
		func() any { return []any{} },
		func() any { return map[string]any{} },
		func() any { return true },
		func() any { return 0.5 },
	}
	slots[rng.IntN(len(slots))](values[rng.IntN(len(values))]())
	out, err := json.Marshal(doc)
	if err != nil {
		return body
	}
	return out
}
