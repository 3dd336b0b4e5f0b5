// Command load is a bounded load test of the HTTP service from a second process:
// it creates a generated operation, solves it, then runs N concurrent clients for a
// while (reads of the plan, versions, feeds and explanations, and small replans),
// and prints the latency percentiles and the count of 5xx answers.
//
//	rehabplan serve --addr 127.0.0.1:8080 --data /tmp/d &   (REHABPLAN_TOKENS set)
//	go run ./bench/load --url http://127.0.0.1:8080 --token TOKEN --clients 50 --duration 30s
package main

import (
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
	"sync"
	"time"

	"github.com/rehabplan/rehabplan/bench"
	"github.com/rehabplan/rehabplan/gen"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "the service")
	token := flag.String("token", os.Getenv("REHABPLAN_TOKEN"), "a write token")
	clients := flag.Int("clients", 50, "concurrent clients")
	dur := flag.Duration("duration", 30*time.Second, "how long")
	dwellings := flag.Int("dwellings", 20, "size of each operation")
	ops := flag.Int("operations", 5, "operations the clients share (replans of one operation queue behind each other)")
	replanShare := flag.Float64("replans", 0.05, "share of requests that are replans")
	flag.Parse()
	if err := run(*base, *token, *clients, *dur, *dwellings, *ops, *replanShare); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

type sample struct {
	kind   string
	d      time.Duration
	status int
}

// run loads the service with clients for dur and prints the latencies by route.
//
// One long function: the set-up of the operations, the clients' loop and the
// report share the samples and the counters; it is a measuring program read from
// top to bottom.
func run(base, token string, clients int, dur time.Duration, dwellings, nops int, replanShare float64) error {
	hc := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	do := func(method, path string, body []byte) (int, []byte, error) {
		req, err := http.NewRequest(method, base+path, bytes.NewReader(body))
		if err != nil {
			return 0, nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := hc.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		return resp.StatusCode, data, err
	}
	p := gen.Generate(gen.Options{Dwellings: dwellings, Seed: 5})
	var opPaths []string
	for i := 0; i < nops; i++ {
		p.Operation.ID = fmt.Sprintf("load-%d-%d", time.Now().UnixNano(), i)
		b, _ := json.Marshal(p)
		if code, body, err := do("POST", "/v1/operations", b); err != nil || code != 201 {
			return fmt.Errorf("create: %d %s %v", code, body, err)
		}
		op := "/v1/operations/" + p.Operation.ID
		opPaths = append(opPaths, op)
		code, body, err := do("POST", op+"/solve?work_limit=4", nil)
		if err != nil || code != 202 {
			return fmt.Errorf("solve: %d %s %v", code, body, err)
		}
		var job struct{ ID, State string }
		json.Unmarshal(body, &job)
		for job.State == "running" {
			time.Sleep(100 * time.Millisecond)
			_, body, _ = do("GET", "/v1/jobs/"+job.ID, nil)
			json.Unmarshal(body, &job)
		}
		if job.State != "done" {
			return fmt.Errorf("solve job: %s", body)
		}
	}
	var hh, crews, ivs []string
	for _, d := range p.Dwellings {
		if d.Household != "" {
			hh = append(hh, d.Household)
		}
	}
	for _, c := range p.Crews {
		crews = append(crews, c.ID)
	}
	for _, iv := range p.Interventions {
		ivs = append(ivs, url.PathEscape(iv.ID))
	}
	start, _ := time.Parse("2006-01-02", p.Operation.Start)
	var mu sync.Mutex
	var samples []sample
	deadline := time.Now().Add(dur)
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 9))
			for k := 0; time.Now().Before(deadline); k++ {
				var kind, method, path string
				var body []byte
				op := opPaths[rng.IntN(len(opPaths))]
				switch x := rng.Float64(); {
				case x < replanShare:
					kind, method = "replan", "POST"
					from := start.AddDate(0, 0, 30+rng.IntN(120))
					path = op + "/events?work_limit=2"
					body = []byte(fmt.Sprintf(`{"format":"rehabplan-events/v1","events":[{"id":"c%d-%d","type":"crew_absent","crew":%q,"from":%q,"to":%q}]}`,
						c, k, crews[rng.IntN(len(crews))], from.Format("2006-01-02"), from.AddDate(0, 0, 2).Format("2006-01-02")))
				case x < 0.4:
					kind, method, path = "plan", "GET", op+"/plan"
				case x < 0.6:
					kind, method, path = "versions", "GET", op+"/versions"
				case x < 0.8:
					kind, method, path = "calendar", "GET", op+"/calendars/household/"+hh[rng.IntN(len(hh))]
				default:
					kind, method, path = "explanation", "GET", op+"/interventions/"+ivs[rng.IntN(len(ivs))]+"/explanation"
				}
				t0 := time.Now()
				code, _, err := do(method, path, body)
				if err != nil {
					code = -1
				}
				mu.Lock()
				samples = append(samples, sample{kind, time.Since(t0), code})
				mu.Unlock()
			}
		}(c)
	}
	wg.Wait()
	kinds := map[string][]float64{} // milliseconds
	fails, server := 0, 0
	for _, s := range samples {
		ms := float64(s.d.Microseconds()) / 1000
		kinds[s.kind] = append(kinds[s.kind], ms)
		kinds["all"] = append(kinds["all"], ms)
		switch {
		case s.status >= 500:
			server++
		case s.status < 0 || s.status >= 400:
			fails++
		}
	}
	fmt.Printf("%d clients, %s, %d operations of %d dwellings (%d interventions), %.0f%% replans\n", clients, dur, nops, dwellings, len(p.Interventions), 100*replanShare)
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
	fmt.Printf("5xx: %d, other errors: %d, requests/s: %.0f\n", server, fails, float64(len(samples))/dur.Seconds())
	if server > 0 {
		return fmt.Errorf("%d answers were 5xx", server)
	}
	return nil
}
