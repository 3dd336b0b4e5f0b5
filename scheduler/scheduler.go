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

// Problem is the model's problem document, re-exported for importers.
type Problem = model.Problem

// Plan is the model's plan document, re-exported for importers.
type Plan = model.Plan

// Violation is one breach of a hard rule found by the verifier in a plan: the
// rule's name, the intervention (when one is at fault) and a message in English.
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
	// Progress, when not nil, is called with each improvement (from the search's
	// goroutines, one call at a time).
	Progress func(Progress)
	// Lang is the language of the reasons the plan gives for unplaced
	// interventions: English ("en", also the zero value) or French ("fr").
	// Another value is an error naming Settings.Lang.
	Lang Lang
	// Check is the solver's check mode, meant for tests (see solver.Settings.Check):
	// every score kept incrementally is derived again from scratch and compared, and
	// a mismatch makes Solve or Replan fail with an error. The plan is the same as
	// without it, found many times slower.
	Check bool
	// Timings, when set, receives the wall time of each phase of Solve as it ends
	// (validate, stays planning and its sketch, compile and each rule's steps,
	// the solver's phases, the plan, verify), from the goroutine that called
	// Solve; parts of a phase are named after it ("compile: tasks") and come
	// before it. It does not change the result.
	Timings func(phase string, d time.Duration)
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
	// StatusPartial: some interventions could not be placed, each with its
	// reasons; the verifier finds nothing wrong with the ones placed.
	StatusPartial Status = "partial"
	// StatusViolated: the verifier found hard rules broken (Result.Violations):
	// the plan must not be used as it is. It happens only when fixed appointments
	// (done, announced, pinned) already conflict, or on a bug.
	StatusViolated Status = "violated"
)

// statusOf is the status of a plan with the verifier's violations.
func statusOf(plan *model.Plan, violations []Violation) Status {
	switch {
	case len(violations) > 0:
		return StatusViolated
	case len(plan.Unplaced) > 0:
		return StatusPartial
	}
	return StatusComplete
}

// Result is a plan and what the search says about it.
type Result struct {
	Plan *model.Plan
	// Problem is the problem the plan is for: the one given, or, when the
	// planner chose relocation stays (Plan.Stays, planned), the one they make
	// (model.ApplyStays: the stays booked, the moves added). Every function that
	// takes a problem and its plan also accepts the one given.
	Problem *model.Problem
	// Status is complete, partial or violated; Stop says why the search ended
	// (done, time limit, cancelled): running out of time is not an error.
	Status Status
	Stop   Stop
	// Violations found by the independent verifier on the returned plan (empty
	// unless there is a bug, or fixed appointments already conflict).
	Violations []Violation
	Iterations int
	Elapsed    time.Duration
	// FirstFeasible is the time to the first complete plan (0 if none).
	FirstFeasible time.Duration
	// Makespan is the end of the last intervention; Bound a lower bound of it
	// (critical path with calendars and lags, load of each set of interchangeable
	// crews and of the pilot, and their one-at-a-time windows), and
	// GapPct the makespan's distance to the bound, counted from the operation's start.
	Makespan time.Time
	Bound    time.Time
	GapPct   float64
	// BoundBinds says which relaxation gives Bound (see Assessment.BoundBinds).
	BoundBinds string
	// BoundBindsFr says the same in French (see Assessment.BoundBindsFr).
	BoundBindsFr string
	// Disturbance compares each occupied dwelling's disturbed days with the
	// fewest its interventions allow (nil without a bound, as Bound).
	Disturbance *Disturbance
	// Terms are the plan's soft goals before their weights.
	Terms Breakdown
}

// finish fills what Solve and Replan say alike of a search's result: the
// verifier's violations, the status, the end, the bound and the gap.
func (r *Result) finish(cp *constraints.Compiled, res *solver.Result, violations []Violation) {
	r.Stop, r.Iterations, r.FirstFeasible, r.Terms = stopOf(res.Stop), res.Iterations, res.FirstFeasible, breakdownOf(res.Terms)
	r.Violations = violations
	r.Plan.Score.Hard = len(violations)
	r.Status = statusOf(r.Plan, violations)
	r.Plan.Status = string(r.Status)
	r.Makespan = cp.Clock.Time(res.Terms.Makespan)
	// a replan that stopped at its first construction computes no bound (it would
	// cost as much again): then Bound and GapPct stay zero
	if lb := res.LowerBound; lb > 0 {
		r.Bound = cp.Clock.Time(lb)
		r.GapPct = 100 * float64(res.Terms.Makespan-lb) / float64(lb)
	}
	if res.Bounds != nil {
		r.BoundBinds, r.BoundBindsFr = bindingText(cp, res.Bounds.End)
		r.Disturbance = disturbance(cp.Model, r.Plan, res.Bounds.GroupDays)
	}
}

// Solve plans every intervention of a problem. The problem is validated first
// (model.Decode has done it already for a decoded one; it is cheap): an invalid
// problem gives an *InvalidProblemError that lists every field error, matched by
// errors.Is(err, ErrInvalid). A plan that leaves interventions unplaced is a
// result with StatusPartial, each unplaced intervention with the rules that block
// it; reaching the time limit or a cancelled ctx is a result too (Result.Stop),
// with the best plan found.
func Solve(ctx context.Context, p *model.Problem, s *Settings) (*Result, error) {
	if s == nil {
		s = &Settings{}
	}
	if err := s.checkLang(); err != nil {
		return nil, err
	}
	tm := solver.Timer(s.Timings)
	t0 := time.Now()
	begin := t0
	if err := model.Validate(p); err != nil {
		return nil, err
	}
	tm.Since("validate", t0)
	// While the stays are planned and the search runs: the verifier expands the
	// calendars its own way (as Replan does; Verify would expand the same over the
	// same range). The stays change none of them (households', crews', pilots',
	// profiles' and the site's recurrences, the operation's dates).
	calsC := make(chan *constraints.Calendars, 1)
	go func(p *model.Problem) { calsC <- constraints.PrepareCalendars(p) }(p)
	t0 = time.Now()
	stays := constraints.PlanStaysTimed(ctx, p, constraints.SketchEffort{TimeLimit: s.TimeLimit, WorkLimit: s.WorkLimit}, tm.Prefixed("stays planning"))
	tm.Since("stays planning", t0)
	// a planned stay too short for its moves and works (PlaceStays draws it from
	// a sketch without the moves) is lengthened before the search, from what a
	// construction alone leaves unplaced (the search places them no better), so
	// that a time-limited search is not spent on stays too short
	stays = lengthenShortStays(ctx, p, stays, s, begin, tm)
	p, cp, res, err := solveStays(ctx, p, stays, s, begin, tm)
	if err != nil {
		return nil, err
	}
	elapsed := res.Elapsed
	t0 = time.Now()
	out := &Result{Plan: buildPlan(cp, res, s.Lang), Elapsed: elapsed, Problem: p}
	out.Plan.Stays = constraints.Stays(p, stays)
	tm.Since("plan (assignments, explanations)", t0)
	// the problem the stays make, which model.WithPlannedStays would build
	// again from the one given
	t0 = time.Now()
	cals := <-calsC
	tm.Since("verify: waiting for its calendars", t0)
	vs := constraints.VerifyWith(p, out.Plan, cals)
	tm.Since("verify", t0)
	t0 = time.Now()
	res.WaitBounds()
	tm.Since("bounds (waited for)", t0)
	t0 = time.Now()
	out.finish(cp, res, vs)
	tm.Since("bounds' words and disturbance", t0)
	return out, nil
}

// stayRounds bounds the searches again with lengthened stays (Solve), each
// stayStepDays calendar days longer.
const (
	stayRounds   = 3
	stayStepDays = 7
)

// solveStays is the search of Solve on p with the planned stays booked
// (model.ApplyStays): the problem it solved, compiled, and the solver's result
// (its bounds pending: res.WaitBounds).
func solveStays(ctx context.Context, p *model.Problem, stays []model.Stay, s *Settings, begin time.Time, tm solver.Timer) (*model.Problem, *constraints.Compiled, *solver.Result, error) {
	if len(stays) > 0 {
		t0 := time.Now()
		q, err := model.ApplyStays(p, stays)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("scheduler: rehousing: %w", err)
		}
		p = q
		tm.Since("stays applied (copy and validate)", t0)
	}
	t0 := time.Now()
	cp, err := constraints.CompileTimed(p, tm.Prefixed("compile"))
	if err != nil {
		return nil, nil, nil, err
	}
	tm.Since("compile", t0)
	t0 = time.Now()
	ss := s.solverSettings(cp.Clock.Time)
	ss.Timings = tm.Prefixed("solve")
	// the bounds are computed while the plan is written and verified
	ss.BoundsLater = true
	ss.TimeLimit = timeLeft(s, begin)
	res, err := solver.Solve(ctx, cp.Problem, ss)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("scheduler: %w", err)
	}
	tm.Since("solve", t0)
	return p, cp, res, nil
}

// lengthenShortStays lengthens the planned stays whose moves or works a
// construction alone (one worker, the seed, no bound) leaves unplaced, stayStepDays
// calendar days at a time as constraints.LengthenStays allows, at most stayRounds
// times, within the time limit counted from begin; it returns the stays whose
// construction left the fewest unplaced (the stays given when none did better).
func lengthenShortStays(ctx context.Context, p *model.Problem, stays []model.Stay, s *Settings, begin time.Time, tm solver.Timer) []model.Stay {
	if len(stays) == 0 {
		return stays
	}
	probe := Settings{Seed: s.Seed, WorkLimit: 1, Workers: 1, TimeLimit: s.TimeLimit, Check: s.Check}
	best, bestN := stays, -1
	for round, try := 0, stays; round <= stayRounds && ctx.Err() == nil && timeLeft(s, begin) > time.Millisecond; round++ {
		q, err := model.ApplyStays(p, try)
		if err != nil {
			return best
		}
		cp, err := constraints.Compile(q)
		if err != nil {
			return best
		}
		ss := probe.solverSettings(cp.Clock.Time)
		ss.NoBound, ss.TimeLimit = true, timeLeft(s, begin)
		t0 := time.Now()
		res, err := solver.Solve(ctx, cp.Problem, ss)
		tm.Since("stays probed (a construction)", t0)
		if err != nil {
			return best
		}
		if n := unplacedOf(res); bestN < 0 || n < bestN {
			best, bestN = try, n
		}
		short := shortStays(cp, res)
		if len(short) == 0 {
			break
		}
		// every planned stay may start later for a short one before it: none is begun
		longer, changed := constraints.LengthenStays(p, try, constraints.Lengthening{
			Lengthen: func(st model.Stay) bool { return short[st.Household] }, Days: stayStepDays,
			Shift: func(model.Stay) bool { return true }})
		if !changed {
			break
		}
		try = longer
	}
	return best
}

// timeLeft is what is left at this moment of s's time limit (the solver's
// default when none) counted from begin, at least a millisecond.
func timeLeft(s *Settings, begin time.Time) time.Duration {
	limit := s.TimeLimit
	if limit <= 0 {
		limit = solver.DefaultTimeLimit
	}
	return max(limit-time.Since(begin), time.Millisecond)
}

// shortStays are the households whose planned stay's moves or works during it
// the search left unplaced.
func shortStays(cp *constraints.Compiled, res *solver.Result) map[string]bool {
	var short map[string]bool
	for t, pl := range res.Placements {
		iv := cp.Interventions[t]
		if pl.Placed || iv.Relocation == "" {
			continue
		}
		d := cp.Index.Dwellings[iv.Dwelling]
		if d == nil || !d.Occupied() {
			continue
		}
		if short == nil {
			short = map[string]bool{}
		}
		short[d.Household] = true
	}
	return short
}

func unplacedOf(res *solver.Result) int {
	n := 0
	for _, pl := range res.Placements {
		if !pl.Placed {
			n++
		}
	}
	return n
}

// Verify re-checks a plan from scratch against every hard rule; it shares nothing
// with the search but the model types.
func Verify(p *model.Problem, plan *model.Plan) []Violation {
	return constraints.Verify(p, plan)
}

// buildPlan turns a solver result into a plan document, with the unplaced
// interventions' reasons in lang.
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
	plan.Interlocutors = cp.Interlocutors(res.Placements, lang)
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
	add("burden_days", float64(tm.GroupDaysOver), o.GroupDaysOver)
	add("hours_outside_preferred", float64(tm.Preference)/60, o.Preference*60)
	add("soft_deadline_days", float64(tm.Tardiness)/1440, o.Tardiness*1440)
	add("starts_off_quarter_hour", float64(tm.OffGrid), o.OffGrid)
	if cp.PilotExtras() {
		add("pilot_extra_hours", float64(tm.Discouraged)/60, o.Discouraged*60)
	}
	if cp.SamePilotGoal() {
		add("visits_with_another_pilot", float64(tm.Unpreferred), o.Unpreferred)
	}
	return sc
}
