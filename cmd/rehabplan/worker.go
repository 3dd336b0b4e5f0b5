package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/rehabplan/rehabplan/batch"
	"github.com/rehabplan/rehabplan/httpapi"
	"github.com/rehabplan/rehabplan/scheduler"
)

const workerAbout = `
  A worker takes jobs from the queue of a PostgreSQL store, which any number of
  serve instances, workers and batch runs share: the solve and replan jobs clients ask of any
  instance, and the night jobs of rehabplan batch --store. A job is claimed with
  a lease renewed every third of it; a job whose worker died is taken again once
  its lease lapses; a job cancelled on any instance (DELETE of the job or of its
  operation) is stopped at the next renewal. On SIGTERM or ^C the running jobs go
  back to the queue. With --metrics-addr it serves its Prometheus metrics (the jobs
  it ended by outcome, their durations, the slots busy, the Go runtime's) at
  /metrics, with the names a service gives them.
`

// cmdWorker runs queued jobs of a PostgreSQL store until stopped.
func cmdWorker(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("worker", stderr)
	fs.Usage = func() {
		commandUsage(fs, "worker")
		fmt.Fprint(fs.Output(), workerAbout)
	}
	store := fs.String("store", "", "the PostgreSQL store: postgres://USER:PASSWORD@HOST/DB (or set REHABPLAN_STORE)")
	slots := fs.Int("slots", 1, "jobs run at once, one core each")
	lease := fs.Duration("lease", 30*time.Second, "a claimed job's lease, renewed every third of it; a job whose worker died is taken again once it lapses")
	poll := fs.Duration("poll", time.Second, "how often an idle slot looks for a job")
	maxSolve := fs.Duration("max-solve-time", 5*time.Minute, "longest search of a job")
	metricsAddr := fs.String("metrics-addr", "", "serve the worker's Prometheus metrics at http://ADDR/metrics (as 127.0.0.1:9101; default: none)")
	pos, err := parse(fs, args)
	if err != nil || !noArguments(stderr, "worker", pos) {
		return exitInvalid
	}
	if !checkFlags(stderr, atLeast("slots", *slots, 1), atLeastDuration("lease", *lease, time.Second), positive("poll", *poll), positive("max-solve-time", *maxSolve)) {
		return exitInvalid
	}
	url, err := postgresURL("worker", *store)
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitInvalid
	}
	st, err := httpapi.OpenPostgres(url)
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	defer st.Close()
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	name := workerName("worker")
	logger.Info("worker started", "name", name, "slots", *slots, "lease", lease.String())
	w := &httpapi.Worker{Store: st, Name: name, Slots: *slots, Lease: *lease, Poll: *poll, MaxSolveTime: *maxSolve,
		Replan: nightReplan(), Logger: logger}
	if *metricsAddr != "" {
		stopMetrics, err := serveMetrics(*metricsAddr, w.Metrics(), logger)
		if err != nil {
			fmt.Fprintf(stderr, "rehabplan: --metrics-addr: %v\n", err)
			return exitFail
		}
		defer stopMetrics()
	}
	w.Run(ctx)
	logger.Info("worker stopped")
	return exitOK
}

// serveMetrics serves h at http://addr/metrics until stop is called; the
// address listened on is logged (addr may end in :0).
func serveMetrics(addr string, h http.Handler, logger *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second,
		IdleTimeout: time.Minute, MaxHeaderBytes: 64 << 10}
	go hs.Serve(ln)
	logger.Info("metrics served", "url", "http://"+ln.Addr().String()+"/metrics")
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(ctx)
	}, nil
}

// postgresURL is the PostgreSQL URL of a command that needs one: --store, else
// REHABPLAN_STORE.
func postgresURL(cmd, flagValue string) (string, error) {
	url := flagValue
	if url == "" {
		url = os.Getenv("REHABPLAN_STORE")
	}
	if url == "" {
		return "", fmt.Errorf("%s needs a PostgreSQL store: --store postgres://... or REHABPLAN_STORE (the bbolt store's jobs run inside its serve)", cmd)
	}
	if !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://") {
		return "", fmt.Errorf("--store %q: want a postgres:// URL", url)
	}
	return url, nil
}

// nightReplan is a night job's work: batch.ReplanOne of the operation's latest
// version, without events (the store's events are applied when they arrive),
// at the moment the night was given (batch --now), else at the clock's.
func nightReplan() httpapi.NightFunc {
	return func(ctx context.Context, latest *httpapi.Version, now string, set *scheduler.Settings) (*httpapi.Version, string, error) {
		o := batch.Options{Now: time.Now(), NowText: now}
		out, err := batch.ReplanOne(ctx, latest.Problem, latest.Plan, nil, o.Moment, set)
		if err != nil {
			return nil, "", err
		}
		if out.Report.Violations > 0 {
			return nil, "", fmt.Errorf("the new plan breaks %d hard rules (a bug): not stored, version %d stays the latest", out.Report.Violations, latest.Number)
		}
		kind, outcome := "replanned", "done"
		switch {
		case out.Report.Status == "unchanged":
			return nil, "unchanged", nil
		case latest.Plan == nil:
			kind = "solved"
		}
		if out.Report.Status == "partial" {
			outcome = "partial"
		}
		return &httpapi.Version{Kind: kind, Problem: out.Problem, Plan: out.Plan, Diff: out.Diff}, outcome, nil
	}
}

// errNoNight is the error of a night's report that holds no operation.
var errNoNight = errors.New("no operation was queued that night")

// checkNight reads --night: a date YYYY-MM-DD.
func checkNight(s string) error {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return fmt.Errorf("--night %q: want a date YYYY-MM-DD", s)
	}
	return nil
}

// nightSummary is the last line of a night's report: how many operations ended
// each way and the time per operation.
func nightSummary(night string, rows []httpapi.NightRow) string {
	count := map[string]int{}
	var total, longest float64
	ended := 0
	for _, r := range rows {
		out := r.Outcome
		if out == "" {
			out = "not ended"
		} else {
			ended++
			total += r.Seconds
			longest = max(longest, r.Seconds)
		}
		count[out]++
	}
	mean := 0.0
	if ended > 0 {
		mean = total / float64(ended)
	}
	s := fmt.Sprintf("night %s: %d operations: %d done, %d unchanged, %d partial, %d failed", night, len(rows),
		count["done"], count["unchanged"], count["partial"], count["failed"])
	if n := count["not ended"]; n > 0 {
		s += fmt.Sprintf(", %d not ended", n)
	}
	return s + fmt.Sprintf("; time per operation %.2f s on average, %.2f s at most\n", mean, longest)
}

// writeNight writes a night's report as a table for people, then its summary.
func writeNight(w io.Writer, night string, rows []httpapi.NightRow) {
	var b strings.Builder
	fmt.Fprintf(&b, "%-24s %-10s %7s %8s  %s\n", "operation", "outcome", "version", "seconds", "error")
	for _, r := range rows {
		out := r.Outcome
		if out == "" {
			out = "-"
		}
		version := "-"
		if r.Version > 0 {
			version = fmt.Sprint(r.Version)
		}
		line := fmt.Sprintf("%-24s %-10s %7s %8.2f  %s", r.Operation, out, version, r.Seconds, r.Error)
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	b.WriteString(nightSummary(night, rows))
	io.WriteString(w, b.String())
}

// nightCode is the exit code of a night: 1 when an operation failed or did not
// end, 3 when one is partial, else 0.
func nightCode(rows []httpapi.NightRow) int {
	code := exitOK
	for _, r := range rows {
		switch r.Outcome {
		case "failed", "":
			return exitFail
		case "partial":
			code = exitUnplaced
		}
	}
	return code
}

// nightOf is the night a batch run works on: --night, else today's date in the
// machine's zone.
func nightOf(flagValue string, now time.Time) string {
	if flagValue != "" {
		return flagValue
	}
	return now.Format(time.DateOnly)
}
