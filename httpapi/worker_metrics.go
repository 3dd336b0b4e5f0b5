package httpapi

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// newJobsEnded and newJobSeconds are the job families a service and a worker
// run alone both expose.
func newJobsEnded() *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rehabplan_jobs_ended_total",
		Help: "Jobs ended, by kind (solve, replan, night) and outcome (done, cancelled, failed)."}, []string{"kind", "outcome"})
}

func newJobSeconds() *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "rehabplan_job_seconds",
		Help:    "Jobs' durations by kind and outcome.",
		Buckets: []float64{0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600}}, []string{"kind", "outcome"})
}

// Metrics returns the Prometheus handler of a worker run alone (rehabplan
// worker --metrics-addr), on a registry of its own: the families of a
// service's /metrics that apply to it, with the same names and labels —
// rehabplan_jobs_ended_total and rehabplan_job_seconds (the jobs it ended, solve
// and night, by outcome; a job's duration from its queueing to its end, as a
// service counts it), rehabplan_jobs_running, rehabplan_pool_slots (its
// Slots) and rehabplan_pool_busy (the slots running a job) — and the Go
// runtime's and the process's (go_*, process_*). Call it before Run; a worker
// that runs in a service (Server.Work) is counted in the service's metrics
// instead.
func (w *Worker) Metrics() http.Handler {
	ended, seconds := newJobsEnded(), newJobSeconds()
	prev := w.ended
	w.ended = func(rec *JobRecord, d time.Duration) {
		ended.WithLabelValues(jobKind(rec.Kind), rec.State).Inc()
		seconds.WithLabelValues(jobKind(rec.Kind), rec.State).Observe(d.Seconds())
		if prev != nil {
			prev(rec, d)
		}
	}
	running := func() float64 { return float64(w.running.Load()) }
	reg := prometheus.NewRegistry()
	reg.MustRegister(ended, seconds,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "rehabplan_jobs_running", Help: "Solve jobs running."}, running),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "rehabplan_pool_slots",
			Help: "Slots of the pool of heavy work (solve jobs, replans, whole-version reads)."}, func() float64 {
			return float64(max(w.Slots, 1))
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "rehabplan_pool_busy", Help: "Slots of the pool in use; busy/slots is its saturation."}, running),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}
