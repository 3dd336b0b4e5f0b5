package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/batch"
	"github.com/rehabplan/rehabplan/model"
)

// cmdBatch replans every operation under a directory (the nightly batch).
func cmdBatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("batch", stderr)
	budget := fs.Duration("budget", 10*time.Minute, "time for the whole run; each operation gets a share")
	workers := fs.Int("workers", 0, "operations replanned at once, one core each (0: all cores)")
	nowS := fs.String("now", "", "when the replans are made: a date, YYYY-MM-DDTHH:MM (each operation's time zone) or RFC 3339 (default: now)")
	work := fs.Int("work-limit", 0, "schedules built per operation (0: no limit; with it, runs are deterministic)")
	seed := fs.Int64("seed", 0, "random seed")
	report := fs.String("report", "", "also write the reports as JSON to this file")
	fs.Usage = func() {
		commandUsage(fs, "batch")
		fmt.Fprintln(fs.Output(), "Each folder of DIR holding problem.json is an operation: plan.json is its current plan (without")
		fmt.Fprintln(fs.Output(), "it, one is solved), events/*.json its pending events. Every run writes versions/NNNN/ beside")
		fmt.Fprintln(fs.Output(), "the old ones, atomically; nothing is overwritten.")
	}
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if len(pos) != 1 {
		fs.Usage()
		return exitInvalid
	}
	if !checkFlags(stderr, positive("budget", *budget), atLeast("workers", *workers, 0), atLeast("work-limit", *work, 0)) {
		return exitInvalid
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
	rs, err := batch.Run(ctx, pos[0], o)
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

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func defaultWorkers() int { return runtime.GOMAXPROCS(0) }
