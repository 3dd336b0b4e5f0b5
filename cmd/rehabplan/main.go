// Command rehabplan plans renovation works in occupied social housing.
//
//	rehabplan solve PROBLEM.json [-o PLAN.json] [--time-limit D] [--seed N] [--work-limit N]
//	rehabplan verify PROBLEM.json PLAN.json
//	rehabplan example
//
// Exit codes: 0 success; 1 a plan breaks a hard rule (verify) or an I/O error;
// 2 invalid input or usage; 3 some interventions could not be placed (solve).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// Exit codes.
const (
	exitOK       = 0
	exitFail     = 1
	exitInvalid  = 2
	exitUnplaced = 3
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand of rehabplan.
type command struct {
	name string
	args string // the positional arguments, as the usage line shows them
	what string // one line
	run  func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// commands in the order the usage lists them (set by init: the commands' usage
// reads the list).
var commands []command

func init() {
	commands = []command{
		{"solve", "PROBLEM.json [flags]", "plan every intervention; the plan on stdout or -o, a summary on stderr", cmdSolve},
		{"verify", "PROBLEM.json PLAN.json [--lang en|fr]", "re-check a plan from scratch against every hard rule; its end, a lower bound and the gap", noCtx(cmdVerify)},
		{"replan", "PROBLEM.json PLAN.json EVENTS.json --now T [flags]", "absorb events (a slip, a missed visit...) into a plan; what changes and who must be told", cmdReplan},
		{"announce", "PROBLEM.json PLAN.json [flags]", "mark appointments announced; the households' letters", noCtx(cmdAnnounce)},
		{"reminders", "PROBLEM.json PLAN.json --date D [flags]", "who to call or text the day before", noCtx(cmdReminders)},
		{"slots", "PROBLEM.json PLAN.json INTERVENTION [flags]", "the best other times for one appointment, for a household on the phone", noCtx(cmdSlots)},
		{"template", "[--from PROBLEM.json] -o FILE.xlsx", "write the French workbook to fill in (filled with a problem with --from)", noCtx(cmdTemplate)},
		{"import", "FILE.xlsx|DIR [-o PROBLEM.json] [flags]", "read a filled workbook (or a folder of CSV files) into a problem", noCtx(cmdImport)},
		{"export", "PROBLEM.json PLAN.json [--diff DIFF.json] -o FILE.xlsx", "write a plan as a workbook: per building, per crew, the pilots' agenda", noCtx(cmdExport)},
		{"batch", "DIR|--store URL [flags]", "replan every operation under DIR, or of a PostgreSQL store (the nightly run)", cmdBatch},
		{"serve", "[flags]", "the HTTP service and the planning page", cmdServe},
		{"worker", "--store URL [flags]", "run the queued jobs of a PostgreSQL store (solves, night replans)", cmdWorker},
		{"store", "export|import [flags]", "move a store (bbolt or PostgreSQL) out or in as JSON lines", cmdStore},
		{"example", "", "write the bundled example problem to stdout", noCtx(cmdExample)},
		{"gen", "[flags]", "write a generated operation of N dwellings", noCtx(cmdGen)},
		{"bench", "--family jobshop|flowshop|rcpsp [flags] FILES...", "run public benchmark instances through the engine", cmdBench},
		{"bench-replan", "[flags]", "compare replanning with solving again on slip scenarios", cmdBenchReplan},
	}
}

func noCtx(f func(args []string, stdout, stderr io.Writer) int) func(context.Context, []string, io.Writer, io.Writer) int {
	return func(_ context.Context, args []string, stdout, stderr io.Writer) int { return f(args, stdout, stderr) }
}

func lookup(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

const usageHead = `rehabplan plans renovation works in occupied social housing.

usage: rehabplan COMMAND [ARGUMENTS] [FLAGS]   (rehabplan COMMAND --help for one command)
`

const usageTail = `
exit codes: 0 ok; 1 hard rule broken (verify) or I/O error; 2 invalid input or usage;
3 some interventions could not be placed (solve, replan; the plan is still written)
`

// writeUsage writes the top-level usage: every command with its arguments and
// every flag (each command's own --help, gathered).
func writeUsage(w io.Writer) {
	fmt.Fprint(w, usageHead)
	for _, c := range commands {
		var b strings.Builder
		c.run(context.Background(), []string{"-h"}, &b, &b)
		fmt.Fprintln(w)
		fmt.Fprint(w, b.String())
	}
	fmt.Fprint(w, usageTail)
}

// wantsHelp reports whether args ask for help (-h, -help, --help) before any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		writeUsage(stderr)
		return exitInvalid
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c := lookup(args[1]); c != nil {
				c.run(ctx, []string{"-h"}, stdout, stdout)
				return exitOK
			}
		}
		writeUsage(stdout)
		return exitOK
	}
	c := lookup(args[0])
	if c == nil {
		fmt.Fprintf(stderr, "rehabplan: unknown command %q (rehabplan --help lists them)\n", args[0])
		return exitInvalid
	}
	if wantsHelp(args[1:]) {
		// help asked for is an answer, on stdout, exit 0
		c.run(ctx, []string{"-h"}, stdout, stdout)
		return exitOK
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

// newFlagSet makes a command's flag set; its usage (-h) shows the command's
// arguments, what it does and its flags.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { commandUsage(fs, name) }
	return fs
}

// commandUsage writes "usage: rehabplan NAME ARGS", what the command does and its
// flags to fs's output.
func commandUsage(fs *flag.FlagSet, name string) {
	w := fs.Output()
	if c := lookup(name); c != nil {
		fmt.Fprintf(w, "usage: rehabplan %s %s\n  %s\n", name, c.args, c.what)
	} else {
		fmt.Fprintf(w, "usage: rehabplan %s [flags]\n", name)
	}
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprintln(w, "flags:")
		fs.PrintDefaults()
	}
}

// parse parses flags placed before, between or after positional arguments. A
// mistake is said in one line with a hint where one helps (a duration without
// its unit, a flag that does not exist), then where to find the command's help;
// -h prints the command's usage.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	out := fs.Output()
	for {
		var msg strings.Builder
		fs.SetOutput(&msg)
		err := fs.Parse(args)
		fs.SetOutput(out)
		if errors.Is(err, flag.ErrHelp) {
			fs.Usage()
			return nil, err
		}
		if err != nil {
			fmt.Fprintf(out, "rehabplan %s: %v%s (see rehabplan %s --help)\n", fs.Name(), err, flagHint(fs, err), fs.Name())
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// langFlag is the --lang flag of the commands that explain unplaced interventions.
func langFlag(fs *flag.FlagSet) *string {
	return fs.String("lang", "en", "language of the summary on stderr (dates in the operation's zone, durations in days and hours) and of the explanations of unplaced interventions, in the plan and on stderr: en or fr")
}

// parseLangFlag reads --lang, or says what is wrong with it.
func parseLangFlag(s string, stderr io.Writer) (scheduler.Lang, bool) {
	lang, err := scheduler.ParseLang(s)
	if err != nil || s == "" {
		fmt.Fprintf(stderr, "rehabplan: --lang: unknown language %q (want en or fr)\n", s)
		return "", false
	}
	return lang, true
}

func readProblem(path string) (*model.Problem, error) {
	data, err := readDocument(path, model.Format)
	if err != nil {
		return nil, err
	}
	return model.DecodeBytes(data)
}

// readDocument reads a document of format want, or says what else it is.
func readDocument(path, want string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := wrongDocument(data, want); err != nil {
		return nil, err
	}
	return data, nil
}

func cmdSolve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("solve", stderr)
	out := fs.String("o", "", "write the plan to this file (default: stdout)")
	limit := fs.Duration("time-limit", 10*time.Second, "search time limit (none when --work-limit is given without it)")
	seed := fs.Int64("seed", 0, "random seed")
	work := fs.Int("work-limit", 0, "number of schedules to build (0: no limit); without --time-limit, the only limit, so that a run is the same for a seed on any machine (Ctrl-C still stops it with the best plan)")
	workers := fs.Int("workers", 0, "parallel searches (0: all cores)")
	langS := langFlag(fs)
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the whole command to this file (go tool pprof reads it)")
	timed := fs.Bool("timings", false, "print the wall time of each phase (decode, validate, stays, compile by rule, construction, bounds, verify, write, summary) on stderr")
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if *cpuprofile != "" {
		stopProfile, err := startCPUProfile(*cpuprofile)
		if err != nil {
			fmt.Fprintf(stderr, "rehabplan: --cpuprofile: %v\n", err)
			return exitFail
		}
		defer stopProfile()
	}
	lang, ok := parseLangFlag(*langS, stderr)
	if !ok || !checkFlags(stderr, positive("time-limit", *limit), atLeast("work-limit", *work, 0), atLeast("workers", *workers, 0)) {
		return exitInvalid
	}
	*limit = workTimeLimit(fs, "time-limit", *limit, *work)
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: rehabplan solve PROBLEM.json [-o PLAN.json] [--time-limit D] [--seed N]")
		return exitInvalid
	}
	var tm *timings
	if *timed {
		tm = newTimings()
		defer tm.write(stderr)
	}
	// decoded without validation: Solve validates it (once)
	p, err := readProblemTimed(pos[0], tm)
	if err != nil {
		return reportInputError(stderr, pos[0], err)
	}
	progress, clearLine := progressLine(stderr)
	t0 := time.Now()
	res, err := solveSearch(ctx, p, &scheduler.Settings{TimeLimit: *limit, Seed: *seed, WorkLimit: *work, Workers: *workers, Lang: lang, Progress: progress, Timings: tm.recorder()})
	clearLine()
	if err != nil {
		return reportInputError(stderr, pos[0], err)
	}
	tm.since("scheduler.Solve", t0)
	t0 = time.Now()
	if err := writeJSON(*out, stdout, res.Plan); err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	tm.since("write the plan (encode)", t0)
	t0 = time.Now()
	rp := newReporter(stderr, lang, p)
	// the problem the plan is for (its stays booked), which Summarize would
	// otherwise build again from p
	rp.summary(scheduler.Summarize(res.Problem, res.Plan))
	if res.Status == scheduler.StatusComplete && !res.Bound.IsZero() {
		rp.bound(res.Makespan, res.Bound, res.GapPct, res.BoundBinds, res.BoundBindsFr, res.Disturbance)
	}
	rp.search(res.Stop, res.Elapsed, res.Iterations, -1)
	tm.since("summary", t0)
	return rp.result(res)
}

func cmdVerify(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("verify", stderr)
	langS := fs.String("lang", "en", "language of the verdict: en or fr")
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	lang, ok := parseLangFlag(*langS, stderr)
	if !ok {
		return exitInvalid
	}
	if len(pos) != 2 {
		fmt.Fprintln(stderr, "usage: rehabplan verify PROBLEM.json PLAN.json [--lang en|fr]")
		return exitInvalid
	}
	p, plan, code := readProblemAndPlan(stderr, pos[0], pos[1])
	if code != exitOK {
		return code
	}
	rp := newReporter(stdout, lang, p)
	vs := scheduler.Verify(p, plan)
	if len(vs) == 0 {
		rp.verified(plan)
		if len(plan.Unplaced) == 0 {
			// p is validated (readProblemAndPlan): once
			a, err := scheduler.AssessValidated(p, plan)
			if err != nil {
				fmt.Fprintf(stderr, "rehabplan: %v\n", err)
				return exitFail
			}
			rp.bound(a.End, a.Bound, a.GapPct, a.BoundBinds, a.BoundBindsFr, a.Disturbance)
		}
		if err := rp.burden(scheduler.Summarize(p, plan)); err != nil {
			fmt.Fprintf(stderr, "rehabplan: %v\n", err)
			return exitFail
		}
		return exitOK
	}
	for _, v := range vs {
		fmt.Fprintln(stdout, v)
	}
	rp.violations(len(vs))
	return exitFail
}

func cmdExample(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("example", stderr)
	pos, err := parse(fs, args)
	if err != nil || !noArguments(stderr, "example", pos) {
		return exitInvalid
	}
	if err := writeJSON("", stdout, gen.Example()); err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	return exitOK
}

// readProblemAndPlan reads a problem and a plan of it, or says on stderr what is
// wrong (naming the file) and returns the exit code.
func readProblemAndPlan(stderr io.Writer, problemPath, planPath string) (*model.Problem, *model.Plan, int) {
	p, err := readProblem(problemPath)
	if err != nil {
		return nil, nil, reportInputError(stderr, problemPath, err)
	}
	plan, err := readPlan(planPath)
	if err != nil {
		return nil, nil, reportInputError(stderr, planPath, err)
	}
	if !samePlanOperation(stderr, planPath, plan, problemPath, p) {
		return nil, nil, exitInvalid
	}
	// the stays the planner chose, booked (a plan whose stays cannot be is
	// left to the verifier to report)
	if q, err := model.WithPlannedStays(p, plan); err == nil {
		p = q
	}
	return p, plan, exitOK
}

// samePlanOperation says on stderr when a plan is another operation's than the
// problem's, and whether it is the problem's.
func samePlanOperation(stderr io.Writer, planPath string, plan *model.Plan, problemPath string, p *model.Problem) bool {
	if plan.Operation == p.Operation.ID {
		return true
	}
	fmt.Fprintf(stderr, "rehabplan: %s: the plan is of operation %q, not of %q (%s)\n", planPath, plan.Operation, p.Operation.ID, problemPath)
	return false
}

func reportInputError(stderr io.Writer, path string, err error) int {
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		fmt.Fprintf(stderr, "rehabplan: %s: %s\n", path, strings.TrimPrefix(ve.Error(), "invalid problem: "))
		return exitInvalid
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitInvalid
	}
	fmt.Fprintf(stderr, "rehabplan: %s: %v\n", path, err)
	return exitInvalid
}

// writeJSON writes v indented to path (see writeData), or to w when path is
// empty or "-".
func writeJSON(path string, w io.Writer, v any) error {
	data, err := encodeJSON(v)
	if err != nil {
		return err
	}
	return writeData(path, w, data)
}

// encodeJSON is v indented, with a final newline.
func encodeJSON(v any) ([]byte, error) {
	var data []byte
	var err error
	switch v := v.(type) {
	case *model.Plan: // the same bytes, faster
		data, err = model.MarshalPlanIndent(v)
	case *model.Diff:
		data, err = model.MarshalDiffIndent(v)
	case *model.Problem:
		data, err = model.MarshalProblemIndent(v)
	default:
		data, err = json.MarshalIndent(v, "", "  ")
	}
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}
