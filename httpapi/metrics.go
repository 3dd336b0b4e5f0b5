package httpapi

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus families, on a registry of its own (a
// process may run several servers: the tests do). They are built with
// prometheus/client_golang rather than written by hand: with the jobs', the
// pool's, the authentication failures' and the Go runtime's families they are more
// than a dozen, and the library gives the runtime and process figures
// (go_*, process_*) and a correct exposition for free.
type metrics struct {
	reg          *prometheus.Registry
	requests     *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	jobsEnded    *prometheus.CounterVec
	jobSeconds   *prometheus.HistogramVec
	authFailures *prometheus.CounterVec
}

func newMetrics(s *Server) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rehabplan_http_requests_total",
			Help: "HTTP requests by method, route and status."}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "rehabplan_http_request_seconds",
			Help:    "Request latency by route.",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}}, []string{"route"}),
		jobsEnded:  newJobsEnded(),
		jobSeconds: newJobSeconds(),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rehabplan_http_auth_failures_total",
			Help: "Requests refused: 401 (reason missing or invalid token) and 403 (reason role, scope, or submitter: a job another token submitted)."}, []string{"status", "reason"}),
	}
	gauge := func(name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f)
	}
	poolStat := func(i int) func() float64 {
		return func() float64 {
			size, busy, queued, rejected := s.pool.stats()
			return [...]float64{float64(size), float64(busy), float64(queued), float64(rejected)}[i]
		}
	}
	m.reg.MustRegister(m.requests, m.latency, m.jobsEnded, m.jobSeconds, m.authFailures,
		gauge("rehabplan_jobs_running", "Jobs running (solves and replans).", func() float64 {
			s.jobs.mu.Lock()
			defer s.jobs.mu.Unlock()
			return float64(s.jobs.running)
		}),
		gauge("rehabplan_pool_slots", "Slots of the pool of heavy work (solve jobs, replans, whole-version reads).", poolStat(0)),
		gauge("rehabplan_pool_busy", "Slots of the pool in use; busy/slots is its saturation.", poolStat(1)),
		gauge("rehabplan_pool_queued", "Requests and jobs waiting for their turn in the pool (for a slot or room in its budget).", poolStat(2)),
		gauge("rehabplan_pool_budget_mib", "The pool's memory budget in MiB (0: none, only the slots bound it): the estimated peaks of the work it admits add up to at most this.", func() float64 {
			b, _ := s.pool.weights()
			return float64(b)
		}),
		gauge("rehabplan_pool_weight_mib", "The estimated memory (MiB) of the work the pool admitted and runs; weight/budget is its saturation by memory.", func() float64 {
			_, u := s.pool.weights()
			return float64(u)
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "rehabplan_pool_rejected_total",
			Help: "Heavy requests and jobs turned away with 429 (the pool and its queue full)."}, poolStat(3)),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// countAuthFailure counts a request refused with 401 (reason missing or invalid
// token) or 403 (reason role, scope, or submitter: a job another token
// submitted); the authentication code calls it, and the token is never a label.
func (s *Server) countAuthFailure(status int, reason string) {
	s.metrics.authFailures.WithLabelValues(strconv.Itoa(status), reason).Inc()
}

// metricsPage writes the Prometheus text exposition format.
func (s *Server) metricsPage(w http.ResponseWriter, r *http.Request) error {
	promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}).ServeHTTP(w, r)
	return nil
}
