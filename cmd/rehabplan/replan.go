package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

const replanUsage = "usage: rehabplan replan PROBLEM.json PLAN.json EVENTS.json --now T [-o NEW.json] [--diff DIFF.json] [--problem-out PROBLEM2.json] [--time-limit D] [--seed N] [--work-limit N] [--workers N] [--lang en|fr]"

// cmdReplan absorbs events into a plan and says what changes and who must be told.
//
// One long function: reading the three documents side by side while the problem
// is validated, then reporting the first error in the order of the arguments, ties
// its parts to the same validation result; the writing of the outputs follows.
func cmdReplan(ctx context.Context, args []string, stdout, stderr io.Writer) int {
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
		return exitInvalid
	}
	lang, ok := parseLangFlag(*langS, stderr)
	if !ok || !checkFlags(stderr, notNegative("time-limit", *limit), atLeast("work-limit", *work, 0), atLeast("workers", *workers, 0)) {
		return exitInvalid
	}
	*limit = workTimeLimit(fs, "time-limit", *limit, *work)
	if len(pos) != 3 || *nowS == "" {
		fmt.Fprintln(stderr, replanUsage)
		return exitInvalid
	}
	// the three documents are read side by side; the first error in the order of
	// the arguments is the one reported
	var (
		old          *model.Plan
		ev           *model.Events
		errPl, errEv error
		wg           sync.WaitGroup
	)
	wg.Go(func() { old, errPl = readPlan(pos[1]) })
	wg.Go(func() { ev, errEv = readEvents(pos[2]) })
	p, err := readProblemUnvalidated(pos[0])
	wg.Wait()
	if err != nil {
		return reportInputError(stderr, pos[0], err)
	}
	// The problem is validated beside the rest. Until it is found valid nothing is
	// reported but its errors, which come first as when it was validated first
	// (they also stop the replan).
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	verrC := make(chan error, 1)
	go func() {
		err := model.Validate(p)
		if err != nil {
			cancel()
		}
		verrC <- err
	}()
	valid := sync.OnceValue(func() error { return <-verrC })
	inputError := func(path string, err error) int {
		if verr := valid(); verr != nil {
			return reportInputError(stderr, pos[0], verr)
		}
		return reportInputError(stderr, path, err)
	}
	if errPl != nil {
		return inputError(pos[1], errPl)
	}
	if errEv != nil {
		return inputError(pos[2], errEv)
	}
	if old.Operation != p.Operation.ID {
		if verr := valid(); verr != nil {
			return reportInputError(stderr, pos[0], verr)
		}
		samePlanOperation(stderr, pos[1], old, pos[0], p)
		return exitInvalid
	}
	tv := p.Typed()
	loc, err := tv.Loc, tv.LocErr
	if err != nil {
		return inputError(pos[0], err)
	}
	now, err := model.ParseMoment(*nowS, loc)
	if err != nil {
		if verr := valid(); verr != nil {
			return reportInputError(stderr, pos[0], verr)
		}
		fmt.Fprintf(stderr, "rehabplan: --now: %v\n", err)
		return exitInvalid
	}
	var res *scheduler.ReplanResult
	var crash any
	func() {
		defer func() { crash = recover() }()
		progress, clearLine := progressLine(stderr)
		defer clearLine()
		res, err = replanSearch(rctx, p, old, ev, now, &scheduler.Settings{TimeLimit: *limit, Seed: *seed, WorkLimit: *work, Workers: *workers, Lang: lang, Progress: progress})
	}()
	if verr := valid(); verr != nil {
		return reportInputError(stderr, pos[0], verr)
	}
	if crash != nil {
		panic(crash)
	}
	if err != nil {
		// the error names its document: the plan's or the events'
		path := pos[2]
		var ve *model.ValidationError
		if errors.As(err, &ve) && ve.Document == "request" {
			path = "--now"
		} else if errors.As(err, &ve) && ve.Document == "plan" {
			path = pos[1]
		} else if errors.As(err, &ve) && (ve.Document == "" || ve.Document == "problem") {
			path = pos[0]
		}
		return reportInputError(stderr, path, err)
	}
	if *out != "" {
		base := strings.TrimSuffix(*out, ".json")
		if *diffOut == "" {
			*diffOut = base + ".diff.json"
		}
		if *probOut == "" {
			*probOut = base + ".problem.json"
		}
	}
	// the plan, then the diff and the problem when asked: encoded side by side,
	// written in that order
	docs := []struct {
		path string
		v    any
		data []byte
		err  error
	}{{path: *out, v: res.Plan}, {path: *diffOut, v: res.Diff}, {path: *probOut, v: res.Problem}}
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
	data, err := readDocument(path, model.Format)
	if err != nil {
		return nil, err
	}
	return model.DecodeUnvalidated(bytes.NewReader(data))
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
