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

const usage = `rehabplan plans renovation works in occupied social housing.

usage:
  rehabplan solve PROBLEM.json [-o PLAN.json] [--time-limit D] [--seed N] [--work-limit N] [--lang en|fr]
  rehabplan verify PROBLEM.json PLAN.json
  rehabplan replan PROBLEM.json PLAN.json EVENTS.json --now T [-o NEW.json] [--diff DIFF.json] [--lang en|fr]
  rehabplan batch DIR [--budget D] [--workers N]   replan every operation under DIR
  rehabplan bench-replan [--dwellings 200] [--scenarios 30] [--time-limit D]
  rehabplan serve [--addr :8080] [--data DIR] [--tokens FILE]   the HTTP service
  rehabplan example            write the bundled example problem to stdout
  rehabplan gen --dwellings N --seed S   write a generated operation (see gen --help)
  rehabplan template [--from PROBLEM.json] -o FILE.xlsx   the workbook to fill in (French)
  rehabplan import FILE.xlsx|DIR [-o PROBLEM.json] [--lang fr|en]   a filled workbook (or CSV folder) to a problem
  rehabplan export PROBLEM.json PLAN.json [--diff DIFF.json] -o plan.xlsx   a plan as a workbook
  rehabplan bench --family jobshop|flowshop|rcpsp [--time-limit D] [--bounds FILE] FILES...

exit codes: 0 ok; 1 hard rule broken (verify) or I/O error; 2 invalid input;
3 some interventions could not be placed (solve; the plan is still written)
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitInvalid
	}
	switch args[0] {
	case "solve":
		return cmdSolve(ctx, args[1:], stdout, stderr)
	case "verify":
		return cmdVerify(args[1:], stdout, stderr)
	case "replan":
		return cmdReplan(ctx, args[1:], stdout, stderr)
	case "batch":
		return cmdBatch(ctx, args[1:], stdout, stderr)
	case "serve":
		return cmdServe(ctx, args[1:], stdout, stderr)
	case "example":
		return cmdExample(args[1:], stdout, stderr)
	case "bench":
		return cmdBench(ctx, args[1:], stdout, stderr)
	case "bench-replan":
		return cmdBenchReplan(ctx, args[1:], stdout, stderr)
	case "gen":
		return cmdGen(args[1:], stdout, stderr)
	case "template":
		return cmdTemplate(args[1:], stdout, stderr)
	case "import":
		return cmdImport(args[1:], stdout, stderr)
	case "export":
		return cmdExport(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "rehabplan: unknown command %q\n\n%s", args[0], usage)
	return exitInvalid
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse parses flags placed before, between or after positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
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
	return fs.String("lang", "en", "language of the explanations of unplaced interventions, in the plan and on stderr: en or fr")
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
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return model.Decode(f)
}

func cmdSolve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("solve", stderr)
	out := fs.String("o", "", "write the plan to this file (default: stdout)")
	limit := fs.Duration("time-limit", 10*time.Second, "search time limit")
	seed := fs.Int64("seed", 0, "random seed")
	work := fs.Int("work-limit", 0, "number of schedules to build (0: no limit; with it, runs are deterministic)")
	workers := fs.Int("workers", 0, "parallel searches (0: all cores)")
	langS := langFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	lang, ok := parseLangFlag(*langS, stderr)
	if !ok || !checkFlags(stderr, positive("time-limit", *limit), atLeast("work-limit", *work, 0), atLeast("workers", *workers, 0)) {
		return exitInvalid
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: rehabplan solve PROBLEM.json [-o PLAN.json] [--time-limit D] [--seed N]")
		return exitInvalid
	}
	p, err := readProblem(pos[0])
	if err != nil {
		return reportInputError(stderr, pos[0], err)
	}
	res, err := scheduler.Solve(ctx, p, &scheduler.Settings{TimeLimit: *limit, Seed: *seed, WorkLimit: *work, Workers: *workers, Lang: lang})
	if err != nil {
		return reportInputError(stderr, pos[0], err)
	}
	if err := writeJSON(*out, stdout, res.Plan); err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	sum := scheduler.Summarize(p, res.Plan)
	sum.WriteText(stderr)
	if res.Status == scheduler.StatusComplete && !res.Bound.IsZero() {
		fmt.Fprintf(stderr, "end %s, lower bound %s: gap %.1f%%\n", res.Makespan.Format("2006-01-02 15:04"), res.Bound.Format("2006-01-02 15:04"), res.GapPct)
	}
	fmt.Fprintf(stderr, "search: %s after %s, %d plans compared\n", res.Stop, res.Elapsed.Round(time.Millisecond), res.Iterations)
	return reportResult(stderr, res)
}

// reportResult prints the violations and unplaced interventions of a result and
// returns the exit code.
func reportResult(stderr io.Writer, res *scheduler.Result) int {
	for _, v := range res.Violations {
		fmt.Fprintf(stderr, "VIOLATION %s\n", v)
	}
	switch {
	case len(res.Violations) > 0:
		return exitFail
	case res.Status != scheduler.StatusComplete:
		for _, u := range res.Plan.Unplaced {
			for _, r := range u.Reasons {
				fmt.Fprintf(stderr, "unplaced %s: %s: %s\n", u.Intervention, r.Rule, r.Message)
			}
		}
		return exitUnplaced
	}
	return exitOK
}

func cmdVerify(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("verify", stderr)
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if len(pos) != 2 {
		fmt.Fprintln(stderr, "usage: rehabplan verify PROBLEM.json PLAN.json")
		return exitInvalid
	}
	p, err := readProblem(pos[0])
	if err != nil {
		return reportInputError(stderr, pos[0], err)
	}
	f, err := os.Open(pos[1])
	if err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitInvalid
	}
	plan, err := model.DecodePlan(f)
	f.Close()
	if err != nil {
		return reportInputError(stderr, pos[1], err)
	}
	if !samePlanOperation(stderr, pos[1], plan, pos[0], p) {
		return exitInvalid
	}
	vs := scheduler.Verify(p, plan)
	if len(vs) == 0 {
		fmt.Fprintf(stdout, "ok: %d interventions placed, %d unplaced, no hard rule broken\n", len(plan.Assignments), len(plan.Unplaced))
		if len(plan.Unplaced) == 0 {
			a, err := scheduler.Assess(p, plan)
			if err != nil {
				fmt.Fprintf(stderr, "rehabplan: %v\n", err)
				return exitFail
			}
			fmt.Fprintf(stdout, "end %s, lower bound %s: gap %.1f%%\n", a.End.Format("2006-01-02 15:04"), a.Bound.Format("2006-01-02 15:04"), a.GapPct)
		}
		return exitOK
	}
	for _, v := range vs {
		fmt.Fprintln(stdout, v)
	}
	fmt.Fprintf(stdout, "%d violations\n", len(vs))
	return exitFail
}

func cmdExample(args []string, stdout, stderr io.Writer) int {
	if len(args) != 0 {
		fmt.Fprintln(stderr, "usage: rehabplan example")
		return exitInvalid
	}
	if err := writeJSON("", stdout, gen.Example()); err != nil {
		fmt.Fprintf(stderr, "rehabplan: %v\n", err)
		return exitFail
	}
	return exitOK
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
