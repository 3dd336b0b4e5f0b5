// Command night measures the nightly batch over a PostgreSQL store (issue 19):
// it generates --operations operations (--min-dwellings to --max-dwellings,
// spread evenly and shuffled, gen's seeds --seed+i), gives each a first plan,
// loads them into a schema as the service stores them, then, for each
// configuration of --configs (batch processes × --workers), copies them into a
// fresh schema and runs the night there with that many `rehabplan batch --store
// URL --workers W` processes of the real binary (built once), started together.
// It prints a markdown table: the wall time, the sum of the per-operation seconds
// (from the night's report), the outcomes, whether each operation was replanned
// exactly once (checked in the store: one row of nights, one night job ended,
// one version more when it changed, none when not), and the time per operation
// that the slots spent out of replans (wall × slots − Σ, over the operations:
// the processes' start, the queue's statements, the idle polls at the end). A
// last line gives the queue's own cost per job (a job queued, claimed, renewed
// once and ended on a scratch schema, as BenchmarkQueueOverhead measures it).
//
// The night it measures is a landlord's ordinary night: every operation
// already has its plan (solved when it was loaded, --load-work-limit), the
// day's events were applied when they arrived (the service stores each as a
// version at once: none is pending at night), and the night replans each
// operation at --now, a week after the operations' start, when the first
// week's appointments are done or under way. --first-plan=false loads the
// operations without a plan: the night then solves each (a heavier night, the
// search's share larger).
//
//	go run ./bench/night                                   # a throwaway PostgreSQL (internal/pgtest)
//	go run ./bench/night --store postgres://u:p@host/db    # schemas night_* created there, dropped after
//	go run ./bench/night --operations 20 --max-dwellings 300 --configs 1x1,1x2
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/rehabplan/rehabplan/internal/pgtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	pgtest.Stop()
	os.Exit(code)
}

// run is the command: 0 when every configuration's night replanned each
// operation exactly once, 1 when one did not or something failed, 2 on bad flags.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	db := &schemas{}
	defer db.drop()
	rep, rows, err := measure(ctx, o, db, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "night: %v\n", err)
		return 1
	}
	writeTable(stdout, o, rep, rows)
	for _, r := range rows {
		if !r.Once || r.Failed > 0 || r.Broken > 0 {
			return 1
		}
	}
	return 0
}

// options are the command's flags.
type options struct {
	Operations, MinDwellings, MaxDwellings int
	WorkLimit, LoadWorkLimit               int
	Seed                                   int64
	Configs                                []config
	Store                                  string
	Night, Now                             string
	FirstPlan                              bool
	Binary                                 string
	Lease                                  time.Duration
	QueueJobs                              int
}

// config is one row: Processes batch runs of Workers slots each.
type config struct{ Processes, Workers int }

func (c config) String() string { return fmt.Sprintf("%d×%d", c.Processes, c.Workers) }

func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("night", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.IntVar(&o.Operations, "operations", 200, "operations of the night")
	fs.IntVar(&o.MinDwellings, "min-dwellings", 100, "dwellings of the smallest operation")
	fs.IntVar(&o.MaxDwellings, "max-dwellings", 1000, "dwellings of the largest operation")
	fs.IntVar(&o.WorkLimit, "work-limit", defaultWorkLimit, "schedules built per operation by the night's replan (batch --work-limit: the same effort whatever the load)")
	fs.IntVar(&o.LoadWorkLimit, "load-work-limit", 1, "schedules built by each operation's first plan, made when loading")
	fs.Int64Var(&o.Seed, "seed", 1, "operation i is gen's operation of seed SEED+i; the night's searches use SEED")
	configs := fs.String("configs", "1x1,1x2,1x4,2x1", "configurations, comma-separated: PROCESSESxWORKERS (batch processes started together × batch --workers)")
	fs.StringVar(&o.Store, "store", "", "a PostgreSQL server to measure on (postgres://...; schemas test_* are created there and dropped after); default: a throwaway server (REHABPLAN_TEST_POSTGRES, else initdb and pg_ctl)")
	fs.StringVar(&o.Night, "night", "2027-01-11", "the night's name (batch --night)")
	fs.StringVar(&o.Now, "now", "2027-01-11", "the night's moment in each operation's zone (batch --now); the operations start on "+genStart)
	fs.BoolVar(&o.FirstPlan, "first-plan", true, "load each operation with a first plan (the night replans it); false: without (the night solves it)")
	fs.StringVar(&o.Binary, "binary", "", "the rehabplan binary (default: built from this module into a temporary directory)")
	fs.DurationVar(&o.Lease, "lease", 30*time.Second, "batch --lease")
	fs.IntVar(&o.QueueJobs, "queue-jobs", 200, "jobs of the queue's own cost measure (0: not measured)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: go run ./bench/night [flags]\n  the nightly batch over a PostgreSQL store, for several batch processes × workers (see the package doc)\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	bad := func(format string, a ...any) (options, error) {
		err := fmt.Errorf(format, a...)
		fmt.Fprintf(stderr, "night: %v\n", err)
		return o, err
	}
	if fs.NArg() > 0 {
		return bad("unexpected argument %q", fs.Arg(0))
	}
	switch {
	case o.Operations < 1:
		return bad("--operations %d: want at least 1", o.Operations)
	case o.MinDwellings < 1 || o.MaxDwellings < o.MinDwellings || o.MaxDwellings > 20000:
		return bad("--min-dwellings %d, --max-dwellings %d: want 1 ≤ min ≤ max ≤ 20000", o.MinDwellings, o.MaxDwellings)
	case o.WorkLimit < 1 || o.LoadWorkLimit < 1:
		return bad("--work-limit %d, --load-work-limit %d: want at least 1 (the effort must not depend on the load)", o.WorkLimit, o.LoadWorkLimit)
	case o.Lease < time.Second:
		return bad("--lease %s: want at least 1s", o.Lease)
	case o.QueueJobs < 0:
		return bad("--queue-jobs %d: want at least 0", o.QueueJobs)
	}
	for _, s := range []struct{ name, v string }{{"night", o.Night}} {
		if _, err := time.Parse(time.DateOnly, s.v); err != nil {
			return bad("--%s %q: want a date YYYY-MM-DD", s.name, s.v)
		}
	}
	cs, err := parseConfigs(*configs)
	if err != nil {
		return bad("--configs: %v", err)
	}
	o.Configs = cs
	return o, nil
}

// parseConfigs reads "1x1,1x2,2x1".
func parseConfigs(s string) ([]config, error) {
	var out []config
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != ',' {
			continue
		}
		part := s[start:i]
		start = i + 1
		var c config
		var rest string
		if n, _ := fmt.Sscanf(part+"|", "%dx%d%s", &c.Processes, &c.Workers, &rest); n != 3 || rest != "|" || c.Processes < 1 || c.Workers < 1 || c.Processes > 64 || c.Workers > 64 {
			return nil, fmt.Errorf("%q: want PROCESSESxWORKERS, each 1 to 64 (as 2x1)", part)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("no configuration")
	}
	return out, nil
}
