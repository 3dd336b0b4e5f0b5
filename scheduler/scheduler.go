package scheduler

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/constraints"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// Problem and Plan are the model's types, re-exported for importers.
type (
	Problem = model.Problem
	Plan    = model.Plan
)

// Violation is one breach of a hard rule by a plan, as Verify lists it: the rule's
// name, the intervention (if one is at fault) and a message.
type Violation = constraints.Violation

// Settings tune Solve. A nil *Settings and the zero value work: 10 s, seed 0, all
// cores, no work limit.
type Settings struct {
	// TimeLimit bounds the search's wall time; 0 means 10 s.
	TimeLimit time.Duration
	// WorkLimit bounds the number of schedules built; with it, a run is
	// deterministic for a seed (as long as the time limit is not reached first).
	WorkLimit int
	// Seed seeds every random choice; the plan records it.
	Seed int64
	// Workers is the number of parallel searches; 0 means GOMAXPROCS.
	Workers int
	// Progress is called with each improvement.
	Progress func(solver.Progress)
	// Lang is the language of the reasons the plan gives for unplaced
	// interventions: English ("en", also the zero value) or French ("fr").
	// Another value is an error naming Settings.Lang.
	Lang Lang
}

// Lang is the language of explanations; see Settings.Lang and Explainer.ExplainIn.
type Lang = constraints.Lang

// Languages of explanations.
const (
	English = constraints.English
	French  = constraints.French
)

// ParseLang reads a language code: "en", "fr", or "" (English).
func ParseLang(s string) (Lang, error) { return constraints.ParseLang(s) }

// checkLang checks s.Lang.
func (s *Settings) checkLang() error {
	if err := s.Lang.Check(); err != nil {
		return fmt.Errorf("scheduler: Settings.Lang: %w", err)
	}
	return nil
}

// Status of a result.
type Status string

// Statuses.
const (
	// StatusComplete: every intervention is placed and the verifier finds nothing.
	StatusComplete Status = "complete"
	// StatusPartial: some interventions could not be placed; each has its reasons.
	StatusPartial Status = "partial"
)

// Result is a plan and what the search says about it.
type Result struct {
	Plan *model.Plan
	// Status is complete or partial; Stop says why the search ended (done, time
	// limit, cancelled): running out of time is not an error.
	Status Status
	Stop   solver.Stop
	// Violations found by the independent verifier on the returned plan (empty
	// unless there is a bug, or fixed appointments already conflict).
	Violations []Violation
	Iterations int
	Elapsed    time.Duration
	// FirstFeasible is the time to the first complete plan (0 if none).
	FirstFeasible time.Duration
	// Makespan is the end of the last intervention; Bound a lower bound of it
	// (critical path with calendars and lags, load of each crew and pilot), and
	// GapPct the makespan's distance to the bound, counted from the operation's start.
	Makespan time.Time
	Bound    time.Time
	GapPct   float64
	Terms    solver.Terms
}

// Solve plans every intervention of a validated problem (see model.Decode). An
// error means the problem cannot be compiled; a plan that leaves interventions
// unplaced is a result with StatusPartial, each unplaced intervention with the
// rules that block it.
func Solve(ctx context.Context, p *model.Problem, s *Settings) (*Result, error) {
	if s == nil {
		s = &Settings{}
	}
	if err := s.checkLang(); err != nil {
		return nil, err
	}
	cp, err := constraints.Compile(p)
	if err != nil {
		return nil, err
	}
	res, err := solver.Solve(ctx, cp.Problem, &solver.Settings{TimeLimit: s.TimeLimit, WorkLimit: s.WorkLimit,
		Seed: s.Seed, Workers: s.Workers, Progress: s.Progress})
	if err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	plan := buildPlan(cp, res, s.Lang)
	out := &Result{Plan: plan, Stop: res.Stop, Iterations: res.Iterations, Elapsed: res.Elapsed,
		FirstFeasible: res.FirstFeasible, Terms: res.Terms}
	out.Violations = constraints.Verify(p, plan)
	plan.Score.Hard = len(out.Violations)
	out.Status = StatusComplete
	if len(plan.Unplaced) > 0 {
		out.Status = StatusPartial
	}
	plan.Status = string(out.Status)
	out.Makespan = cp.Clock.Time(res.Terms.Makespan)
	out.Bound = cp.Clock.Time(res.LowerBound)
	if res.LowerBound > 0 {
		out.GapPct = 100 * float64(res.Terms.Makespan-res.LowerBound) / float64(res.LowerBound)
	}
	return out, nil
}

// Verify re-checks a plan from scratch against every hard rule; it shares nothing
// with the search but the model types.
func Verify(p *model.Problem, plan *model.Plan) []Violation {
	return constraints.Verify(p, plan)
}

// BuildPlan turns a solver result into a plan document, with the reasons for
// unplaced interventions in English.
func BuildPlan(cp *constraints.Compiled, res *solver.Result) *model.Plan {
	return buildPlan(cp, res, English)
}

// buildPlan is BuildPlan with the unplaced interventions' reasons in lang.
func buildPlan(cp *constraints.Compiled, res *solver.Result, lang Lang) *model.Plan {
	loc := cp.Clock.Loc
	plan := &model.Plan{Format: model.PlanFormat, Operation: cp.Model.Operation.ID, Seed: res.Seed,
		Assignments: make([]model.Assignment, 0, len(res.Placements)), Unplaced: []model.Unplaced{}}
	stamp := func(m int) string { return cp.Clock.Time(m).In(loc).Format(time.RFC3339) }
	str := cp.Problem.Stretcher()
	for t, pl := range res.Placements {
		iv := cp.Interventions[t]
		if !pl.Placed {
			plan.Unplaced = append(plan.Unplaced, model.Unplaced{Intervention: iv.ID, Reasons: cp.ExplainIn(t, res.Placements, lang)})
			continue
		}
		a := model.Assignment{Intervention: iv.ID, Start: stamp(pl.Start), End: stamp(pl.End)}
		a.Crew, a.Pilot = cp.CrewAndPilot(t, pl)
		task := &cp.Problem.Tasks[t]
		if task.Fixed && iv.Start != "" {
			// keep the given times (same instants)
			a.Start, a.End = stamp(task.Start), stamp(task.End)
		}
		if !task.Contiguous {
			ws := str.Stretches(t, pl)
			// a fixed one's given times may not follow the calendars: then it is one stretch
			if len(ws) > 1 && (!task.Fixed || ws[0].Start == pl.Start && ws[len(ws)-1].End == pl.End) {
				for _, w := range ws {
					a.Segments = append(a.Segments, model.Segment{Start: stamp(w.Start), End: stamp(w.End)})
				}
			}
		}
		plan.Assignments = append(plan.Assignments, a)
	}
	// by start (a stable sort of positions: the same order as sorting the
	// assignments themselves)
	as := plan.Assignments
	order := make([]int, len(as))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return strings.Compare(as[i].Start, as[j].Start) })
	plan.Assignments = make([]model.Assignment, len(as))
	for k, i := range order {
		plan.Assignments[k] = as[i]
	}
	plan.Score = score(cp, res)
	return plan
}

func score(cp *constraints.Compiled, res *solver.Result) *model.Score {
	o := cp.Problem.Objective
	tm := res.Terms
	sc := &model.Score{Unplaced: res.Score.Unplaced, Soft: res.Score.Soft}
	add := func(goal string, v float64, w float64) {
		sc.Terms = append(sc.Terms, model.ScoreTerm{Goal: goal, Value: v, Weight: w, Cost: v * w})
	}
	add("makespan_days", float64(tm.Makespan)/1440, o.Makespan*1440)
	add("dwelling_end_days", float64(tm.GroupEnd)/1440, o.GroupEnd*1440)
	add("disturbed_days", float64(tm.GroupDays), o.GroupDays)
	add("hours_outside_preferred", float64(tm.Preference)/60, o.Preference*60)
	add("soft_deadline_days", float64(tm.Tardiness)/1440, o.Tardiness*1440)
	return sc
}
