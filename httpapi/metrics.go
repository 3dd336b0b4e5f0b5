package httpapi

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

var buckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

type histogram struct {
	mu     sync.Mutex
	counts []uint64
	sum    float64
	n      uint64
}

func newHistogram() *histogram { return &histogram{counts: make([]uint64, len(buckets))} }

func (h *histogram) observe(v float64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, b := range buckets {
		if v <= b {
			h.counts[i]++
		}
	}
	h.sum += v
	h.n++
}

// metrics writes the Prometheus text exposition format.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) error {
	var b strings.Builder
	b.WriteString("# HELP rehabplan_http_requests_total HTTP requests by method, route and status.\n# TYPE rehabplan_http_requests_total counter\n")
	var keys []string
	s.requests.Range(func(k, _ any) bool { keys = append(keys, k.(string)); return true })
	sort.Strings(keys)
	for _, k := range keys {
		parts := strings.SplitN(k, " ", 3)
		c, _ := s.requests.Load(k)
		fmt.Fprintf(&b, "rehabplan_http_requests_total{method=%q,route=%q,status=%q} %d\n", parts[0], parts[1], parts[2], c.(*atomic.Int64).Load())
	}
	b.WriteString("# HELP rehabplan_http_request_seconds Request latency by route.\n# TYPE rehabplan_http_request_seconds histogram\n")
	var routes []string
	s.latency.Range(func(k, _ any) bool { routes = append(routes, k.(string)); return true })
	sort.Strings(routes)
	for _, rt := range routes {
		v, _ := s.latency.Load(rt)
		h := v.(*histogram)
		h.mu.Lock()
		for i, le := range buckets {
			fmt.Fprintf(&b, "rehabplan_http_request_seconds_bucket{route=%q,le=\"%g\"} %d\n", rt, le, h.counts[i])
		}
		fmt.Fprintf(&b, "rehabplan_http_request_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", rt, h.n)
		fmt.Fprintf(&b, "rehabplan_http_request_seconds_sum{route=%q} %g\nrehabplan_http_request_seconds_count{route=%q} %d\n", rt, h.sum, rt, h.n)
		h.mu.Unlock()
	}
	s.writeAuthMetrics(&b)
	s.jobs.mu.Lock()
	fmt.Fprintf(&b, "# HELP rehabplan_jobs_running Solve jobs running.\n# TYPE rehabplan_jobs_running gauge\nrehabplan_jobs_running %d\n", s.jobs.running)
	s.jobs.mu.Unlock()
	writeBody(w, http.StatusOK, "text/plain; version=0.0.4", []byte(b.String()))
	return nil
}
