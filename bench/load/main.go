// Command load is a bounded load test of the HTTP service from a second process:
// it creates generated operations of growing sizes (the largest --dwellings),
// solves each, then runs N concurrent clients for a while, mixing reads (the
// problem, the plan, versions, feeds, explanations) and writes (replans after a
// crew absence, PUTs with If-Match), while --solves solve jobs keep running. It
// prints the latency percentiles per route, the answers by status, and the
// server's peak resident memory (from its /metrics, and from /proc when --pid is
// given); it fails when any answer was a 5xx.
//
//	rehabplan serve --addr 127.0.0.1:8080 --data /tmp/d &   (REHABPLAN_TOKENS set)
//	go run ./bench/load --url http://127.0.0.1:8080 --token TOKEN --clients 50 --duration 60s \
//	    --operations 10 --dwellings 3000 --solves 2 --pid $!
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rehabplan/rehabplan/bench"
	"github.com/rehabplan/rehabplan/gen"
)

type options struct {
	base, token              string
	clients, dwellings, nops int
	solves, pid              int
	dur                      time.Duration
	replanShare, putShare    float64
	solveLimit               time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.base, "url", "http://127.0.0.1:8080", "the service")
	flag.StringVar(&o.token, "token", os.Getenv("REHABPLAN_TOKEN"), "a write token")
	flag.IntVar(&o.clients, "clients", 50, "concurrent clients")
	flag.DurationVar(&o.dur, "duration", 30*time.Second, "how long")
	flag.IntVar(&o.dwellings, "dwellings", 20, "size of the largest operation: operation i of n has dwellings·i/n (at least 20)")
	flag.IntVar(&o.nops, "operations", 5, "operations the clients share (replans of one operation queue behind each other)")
	flag.Float64Var(&o.replanShare, "replans", 0.05, "share of requests that are replans")
	flag.Float64Var(&o.putShare, "puts", 0.01, "share of requests that replace an operation's problem (PUT with If-Match; the operation is solved again by the solve jobs)")
	flag.IntVar(&o.solves, "solves", 0, "solve jobs kept running during the run, each on a random operation")
	flag.DurationVar(&o.solveLimit, "solve-time", 20*time.Second, "time limit of each of those solve jobs")
	flag.IntVar(&o.pid, "pid", 0, "the server's process id, to read its peak resident memory (VmHWM) from /proc")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

type sample struct {
	kind   string
	d      time.Duration
	status int
}

// target is one operation of the run and what its requests name.
type target struct {
	path              string
	problem           []byte
	households, crews []string
	interventions     []string
	start             time.Time
	dwellings         int
}

type client struct {
	hc          *http.Client
	base, token string
}

func (c *client) do(method, path string, body []byte, hdr ...string) (int, http.Header, []byte, error) {
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, data, err
}

// solve starts a solve job and waits for its end, retrying while the server is
// busy (429); it returns the job's final state.
func (c *client) solve(op string, query string) (string, error) {
	for {
		code, _, body, err := c.do("POST", op+"/solve?"+query, nil)
		if err != nil {
			return "", err
		}
		if code == 429 {
			time.Sleep(time.Second)
			continue
		}
		if code != 202 {
			return "", fmt.Errorf("solve %s: %d %s", op, code, body)
		}
		var job struct{ ID, State, Error string }
		json.Unmarshal(body, &job)
		for job.State == "running" {
			time.Sleep(200 * time.Millisecond)
			_, _, body, err = c.do("GET", "/v1/jobs/"+job.ID, nil)
			if err != nil {
				return "", err
			}
			json.Unmarshal(body, &job)
		}
		return job.State, nil
	}
}

// setup creates the operations, of growing sizes, and solves each.
func setup(c *client, o options) ([]*target, error) {
	var ts []*target
	stamp := time.Now().UnixNano()
	for i := 0; i < o.nops; i++ {
		n := max(20, o.dwellings*(i+1)/o.nops)
		p := gen.Generate(gen.Options{Dwellings: n, Seed: int64(5 + i)})
		p.Operation.ID = fmt.Sprintf("load-%d-%d", stamp, i)
		b, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		if code, _, body, err := c.do("POST", "/v1/operations", b); err != nil || code != 201 {
			return nil, fmt.Errorf("create: %d %s %v", code, body, err)
		}
		t := &target{path: "/v1/operations/" + p.Operation.ID, problem: b, dwellings: n}
		if state, err := c.solve(t.path, "work_limit=1"); err != nil || state != "done" {
			return nil, fmt.Errorf("solve of %d dwellings: %s %v", n, state, err)
		}
		for _, d := range p.Dwellings {
			if d.Household != "" {
				t.households = append(t.households, d.Household)
			}
		}
		for _, cr := range p.Crews {
			t.crews = append(t.crews, cr.ID)
		}
		for _, iv := range p.Interventions {
			t.interventions = append(t.interventions, url.PathEscape(iv.ID))
		}
		t.start, _ = time.Parse("2006-01-02", p.Operation.Start)
		fmt.Fprintf(os.Stderr, "load: operation %d: %d dwellings, %d interventions, created and solved\n", i+1, n, len(p.Interventions))
		ts = append(ts, t)
	}
	return ts, nil
}

// request draws one request of the mix.
func request(rng *rand.Rand, o options, t *target, c, k int) (kind, method, path string, body []byte, hdr []string) {
	switch x := rng.Float64(); {
	case x < o.replanShare:
		from := t.start.AddDate(0, 0, 30+rng.IntN(120))
		body = []byte(fmt.Sprintf(`{"format":"rehabplan-events/v1","events":[{"id":"c%d-%d","type":"crew_absent","crew":%q,"from":%q,"to":%q}]}`,
			c, k, t.crews[rng.IntN(len(t.crews))], from.Format("2006-01-02"), from.AddDate(0, 0, 2).Format("2006-01-02")))
		return "replan", "POST", t.path + "/events?work_limit=2", body, []string{"Idempotency-Key", fmt.Sprintf("load-%d-%d", c, k)}
	case x < o.replanShare+o.putShare:
		return "put", "PUT", t.path, t.problem, nil // If-Match added by the caller
	case x < 0.25:
		return "plan", "GET", t.path + "/plan", nil, nil
	case x < 0.35:
		return "problem", "GET", t.path, nil, nil
	case x < 0.55:
		return "versions", "GET", t.path + "/versions", nil, nil
	case x < 0.8:
		return "calendar", "GET", t.path + "/calendars/household/" + t.households[rng.IntN(len(t.households))], nil, nil
	default:
		return "explanation", "GET", t.path + "/interventions/" + t.interventions[rng.IntN(len(t.interventions))] + "/explanation", nil, nil
	}
}

// run loads the service with clients for o.dur and prints the latencies by route.
//
// One long function: the solve loops, the memory sampler, the clients' loop and the
// report share the samples and the counters; it is a measuring program read from
// top to bottom.
func run(o options) error {
	c := &client{hc: &http.Client{Timeout: 120 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: o.clients}}, base: o.base, token: o.token}
	targets, err := setup(c, o)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	var samples []sample
	deadline := time.Now().Add(o.dur)
	done := make(chan struct{})
	var wg sync.WaitGroup
	// the solve jobs kept running
	var solvesEnded atomic.Int64
	for s := 0; s < o.solves; s++ {
		wg.Add(1)
		go func(s int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(s), 17))
			for time.Now().Before(deadline) {
				t := targets[rng.IntN(len(targets))]
				limit := min(o.solveLimit, time.Until(deadline))
				if limit <= 0 {
					return
				}
				if _, err := c.solve(t.path, fmt.Sprintf("time_limit=%s&seed=%d", limit.Round(time.Millisecond), s)); err == nil {
					solvesEnded.Add(1)
				}
			}
		}(s)
	}
	// the server's resident memory, every half second
	var peakRSS atomic.Int64
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(500 * time.Millisecond):
			}
			if rss := scrapeRSS(c); rss > peakRSS.Load() {
				peakRSS.Store(rss)
			}
		}
	}()
	for cl := 0; cl < o.clients; cl++ {
		wg.Add(1)
		go func(cl int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(cl), 9))
			for k := 0; time.Now().Before(deadline); k++ {
				t := targets[rng.IntN(len(targets))]
				kind, method, path, body, hdr := request(rng, o, t, cl, k)
				t0 := time.Now()
				if kind == "put" {
					_, h, _, err := c.do("GET", t.path+"/versions", nil)
					if err == nil {
						hdr = []string{"If-Match", h.Get("ETag")}
					}
				}
				code, h, _, err := c.do(method, path, body, hdr...)
				if err != nil {
					code = -1
				}
				mu.Lock()
				samples = append(samples, sample{kind, time.Since(t0), code})
				mu.Unlock()
				if code == 429 { // a careful client waits as told
					secs, _ := strconv.Atoi(h.Get("Retry-After"))
					time.Sleep(time.Duration(max(1, secs)) * time.Second)
				}
			}
		}(cl)
	}
	wg.Wait()
	close(done)
	if rss := scrapeRSS(c); rss > peakRSS.Load() {
		peakRSS.Store(rss)
	}
	kinds := map[string][]float64{} // milliseconds
	statuses := map[int]int{}
	server := 0
	for _, s := range samples {
		ms := float64(s.d.Microseconds()) / 1000
		kinds[s.kind] = append(kinds[s.kind], ms)
		kinds["all"] = append(kinds["all"], ms)
		statuses[s.status]++
		if s.status >= 500 {
			server++
		}
	}
	sizes := make([]string, len(targets))
	for i, t := range targets {
		sizes[i] = strconv.Itoa(t.dwellings)
	}
	fmt.Printf("%d clients, %s, %d operations of %s dwellings, %.0f%% replans, %.0f%% PUTs, %d solve jobs running (%d ended)\n",
		o.clients, o.dur, len(targets), strings.Join(sizes, "/"), 100*o.replanShare, 100*o.putShare, o.solves, solvesEnded.Load())
	fmt.Printf("%-12s %7s %9s %9s %9s\n", "request", "count", "p50 ms", "p95 ms", "p99 ms")
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		ms := kinds[k]
		fmt.Printf("%-12s %7d %9.1f %9.1f %9.1f\n", k, len(ms), bench.Quantile(0.50, ms), bench.Quantile(0.95, ms), bench.Quantile(0.99, ms))
	}
	var codes []int
	for st := range statuses {
		codes = append(codes, st)
	}
	sort.Ints(codes)
	var parts []string
	for _, st := range codes {
		parts = append(parts, fmt.Sprintf("%d: %d", st, statuses[st]))
	}
	fmt.Printf("answers by status (-1: no answer): %s\n", strings.Join(parts, ", "))
	fmt.Printf("5xx: %d, requests/s: %.0f\n", server, float64(len(samples))/o.dur.Seconds())
	fmt.Printf("server RSS peak: %.0f MB sampled from /metrics", float64(peakRSS.Load())/(1<<20))
	if o.pid > 0 {
		if hwm, err := vmHWM(o.pid); err == nil {
			fmt.Printf(", %.0f MB VmHWM (the process's peak since it started)", float64(hwm)/(1<<20))
		}
	}
	fmt.Println()
	if server > 0 {
		return fmt.Errorf("%d answers were 5xx", server)
	}
	return nil
}

// scrapeRSS reads process_resident_memory_bytes from the server's /metrics (0
// when it is not there).
func scrapeRSS(c *client) int64 {
	_, _, body, err := c.do("GET", "/metrics", nil)
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "process_resident_memory_bytes "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err == nil {
				return int64(f)
			}
		}
	}
	return 0
}

// vmHWM is a process's peak resident set size, in bytes, from /proc.
func vmHWM(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}
