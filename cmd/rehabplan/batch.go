package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/rehabplan/rehabplan/batch"
	"github.com/rehabplan/rehabplan/httpapi"
	"github.com/rehabplan/rehabplan/model"
)

// cmdBatch replans every operation under a directory (the nightly batch).
func cmdBatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("batch", stderr)
	budget := fs.Duration("budget", 10*time.Minute, "time for the whole run; each operation gets a share (none when --work-limit is given without it; with --store, the job queue's cap per operation stays: 5m, a worker's --max-solve-time)")
	workers := fs.Int("workers", 0, "operations replanned at once, one core each (0: all cores)")
	nowS := fs.String("now", "", "when the replans are made: a date, YYYY-MM-DDTHH:MM (each operation's time zone) or RFC 3339 (default: now)")
	work := fs.Int("work-limit", 0, "schedules built per operation (0: no limit); without --budget, the only limit, so that a run is the same for a seed on any machine")
	seed := fs.Int64("seed", 0, "random seed")
	report := fs.String("report", "", "also write the reports as JSON to this file")
	store := fs.String("store", "", "replan every operation of this PostgreSQL store (postgres://...; or REHABPLAN_STORE when no DIR is given) instead of DIR, sharing the night with the other batch runs on it")
	night := fs.String("night", "", "with --store: the night (YYYY-MM-DD) whose replans this run shares (default: today)")
	lease := fs.Duration("lease", 30*time.Second, "with --store: a claimed operation's lease, renewed every third of it; one whose process died is taken again once it lapses")
	show := fs.Bool("show", false, "with --store: print the night's stored report, replanning nothing")
	fs.Usage = func() {
		commandUsage(fs, "batch")
		fmt.Fprint(fs.Output(), batchAbout)
	}
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if *store == "" && len(pos) == 0 {
		*store = os.Getenv("REHABPLAN_STORE")
	}
	if *store != "" {
		if len(pos) != 0 {
			fmt.Fprintf(stderr, "rehabplan batch: --store and a DIR both given: one or the other\n")
			return exitInvalid
		}
	} else if len(pos) != 1 {
		fs.Usage()
		return exitInvalid
	}
	if !checkFlags(stderr, positive("budget", *budget), atLeast("workers", *workers, 0), atLeast("work-limit", *work, 0),
		atLeastDuration("lease", *lease, time.Second)) {
		return exitInvalid
	}
	*budget = workTimeLimit(fs, "budget", *budget, *work)
	if *night != "" {
		if err := checkNight(*night); err != nil {
			fmt.Fprintf(stderr, "rehabplan: %v\n", err)
			return exitInvalid
		}
	}
	o := batch.Options{Budget: *budget, Workers: *workers, WorkLimit: *work, Seed: *seed}
	if o.Workers <= 0 {
		o.Workers = defaultWorkers()
	}
	if *nowS != "" {
		// the forms of replan --now; a date or a local time is read in each
		// operation's own time zone (batch.Options.NowText), its form checked here
		if _, err := model.ParseMoment(*nowS, time.UTC); err != nil {
			fmt.Fprintf(stderr, "rehabplan: --now: %v\n", err)
			return exitInvalid
		}
		o.NowText = *nowS
	}
	if *store != "" {
		url, err := postgresURL("batch --store", *store)
		if err != nil {
			fmt.Fprintf(stderr, "rehabplan: %v\n", err)
			return exitInvalid
		}
		return batchStore(ctx, url, nightOf(*night, time.Now()), *lease, *show, *report, o, stdout, stderr)
	}
	tty := isTerminal(stderr)
	o.Progress = func(done, total int, r batch.Report) {
		if tty {
			const width = 30
			n := width * done / max(total, 1)
			fmt.Fprintf(stderr, "\r[%s%s] %d/%d %-24s", strings.Repeat("#", n), strings.Repeat(".", width-n), done, total, r.Operation)
			if done == total {
				fmt.Fprintln(stderr)
			}
			return
		}
		fmt.Fprintf(stderr, "%d/%d %s: %s version %d\n", done, total, r.Operation, r.Status, r.Version)
	}
	rs, err := batchRun(ctx, pos[0], o)
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	batch.WriteReport(stdout, rs)
	if *report != "" {
		b, _ := json.MarshalIndent(rs, "", "  ")
		if err := os.WriteFile(*report, append(b, '\n'), 0o644); err != nil {
			fmt.Fprintf(stderr, "rehabplan: %v\n", err)
			return exitFail
		}
	}
	return batchCode(rs)
}

// batchCode is the exit code of a batch of a directory: 1 when an operation
// failed, 3 when one is partial or skipped, else 0.
func batchCode(rs []batch.Report) int {
	code := exitOK
	for _, r := range rs {
		switch r.Status {
		case "error":
			return exitFail
		case "partial", "skipped":
			code = exitUnplaced
		case "unchanged":
			if r.Unplaced > 0 {
				code = exitUnplaced // still partial
			}
		}
	}
	return code
}

const batchAbout = `
  Each folder of DIR holding problem.json is an operation: plan.json is its current plan (without
  it, one is solved), events/*.json its pending events. Every run writes versions/NNNN/ beside
  the old ones, atomically; nothing is overwritten.

  With --store, every operation of the PostgreSQL store is replanned as a new version (or left
  unchanged), through the store's job queue: runs of batch on several machines at once share the
  night, each operation replanned once per night whichever run takes it (rehabplan worker
  processes take night jobs too). A run queues the night's operations not yet queued, replans
  them --workers at a time, waits for those others hold, and prints the night's report
  (operations done, unchanged, partial, failed; time per operation), which is stored: --show
  prints it again.
`

// batchStore runs the night over a PostgreSQL store (see batchAbout): it queues
// the night's operations, works on them until none is left running, and prints
// the night's report.
func batchStore(ctx context.Context, url, night string, lease time.Duration, show bool, reportPath string, o batch.Options, stdout, stderr io.Writer) int {
	st, err := httpapi.OpenPostgres(url)
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	defer st.Close()
	if !show {
		ops, err := st.Operations()
		if err != nil {
			fmt.Fprintf(stderr, "rehabplan: %v\n", err)
			return exitFail
		}
		// each operation's share of the budget, as for a directory
		rounds := (len(ops) + o.Workers - 1) / o.Workers
		share := o.Budget / time.Duration(max(rounds, 1))
		n, err := st.QueueNight(night, httpapi.NightSettings{Now: o.NowText, TimeLimit: share, WorkLimit: o.WorkLimit, Seed: o.Seed})
		if err != nil {
			fmt.Fprintf(stderr, "rehabplan: queueing the night %s: %v\n", night, err)
			return exitFail
		}
		fmt.Fprintf(stderr, "rehabplan: night %s: %d operations queued by this run (%d in the store)\n", night, n, len(ops))
		ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
		defer stop()
		w := &httpapi.Worker{Store: st, Name: workerName("batch"), Slots: o.Workers, Lease: lease, Kinds: []string{httpapi.JobNight},
			Night: night, UntilDone: true, Replan: nightReplan(), Logger: slog.New(slog.NewTextHandler(stderr, nil))}
		w.Run(ctx)
	}
	rows, err := st.Night(night)
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	if len(rows) == 0 {
		fmt.Fprintf(stderr, "rehabplan: night %s: %v\n", night, errNoNight)
		return exitFail
	}
	writeNight(stdout, night, rows)
	if reportPath != "" {
		b, _ := json.MarshalIndent(struct {
			Night      string             `json:"night"`
			Operations []httpapi.NightRow `json:"operations"`
		}{night, rows}, "", "  ")
		if err := os.WriteFile(reportPath, append(b, '\n'), 0o644); err != nil {
			fmt.Fprintf(stderr, "rehabplan: %v\n", err)
			return exitFail
		}
	}
	return nightCode(rows)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func defaultWorkers() int { return runtime.GOMAXPROCS(0) }
