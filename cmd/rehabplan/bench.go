package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/bench"
)

const benchUsage = "usage: rehabplan bench --family jobshop|flowshop|rcpsp [--time-limit D] [--work-limit N] [--bounds FILE] [--seed N] [--workers N] [--cpuprofile FILE] FILES..."

// cmdBench runs public benchmark instances through the same engine as the domain.
func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, ok := benchFlags(args, stderr)
	if !ok {
		return exitInvalid
	}
	if o.cpuprofile != "" {
		stopProfile, err := startCPUProfile(o.cpuprofile)
		if err != nil {
			fmt.Fprintf(stderr, "rehabplan: --cpuprofile: %v\n", err)
			return exitFail
		}
		defer stopProfile()
	}
	pos := o.files
	path := o.boundsPath
	if path == "" {
		path = filepath.Join(filepath.Dir(pos[0]), "bounds.csv")
	}
	bounds, err := bench.LoadBounds(path)
	if err != nil {
		if o.boundsPath != "" {
			fmt.Fprintf(stderr, "rehabplan: %v\n", err)
			return exitInvalid
		}
		bounds = nil
	}
	_, err = bench.Run(ctx, o.family, pos, bounds, o.set, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitInvalid
	}
	return exitOK
}

// benchOptions are bench's flags read: the family, the bounds file, the
// instance files, the CPU profile's path and the solver's settings.
type benchOptions struct {
	family, boundsPath, cpuprofile string
	files                          []string
	set                            bench.Settings
}

// benchFlags reads bench's flags (what is wrong is said on stderr). With
// --work-limit and no --time-limit, no time limit cuts a run
// (bench.NoTimeLimit): the work limit ends it, and its rows are the same under
// any load.
func benchFlags(args []string, stderr io.Writer) (benchOptions, bool) {
	fs := newFlagSet("bench", stderr)
	family := fs.String("family", "", "jobshop, flowshop or rcpsp")
	limit := fs.Duration("time-limit", 10*time.Second, "time limit per instance (with --work-limit and without --time-limit: none, the work limit ends each run)")
	boundsPath := fs.String("bounds", "", "CSV of best-known bounds (default: bounds.csv beside the first file)")
	work := fs.Int("work-limit", 0, "schedules built per instance (0: none); with --seed, a run that ends on it gives the same rows every time, under any load unless --time-limit is given too")
	seed := fs.Int64("seed", 0, "random seed")
	workers := fs.Int("workers", 0, "parallel searches (0: all cores)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the whole command to this file (go tool pprof reads it)")
	pos, err := parse(fs, args)
	if err != nil {
		return benchOptions{}, false
	}
	if !checkFlags(stderr, positive("time-limit", *limit), atLeast("work-limit", *work, 0), atLeast("workers", *workers, 0)) {
		return benchOptions{}, false
	}
	if *family == "" || len(pos) == 0 {
		fmt.Fprintln(stderr, benchUsage)
		return benchOptions{}, false
	}
	timeSet := false
	fs.Visit(func(f *flag.Flag) { timeSet = timeSet || f.Name == "time-limit" })
	if *work > 0 && !timeSet {
		*limit = bench.NoTimeLimit
	}
	return benchOptions{family: *family, boundsPath: *boundsPath, cpuprofile: *cpuprofile, files: pos,
		set: bench.Settings{TimeLimit: *limit, WorkLimit: *work, Seed: *seed, Workers: *workers}}, true
}

// cmdBenchReplan compares replanning with solving from scratch on slip scenarios of
// a generated operation.
func cmdBenchReplan(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("bench-replan", stderr)
	n := fs.Int("dwellings", 200, "dwellings of the generated operation")
	k := fs.Int("scenarios", 30, "slip scenarios (late delivery, missed visits, sick crew, overrun in turn)")
	seed := fs.Int64("seed", 1, "seed of the operation, the scenarios and the searches")
	limit := fs.Duration("time-limit", 10*time.Second, "time limit of each replan and each solve from scratch (none when --work-limit is given without it)")
	workers := fs.Int("workers", 0, "parallel searches (0: all cores)")
	announce := fs.Int("announce-days", 21, "appointments this many days ahead of now have been announced")
	work := fs.Int("work-limit", 0, "schedules built per search (0: no limit); without --time-limit, the only limit, so that the rows are the same for a seed on any machine")
	only := fs.Int("only", -1, "run only this scenario")
	nowAt := fs.String("now-at", "12:00", "time of day of each scenario's now, HH:MM (an odd minute, 10:01, as a replan from the page at the server's clock)")
	events := fs.String("events", "", "event types whose scenarios run in turn, comma-separated, or all (default: delivery_slipped,appointment_missed,crew_absent,intervention_overran)")
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if !noArguments(stderr, "bench-replan", pos) || !checkFlags(stderr, atLeast("dwellings", *n, 1), atLeast("scenarios", *k, 1),
		positive("time-limit", *limit), atLeast("workers", *workers, 0), atLeast("announce-days", *announce, 0), atLeast("work-limit", *work, 0), atLeast("only", *only, -1)) {
		return exitInvalid
	}
	*limit = workTimeLimit(fs, "time-limit", *limit, *work)
	at, err := time.Parse("15:04", *nowAt)
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan: --now-at %q: want HH:MM, such as 10:01\n", *nowAt)
		return exitInvalid
	}
	var types []string
	switch *events {
	case "":
	case "all":
		types = bench.ReplanEventTypes()
	default:
		types = strings.Split(*events, ",")
	}
	_, err = benchReplanRun(ctx, bench.ReplanOptions{Dwellings: *n, Scenarios: *k, Seed: *seed, TimeLimit: *limit, WorkLimit: *work, Only: *only, Workers: *workers, AnnounceDays: *announce, Events: types, NowAt: at.Hour()*60 + at.Minute()}, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	return exitOK
}
