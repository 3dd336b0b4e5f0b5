package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

const replanUsage = "usage: rehabplan replan PROBLEM.json PLAN.json EVENTS.json --now T [-o NEW.json] [--diff DIFF.json] [--problem-out PROBLEM2.json] [--time-limit D] [--seed N] [--work-limit N] [--workers N] [--lang en|fr]"

// cmdReplan absorbs events into a plan and says what changes and who must be told.
func cmdReplan(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a, code := parseReplanArgs(args, stderr)
	if a == nil {
		return code
	}
	// the replan stops as soon as the problem is found invalid
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in, code := readReplanInputs(a, cancel, stderr)
	if in == nil {
		return code
	}
	res, code := runReplan(rctx, a, in, stderr)
	if res == nil {
		return code
	}
	if code := writeReplanOutputs(a, res, stdout, stderr); code != exitOK {
		return code
	}
	return reportReplan(stderr, a.settings.Lang, in.p, res)
}

// replanArgs are replan's arguments, read and checked.
type replanArgs struct {
	problem, plan, events string // the three documents' paths
	now                   string // --now as given
	// the outputs: the new plan ("": stdout), the diff and the problem brought
	// up to date ("": beside out, or none when out is stdout)
	out, diffOut, probOut string
	settings              scheduler.Settings // Progress aside
}

// parseReplanArgs reads replan's flags and arguments; nil and the exit code,
// with the complaint on stderr, when they are wrong.
func parseReplanArgs(args []string, stderr io.Writer) (*replanArgs, int) {
	fs := newFlagSet("replan", stderr)
	nowS := fs.String("now", "", "when the replan is made: a date, YYYY-MM-DDTHH:MM (operation time zone) or RFC 3339 (required)")
	out := fs.String("o", "", "write the new plan to this file (default: stdout)")
	diffOut := fs.String("diff", "", "write the diff as JSON to this file (default: NEW.diff.json beside -o)")
	probOut := fs.String("problem-out", "", "write the problem brought up to date (events applied, statuses at now) to this file (default: NEW.problem.json beside -o)")
	limit := fs.Duration("time-limit", 0, "search time limit (0: the replan budget, which grows with the operation: max(5s, dwellings × 10ms), 10s at 1,000 dwellings; none when --work-limit is given without it)")
	seed := fs.Int64("seed", 0, "random seed")
	work := fs.Int("work-limit", 0, "number of schedules to build (0: no limit); without --time-limit, the only limit, so that a run is the same for a seed on any machine (Ctrl-C still stops it with the best plan)")
	workers := fs.Int("workers", 0, "parallel searches (0: all cores)")
	langS := langFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return nil, exitInvalid
	}
	lang, ok := parseLangFlag(*langS, stderr)
	if !ok || !checkFlags(stderr, notNegative("time-limit", *limit), atLeast("work-limit", *work, 0), atLeast("workers", *workers, 0)) {
		return nil, exitInvalid
	}
	*limit = workTimeLimit(fs, "time-limit", *limit, *work)
	if len(pos) != 3 || *nowS == "" {
		fmt.Fprintln(stderr, replanUsage)
		return nil, exitInvalid
	}
	a := &replanArgs{problem: pos[0], plan: pos[1], events: pos[2], now: *nowS, out: *out, diffOut: *diffOut, probOut: *probOut,
		settings: scheduler.Settings{TimeLimit: *limit, Seed: *seed, WorkLimit: *work, Workers: *workers, Lang: lang}}
	if a.out != "" {
		base := strings.TrimSuffix(a.out, ".json")
		if a.diffOut == "" {
			a.diffOut = base + ".diff.json"
		}
		if a.probOut == "" {
			a.probOut = base + ".problem.json"
		}
	}
	return a, exitOK
}

// replanInputs are replan's documents, read, and the moment of the replan.
type replanInputs struct {
	problem string // its path
	p       *model.Problem
	old     *model.Plan
	ev      *model.Events
	now     time.Time
	// valid waits for the problem's validation, which runs beside the rest
	valid func() error
}

// readReplanInputs reads the three documents side by side and validates the
// problem beside the rest (cancel is called when it is found invalid). The first
// error in the order of the arguments is the one reported: until the problem is
// found valid nothing is reported but its errors, which come first as when it was
// validated first (they also stop the replan). Nil and the exit code, with the
// error on stderr, when the inputs are wrong.
func readReplanInputs(a *replanArgs, cancel context.CancelFunc, stderr io.Writer) (*replanInputs, int) {
	var (
		old          *model.Plan
		ev           *model.Events
		errPl, errEv error
		wg           sync.WaitGroup
	)
	wg.Go(func() { old, errPl = readPlan(a.plan) })
	wg.Go(func() { ev, errEv = readEvents(a.events) })
	p, err := readProblemUnvalidated(a.problem)
	wg.Wait()
	if err != nil {
		return nil, reportInputError(stderr, a.problem, err)
	}
	verrC := make(chan error, 1)
	go func() {
		err := model.Validate(p)
		if err != nil {
			cancel()
		}
		verrC <- err
	}()
	in := &replanInputs{problem: a.problem, p: p, old: old, ev: ev, valid: sync.OnceValue(func() error { return <-verrC })}
	if errPl != nil {
		return nil, in.inputError(stderr, a.plan, errPl)
	}
	if errEv != nil {
		return nil, in.inputError(stderr, a.events, errEv)
	}
	if old.Operation != p.Operation.ID {
		if verr := in.valid(); verr != nil {
			return nil, reportInputError(stderr, a.problem, verr)
		}
		samePlanOperation(stderr, a.plan, old, a.problem, p)
		return nil, exitInvalid
	}
	tv := p.Typed()
	loc, err := tv.Loc, tv.LocErr
	if err != nil {
		return nil, in.inputError(stderr, a.problem, err)
	}
	if in.now, err = model.ParseMoment(a.now, loc); err != nil {
		if verr := in.valid(); verr != nil {
			return nil, reportInputError(stderr, a.problem, verr)
		}
		fmt.Fprintf(stderr, "rehabplan: --now: %v\n", err)
		return nil, exitInvalid
	}
	return in, exitOK
}

// inputError reports the problem's validation errors, when it has some, else err
// of the document at path.
func (in *replanInputs) inputError(stderr io.Writer, path string, err error) int {
	if verr := in.valid(); verr != nil {
		return reportInputError(stderr, in.problem, verr)
	}
	return reportInputError(stderr, path, err)
}

// runReplan replans, showing its progress on stderr. The problem's validation
// errors come first; an error of the replan names its document. Nil and the exit
// code, with the error on stderr, when it fails.
func runReplan(ctx context.Context, a *replanArgs, in *replanInputs, stderr io.Writer) (*scheduler.ReplanResult, int) {
	var res *scheduler.ReplanResult
	var err error
	var crash any
	func() {
		defer func() { crash = recover() }()
		progress, clearLine := progressLine(stderr)
		defer clearLine()
		s := a.settings
		s.Progress = progress
		res, err = replanSearch(ctx, in.p, in.old, in.ev, in.now, &s)
	}()
	if verr := in.valid(); verr != nil {
		return nil, reportInputError(stderr, a.problem, verr)
	}
	if crash != nil {
		panic(crash)
	}
	if err != nil {
		// the error names its document: the plan's or the events'
		path := a.events
		var ve *model.ValidationError
		if errors.As(err, &ve) && ve.Document == "request" {
			path = "--now"
		} else if errors.As(err, &ve) && ve.Document == "plan" {
			path = a.plan
		} else if errors.As(err, &ve) && (ve.Document == "" || ve.Document == "problem") {
			path = a.problem
		}
		return nil, reportInputError(stderr, path, err)
	}
	return res, exitOK
}

// writeReplanOutputs writes the plan, then the diff and the problem when asked:
// encoded side by side, written in that order.
func writeReplanOutputs(a *replanArgs, res *scheduler.ReplanResult, stdout, stderr io.Writer) int {
	docs := []struct {
		path string
		v    any
		data []byte
		err  error
	}{{path: a.out, v: res.Plan}, {path: a.diffOut, v: res.Diff}, {path: a.probOut, v: res.Problem}}
	var wg sync.WaitGroup
	for i := range docs {
		if d := &docs[i]; i == 0 || d.path != "" {
			wg.Go(func() { d.data, d.err = encodeJSON(d.v) })
		}
	}
	wg.Wait()
	for i, d := range docs {
		if i > 0 && d.path == "" {
			continue
		}
		err := d.err
		if err == nil {
			err = writeData(d.path, stdout, d.data)
		}
		if err != nil {
			fmt.Fprintf(stderr, "rehabplan: %v\n", err)
			return exitFail
		}
	}
	return exitOK
}

// reportReplan says on stderr what the replan changed, the stays it added and how
// its search went; it returns the exit code of the result.
func reportReplan(stderr io.Writer, lang scheduler.Lang, p *model.Problem, res *scheduler.ReplanResult) int {
	rp := newReporter(stderr, lang, p)
	rp.diff(res.Diff)
	if lines := res.NewStaysText(); len(lines) > 0 {
		if rp.fr {
			fmt.Fprintln(stderr, "nouveaux séjours en logement tiroir (les événements les rendent nécessaires) :")
		} else {
			fmt.Fprintln(stderr, "new relocation stays (the events made them needed; in French as the households read them):")
		}
		for _, l := range lines {
			fmt.Fprintf(stderr, "  %s\n", l)
		}
	}
	rp.search(res.Result.Stop, res.Result.Elapsed, res.Result.Iterations, res.Rounds)
	return rp.result(res.Result)
}

// readProblemUnvalidated reads a problem document; model.Validate is the caller's.
func readProblemUnvalidated(path string) (*model.Problem, error) {
	return readProblemTimed(path, nil)
}

func readPlan(path string) (*model.Plan, error) {
	data, err := readDocument(path, model.PlanFormat)
	if err != nil {
		return nil, err
	}
	return model.DecodePlan(bytes.NewReader(data))
}

func readEvents(path string) (*model.Events, error) {
	data, err := readDocument(path, model.EventsFormat)
	if err != nil {
		return nil, err
	}
	return model.DecodeEvents(bytes.NewReader(data))
}
