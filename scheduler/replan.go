package scheduler

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/rehabplan/rehabplan/constraints"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// ReplanResult is a new plan after events, with what it changes.
type ReplanResult struct {
	// Problem is the problem with the events applied and the statuses brought up to
	// date at now (done, under way, announced): the input of the next replan.
	Problem *model.Problem
	Plan    *model.Plan
	// Diff against the old plan: each change, its cause, and who must be told.
	Diff *model.Diff
	// Result is the search's account of the new plan (verified against Problem).
	Result *Result
	// Released lists the appointments inside the notice period that had to move,
	// with the id of the event that forced them ("" when several events together
	// left no room for them).
	Released map[string]string
	// Rounds counts the quick constructions needed to settle which appointments
	// stay where they are.
	Rounds int
	// NewStays are the relocation stays this replan planned: households the
	// events made need one (see Replan). They are among Plan.Stays.
	NewStays []model.Stay
}

// How an intervention is treated by a replan.
type pinKind int

const (
	kindFree      pinKind = iota // planned anew
	kindFrozen                   // done, under way, or pinned by the user: never moves
	kindPinned                   // inside the notice period: moves only when forced
	kindAnnounced                // announced beyond the notice period: moving it costs
	kindPlanned                  // planned, not yet announced: planned anew
)

// Replanning weights. Moving an announced appointment costs more than anything the
// usual soft goals can win back (a day of the operation's end weighs 10 by
// default); a vulnerable household's, or one within two weeks, costs double.
const (
	moveCostAnnounced = 1000.0
	// per minute of shift, per unit of move cost
	shiftPerMinute = 1.0 / 1000000
	// maxRounds bounds the quick constructions that release the pins in the way
	// of what the events moved, one ring of announced appointments a round (an
	// overrun into a chain of announced appointments took 7 in the bench's
	// scenario 05 after the practices; 6 left a plan that broke a sequence)
	maxRounds = 12
)

// Replan absorbs events into a plan: it applies them to the problem, freezes what
// is done or under way at now, keeps the appointments inside the notice period where
// they are unless an event forces them to move, and plans the rest moving as few
// announced appointments as it can (a vulnerable household's and the soonest ones
// last), by as little as it can, then by the usual soft goals. New and moved
// appointments in occupied dwellings respect the notice period from now.
//
// Invalid or contradictory events are a *model.ValidationError naming the event and
// the field. The time limit and ctx bound the whole replan; the best plan found is
// returned when they are reached.
//
// The stays the old plan chose stay booked (those not begun may last longer);
// a household that the events make need a stay (operation.rehousing: its works
// would now leave it without water or a bathroom beyond its limit) gets one
// planned as Solve does, wrapped around its works' old appointments so that they
// can keep their times (ReplanResult.NewStays).
func Replan(ctx context.Context, p *model.Problem, old *model.Plan, ev *model.Events, now time.Time, s *Settings) (*ReplanResult, error) {
	begin := time.Now()
	if s == nil {
		s = &Settings{}
	}
	if err := s.checkLang(); err != nil {
		return nil, err
	}
	r, kept, err := startReplan(ctx, p, old, ev, now, s, begin)
	if err != nil || kept != nil {
		return kept, err
	}
	if err := r.compile(); err != nil {
		return nil, err
	}
	// Rescheduled appointments go to the slots their events take, when these still
	// fit the old plan; with no other event, that arrangement is a plan to beat.
	var arranged *solver.Result
	if len(r.ap.rescheduled) > 0 {
		sb, err := placeRescheduled(r.cp, r.q, r.old, r.kinds, r.slots, r.ap, r.frozen, r.cause)
		if err != nil {
			return nil, err
		}
		if len(r.ap.rescheduled) == len(ev.Events) {
			arranged = sb.b.Result()
		}
	}
	// the pins as they stand before the rounds release any (see keepPins)
	kinds0 := maps.Clone(r.kinds)
	if err := r.settlePins(); err != nil {
		return nil, err
	}
	if err := r.searchRest(); err != nil {
		return nil, err
	}
	if r.old != nil {
		r.keepWhatItHad(arranged, kinds0)
	}
	return r.result(), nil
}

// replanRun is the state a replan's stages share: apply the events
// (startReplan), compile, settle which appointments stay by quick constructions
// (settlePins), search with what is left of the time (searchRest), keep what the
// old plan had (keepWhatItHad), build, verify and diff (result). They share the
// pins, the causes and one deadline.
type replanRun struct {
	ctx   context.Context
	s     *Settings
	begin time.Time
	// p is the problem with the old plan's stays booked, old the old plan with its
	// stays extended (orig as given), ev the events
	p         *model.Problem
	old, orig *model.Plan
	ev        *model.Events
	now       time.Time
	loc       *time.Location
	limit     time.Duration
	// deadline ends the replan; searchEnd, the search proper (time is left for the
	// repair that keeps what the old plan had)
	deadline, searchEnd time.Time
	// q is the problem with the events applied and the statuses brought up to
	// date at now (x indexes it); valid waits for its validation
	q     *model.Problem
	x     *model.Index
	valid func() error
	slots map[string]slot
	ap    *applied
	kinds map[string]pinKind
	// cause: the id of the event that moves an intervention; released: the pins
	// released, with the event that forced them
	cause, released map[string]string
	added           []model.Stay // the stays the events make needed
	// the domain compiled, the tasks fixed before any pin, and what the verifier
	// and the diff prepare while the search runs
	cp      *constraints.Compiled
	frozen  []bool
	cals    func() *constraints.Calendars
	oldRead func() *diffOld
	// the plan found so far: plan, out, violations and d are nil until built
	res        *solver.Result
	plan       *model.Plan
	out        *model.Problem
	violations []Violation
	d          *model.Diff
	rounds     int
}

// startReplan applies the events and classifies the interventions. It returns
// the old plan's result instead when nothing happened and it still holds.
func startReplan(ctx context.Context, p *model.Problem, old *model.Plan, ev *model.Events, now time.Time, s *Settings, begin time.Time) (*replanRun, *ReplanResult, error) {
	// the stays the old plan chose are booked from now on, those not begun
	// extended as their unit allows
	r := &replanRun{ctx: ctx, s: s, begin: begin, orig: old, ev: ev, now: now, released: map[string]string{}}
	old = extendStays(p, old, now)
	p, err := model.WithPlannedStays(p, old)
	if err != nil {
		return nil, nil, err
	}
	r.p, r.old = p, old
	r.limit = s.TimeLimit
	if r.limit <= 0 {
		r.limit = ReplanBudget(p)
	}
	tv := p.Typed()
	loc, err := tv.Loc, tv.LocErr
	if err != nil {
		return nil, nil, fmt.Errorf("operation.time_zone: %w", err)
	}
	r.loc = loc
	if err := checkNow(p, now); err != nil {
		return nil, nil, err
	}
	if r.slots, err = planSlots(p, old, loc); err != nil {
		return nil, nil, err
	}
	q, ap, err := applyEvents(p, r.slots, ev, now, loc)
	if err != nil {
		return nil, nil, err
	}
	r.ap = ap
	// q is validated beside what follows, on a copy of it as the events left it
	// (statuses are brought up to date below); nothing is planned before the
	// answer, and when q is invalid the validation's errors are the answer
	r.valid = func() error { return nil }
	if ev != nil {
		vq := *q
		vq.Interventions = slices.Clone(q.Interventions)
		valC := make(chan error, 1)
		go func() { valC <- validateApplied(&vq) }()
		r.valid = sync.OnceValue(func() error { return <-valC })
	}
	q.Operation.Now = now.In(loc).Format(time.RFC3339)
	r.q, r.x = q, model.NewIndex(q)

	r.cause = map[string]string{}
	for id, c := range ap.forced {
		r.cause[id] = c
	}
	r.kinds = classify(q, r.x, ap, r.slots, now, loc)
	if ev == nil || len(ev.Events) == 0 {
		// nothing happened: the old plan stands, when it still holds (quiet.go)
		if rr := keepOld(p, q, old, r.kinds, r.slots, now, begin); rr != nil {
			return nil, rr, nil
		}
	}
	// the stays the events make needed, planned as the first plan does
	if stays := newStays(p, q, r.orig, old, r.slots, now); len(stays) > 0 {
		if err := r.valid(); err != nil {
			return nil, nil, err
		}
		q2, err := bookNewStays(q, stays, r.kinds, ap, r.cause)
		if err != nil {
			return nil, nil, fmt.Errorf("scheduler: rehousing: %w", err)
		}
		r.q, r.x, r.added = q2, model.NewIndex(q2), stays
	}
	r.deadline = begin.Add(r.limit)
	r.searchEnd = r.deadline
	if old != nil {
		r.searchEnd = r.deadline.Add(-repairReserve(r.limit))
	}
	return r, nil, nil
}

// compile compiles the domain once, the pinned appointments as planned ones (so
// that, released, they respect the notice floor); each round pins them in the
// solver's problem. The problem compiled is not the one validated (vq is q as the
// events left it; this one has the statuses brought up to date and the pins
// freed), so Compile reads its typed view anew; sharing vq's would need model to
// derive a view from another for the lists the two share (all but the
// interventions).
func (r *replanRun) compile() error {
	cp, err := compileValid(problemFor(r.q, r.kinds, r.slots), r.valid)
	if err != nil {
		return err
	}
	r.cp = cp
	// While the search runs: the verifier expands q's calendars its own way (the
	// events are applied: they are those of every plan to verify), and the diff
	// reads the old plan.
	calsC, oldC := make(chan *constraints.Calendars, 1), make(chan *diffOld, 1)
	q, p, old := r.q, r.p, r.old
	go func() {
		calsC <- constraints.PrepareCalendars(q)
		oldC <- readOld(p, old, p)
	}()
	r.cals = sync.OnceValue(func() *constraints.Calendars { return <-calsC })
	r.oldRead = sync.OnceValue(func() *diffOld { return <-oldC })
	r.frozen = make([]bool, len(cp.Problem.Tasks))
	for t := range cp.Problem.Tasks {
		r.frozen[t] = cp.Problem.Tasks[t].Fixed
	}
	return nil
}

// settlePins settles which pinned appointments stay: quick constructions release
// those that break a rule or stand in the way of one that must move.
func (r *replanRun) settlePins() error {
	cp, kinds := r.cp, r.kinds
	for {
		r.rounds++
		for _, id := range applyPins(cp, r.frozen, kinds, r.slots) {
			kinds[id] = kindFree
			r.released[id] = ""
		}
		setAnchors(cp, r.x, kinds, r.slots, r.now)
		res, err := solver.Solve(r.ctx, cp.Problem, &solver.Settings{TimeLimit: max(time.Until(r.deadline), time.Millisecond), WorkLimit: 1, Seed: r.s.Seed, Workers: 1, NoBound: true, Check: r.s.Check})
		if err != nil {
			return fmt.Errorf("scheduler: %w", err)
		}
		r.res = res
		r.plan, r.out, r.violations, r.d = nil, nil, nil, nil
		if r.rounds >= maxRounds || r.ctx.Err() != nil {
			return nil
		}
		// pins in the way of what moved are released even past the deadline (at
		// most maxRounds quick constructions): kept, they would break the plan
		rel := pinsInTheWay(cp, res, kinds, r.cause)
		if len(rel) == 0 && time.Now().After(r.deadline) {
			return nil
		}
		if len(rel) == 0 {
			// what the verifier finds wrong with a pinned appointment (its own
			// rules broken by the events) releases it too
			r.build(res, kinds)
			for _, v := range r.violations {
				if v.Intervention != "" && kinds[v.Intervention] == kindPinned {
					rel[v.Intervention] = r.cause[v.Intervention]
				}
			}
			if len(rel) == 0 {
				return nil
			}
		}
		for id, c := range rel {
			kinds[id] = kindFree
			r.released[id] = c
			if c != "" {
				r.cause[id] = c
			}
		}
	}
}

// build makes the plan of res with the pins of kinds, the problem it leaves,
// its violations and its diff against the old plan: the plan found so far.
func (r *replanRun) build(res *solver.Result, kinds map[string]pinKind) {
	r.plan, r.out = buildPlan(r.cp, res, r.s.Lang), settle(r.q, kinds, r.cp, res)
	r.violations, r.d = verifyAndDiff(r.p, r.out, r.old, r.plan, r.now, r.cause, r.ap.cancelled, r.cals(), r.oldRead())
}

// searchRest is the search proper, on the settled pins, with what is left of the
// time.
func (r *replanRun) searchRest() error {
	if r.s.WorkLimit == 1 || r.ctx.Err() != nil || !time.Now().Before(r.deadline) {
		return nil
	}
	ss := r.s.solverSettings(r.cp.Clock.Time)
	ss.TimeLimit = max(time.Until(r.searchEnd), time.Millisecond)
	full, err := solver.Solve(r.ctx, r.cp.Problem, ss)
	if err != nil {
		return fmt.Errorf("scheduler: %w", err)
	}
	if !r.res.Score.Less(full.Score) {
		r.res = full
		r.plan = nil
	}
	return nil
}

// keepWhatItHad makes sure a replan never drops what it had: what the search
// left out is put back, and the old plan kept (the pins as they stood before
// the rounds, kinds0) wins when the search has not found better.
func (r *replanRun) keepWhatItHad(arranged *solver.Result, kinds0 map[string]pinKind) {
	cp := r.cp
	if rep := repairBest(cp, r.res, arranged, r.kinds, r.slots); rep != r.res {
		r.res, r.plan = rep, nil
	}
	k, kinds1 := keepPins(cp, r.frozen, r.kinds, kinds0, r.released, r.slots, r.res)
	if k == nil {
		return
	}
	kp, kout := buildPlan(cp, k, r.s.Lang), settle(r.q, kinds1, cp, k)
	kv, kd := verifyAndDiff(r.p, kout, r.old, kp, r.now, r.cause, r.ap.cancelled, r.cals(), r.oldRead())
	if len(kv) == 0 {
		r.res, r.plan, r.out, r.violations, r.d, r.kinds = k, kp, kout, kv, kd, kinds1
		maps.DeleteFunc(r.released, func(id, _ string) bool { return kinds1[id] == kindPinned })
	} else {
		applyPins(cp, r.frozen, r.kinds, r.slots)
	}
}

// result builds the plan found, when it is not yet, blames the events for what
// moved and books the stays: the replan's result.
func (r *replanRun) result() *ReplanResult {
	if r.plan == nil {
		r.build(r.res, r.kinds)
	}
	plan := r.plan
	blameEvents(plan, r.cp, r.slots, r.cause, r.ap, r.ev, r.s.Lang)
	var planned []model.Stay
	if r.old != nil {
		planned = r.old.PlannedStays()
	}
	plan.Stays = constraints.Stays(r.out, append(planned, r.added...))
	res := &Result{Plan: plan, Elapsed: time.Since(r.begin)}
	res.finish(r.cp, r.res, r.violations)
	return &ReplanResult{Problem: r.out, Plan: plan, Diff: r.d, Result: res, Released: r.released, Rounds: r.rounds, NewStays: r.added}
}

// classify says how a replan at now treats each intervention of q, the problem
// with the events applied (ap; x indexes it), and brings q's statuses up to date
// at now: work whose time has passed is done, work under way is announced and
// pinned, and what starts inside its trade's notice period is pinned.
func classify(q *model.Problem, x *model.Index, ap *applied, slots map[string]slot, now time.Time, loc *time.Location) map[string]pinKind {
	kinds := make(map[string]pinKind, len(q.Interventions))
	for i := range q.Interventions {
		iv := &q.Interventions[i]
		sl, hasSlot := slots[iv.ID]
		switch {
		case ap.fixedBy[iv.ID] != "" || iv.StatusOf() == model.StatusDone:
			kinds[iv.ID] = kindFrozen
		case ap.forced[iv.ID] != "" || ap.added[iv.ID] != "" || ap.rescheduled[iv.ID] != nil || !hasSlot || iv.StatusOf() == model.StatusMissed:
			kinds[iv.ID] = kindFree
		case iv.Pinned && iv.Start != "":
			kinds[iv.ID] = kindFrozen
		case !sl.end.After(now):
			// its time has passed and nobody reported it missed: it is done
			iv.Status, iv.Pinned = model.StatusDone, false
			iv.Crew, iv.Pilot, iv.Start, iv.End = sl.crew, sl.pilot, sl.startS, sl.endS
			kinds[iv.ID] = kindFrozen
		case sl.start.Before(now):
			// under way
			iv.Status, iv.Pinned = model.StatusAnnounced, true
			iv.Crew, iv.Pilot, iv.Start, iv.End = sl.crew, sl.pilot, sl.startS, sl.endS
			kinds[iv.ID] = kindFrozen
		case sl.start.Before(q.TradeNoticeFloor(x.Trades[iv.Trade], now, loc)):
			kinds[iv.ID] = kindPinned
		case iv.Announced():
			kinds[iv.ID] = kindAnnounced
		default:
			kinds[iv.ID] = kindPlanned
		}
	}
	return kinds
}

// NowMargin is how far before the operation's start or after its end a replan
// may be made: now outside [start - NowMargin, end + NowMargin] is refused.
const NowMargin = 366 * 24 * time.Hour

// checkNow refuses a replan's now far outside the operation's horizon (a typing
// slip such as year 9999 or 0001): a *model.ValidationError on the field "now",
// which gives the instant in UTC (in the operation's zone, year 1 reads in local
// mean time, Paris +00:09, and year 9999 may pass into year 10000).
func checkNow(p *model.Problem, now time.Time) error {
	tv := p.Typed()
	start, end := tv.Start.V, tv.End.V
	if !tv.Start.OK() || !tv.End.OK() {
		return nil // the problem's validation says what is wrong
	}
	if now.Before(start.Add(-NowMargin)) || now.After(end.Add(NowMargin)) {
		return &model.ValidationError{Document: "request", Errors: []*model.FieldError{{Field: "now",
			Msg: fmt.Sprintf("%s is more than a year outside the operation's horizon (%s to %s)", now.UTC().Format(time.RFC3339), p.Operation.Start, p.Operation.End)}}}
	}
	return nil
}

// compileValid compiles cq once valid (the validation of the problem it comes
// from, running meanwhile) says the problem is valid; otherwise valid's error is
// the answer, whatever the compilation made of the invalid problem (an error, a
// panic).
func compileValid(cq *model.Problem, valid func() error) (cp *constraints.Compiled, err error) {
	defer func() {
		r := recover()
		if verr := valid(); verr != nil {
			cp, err = nil, verr
			return
		}
		if r != nil {
			panic(r)
		}
	}()
	return constraints.Compile(cq)
}

// verifyAndDiff verifies the new plan and diffs it against the old one side by
// side: the diff only reads the plans and problems, the verifier checks on its own.
// Both are done when it returns (the caller may then change cause).
func verifyAndDiff(p, out *model.Problem, old, plan *model.Plan, now time.Time, cause, cancelled map[string]string, cals *constraints.Calendars, pre *diffOld) ([]Violation, *model.Diff) {
	var d *model.Diff
	var crash any
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { crash = recover() }()
		d = diffPlansFrom(pre, p, out, old, plan, &now, cause, cancelled)
	}()
	vs := constraints.VerifyWith(out, plan, cals)
	<-done
	if crash != nil {
		panic(crash) // in the caller's goroutine, as before
	}
	return vs, d
}

// planSlots reads the old plan's appointments (and the problem's fixed times of
// interventions the plan does not place).
func planSlots(p *model.Problem, old *model.Plan, loc *time.Location) (map[string]slot, error) {
	known := map[string]bool{}
	for _, iv := range p.Interventions {
		known[iv.ID] = true
	}
	slots := map[string]slot{}
	ee := &model.ValidationError{Document: "plan"}
	bad := func(i int, field, id, format string, args ...any) {
		ee.Errors = append(ee.Errors, &model.FieldError{Field: fmt.Sprintf("assignments[%d].%s", i, field), Entity: "intervention", ID: id, Msg: fmt.Sprintf(format, args...)})
	}
	if old != nil {
		if old.Operation != "" && old.Operation != p.Operation.ID {
			ee.Errors = append(ee.Errors, &model.FieldError{Field: "operation", Msg: fmt.Sprintf("plan of operation %q, the problem is operation %q", old.Operation, p.Operation.ID)})
			return nil, ee
		}
		for i, a := range old.Assignments {
			if !known[a.Intervention] {
				bad(i, "intervention", a.Intervention, "unknown intervention %q", a.Intervention)
				continue
			}
			if _, dup := slots[a.Intervention]; dup {
				bad(i, "intervention", a.Intervention, "placed twice")
				continue
			}
			st, err1 := model.ParseMoment(a.Start, loc)
			en, err2 := model.ParseMoment(a.End, loc)
			if err1 != nil {
				bad(i, "start", a.Intervention, "%v", err1)
				continue
			}
			if err2 != nil {
				bad(i, "end", a.Intervention, "%v", err2)
				continue
			}
			if en.Before(st) {
				bad(i, "end", a.Intervention, "before the start")
				continue
			}
			slots[a.Intervention] = slot{start: st, end: en, crew: a.Crew, pilot: a.Pilot, startS: a.Start, endS: a.End}
		}
	}
	if len(ee.Errors) > 0 {
		return nil, ee
	}
	ivs := p.Typed().Interventions()
	for i, iv := range p.Interventions {
		if _, ok := slots[iv.ID]; ok || !iv.Fixed() || iv.Start == "" || iv.End == "" {
			continue
		}
		st, en := ivs[i].Start, ivs[i].End
		if st.OK() && en.OK() {
			slots[iv.ID] = slot{start: st.V, end: en.V, crew: iv.Crew, pilot: iv.Pilot, startS: iv.Start, endS: iv.End}
		}
	}
	return slots, nil
}

// problemFor is q with the statuses the compilation needs: frozen ones as they are,
// the rest planned (applyPins then fixes the pinned ones in the solver's problem).
func problemFor(q *model.Problem, kinds map[string]pinKind, slots map[string]slot) *model.Problem {
	cq := *q
	cq.Interventions = append([]model.Intervention(nil), q.Interventions...)
	for i := range cq.Interventions {
		iv := &cq.Interventions[i]
		switch kinds[iv.ID] {
		case kindFrozen:
		default:
			iv.Status, iv.Pinned = model.StatusPlanned, false
			iv.Crew, iv.Pilot, iv.Start, iv.End = "", "", "", ""
		}
	}
	return &cq
}

// applyPins fixes the pinned appointments at their old times in the solver's
// problem and frees the others (but the frozen ones). It returns the pinned ones
// that cannot stay: their crew or pilot can no longer take them.
func applyPins(cp *constraints.Compiled, frozen []bool, kinds map[string]pinKind, slots map[string]slot) []string {
	var gone []string
	for t, iv := range cp.Interventions {
		if frozen[t] {
			continue
		}
		task := &cp.Problem.Tasks[t]
		task.Fixed = false
		if kinds[iv.ID] != kindPinned {
			continue
		}
		sl := slots[iv.ID]
		ch := cp.ChoiceFor(t, sl.crew, sl.pilot)
		if ch == nil {
			gone = append(gone, iv.ID)
			continue
		}
		task.Fixed, task.Anchored = true, false
		task.Start, task.End, task.Choice = cp.Clock.Minute(sl.start), cp.Clock.Minute(sl.end), ch
	}
	sort.Strings(gone)
	return gone
}

// setAnchors anchors every movable task that had an appointment at it, with the cost
// of moving it.
func setAnchors(cp *constraints.Compiled, x *model.Index, kinds map[string]pinKind, slots map[string]slot, now time.Time) {
	soon := now.Add(14 * 24 * time.Hour)
	for t, iv := range cp.Interventions {
		task := &cp.Problem.Tasks[t]
		k := kinds[iv.ID]
		sl, ok := slots[iv.ID]
		// a planned appointment nobody was told of is free to move: anchoring it
		// would keep the crews in the old order around whatever slipped
		if task.Fixed || !ok || k == kindFrozen || iv.StatusOf() == model.StatusMissed {
			continue
		}
		if k == kindPlanned {
			// a hint only: some constructions start from the old plan, others not
			task.Anchored = true
			task.AnchorStart = cp.Clock.Minute(sl.start)
			task.AnchorChoice = cp.ChoiceFor(t, sl.crew, sl.pilot)
			continue
		}
		if k == kindFree && !sl.start.After(now) {
			continue
		}
		cost := moveCostAnnounced
		if len(x.ProfilesOf(iv)) > 0 {
			cost *= 2
		}
		if sl.start.Before(soon) {
			cost *= 2
		}
		task.Anchored = true
		task.AnchorStart = cp.Clock.Minute(sl.start)
		task.AnchorChoice = cp.ChoiceFor(t, sl.crew, sl.pilot)
		task.MoveCost = cost
		task.ShiftCost = cost * shiftPerMinute
	}
}

// pinsInTheWay lists the pinned appointments to release after a construction: those
// a moved predecessor now overlaps, and those standing in the way of an
// intervention left unplaced. (Those whose own rules the events broke come from the
// verifier, in Replan.) The value is the id
// of the event to blame, when known.
func pinsInTheWay(cp *constraints.Compiled, res *solver.Result, kinds map[string]pinKind, cause map[string]string) map[string]string {
	rel := map[string]string{}
	pinned := func(t int) bool { return kinds[cp.Interventions[t].ID] == kindPinned }
	pl := res.Placements
	succs := make([][]int, len(pl))
	for _, pr := range cp.Problem.Precedences {
		succs[pr.From] = append(succs[pr.From], pr.To)
		if !pl[pr.From].Placed || !pl[pr.To].Placed || !pinned(pr.To) {
			continue
		}
		at := pl[pr.From].End + pr.MinLag
		if pr.LagCalendar != nil && pr.MinLag > 0 {
			if _, e, ok := pr.LagCalendar.Advance(pl[pr.From].End, pr.MinLag); ok {
				at = e
			}
		}
		if pl[pr.To].Start < at {
			rel[cp.Interventions[pr.To].ID] = cause[cp.Interventions[pr.From].ID]
		}
	}
	// an unplaced intervention: release its pinned successors, or, when it has none,
	// the pinned appointments of its dwelling
	for t := range pl {
		if pl[t].Placed {
			continue
		}
		c := cause[cp.Interventions[t].ID]
		found := false
		seen := map[int]bool{t: true}
		stack := []int{t}
		for len(stack) > 0 {
			u := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, v := range succs[u] {
				if seen[v] {
					continue
				}
				seen[v] = true
				stack = append(stack, v)
				if pinned(v) {
					rel[cp.Interventions[v].ID] = c
					found = true
				}
			}
		}
		if !found {
			dw := cp.Interventions[t].Dwelling
			for u, iv := range cp.Interventions {
				if iv.Dwelling == dw && pinned(u) {
					rel[iv.ID] = c
				}
			}
		}
	}
	return rel
}

// settle is the problem the new plan answers: announced appointments that kept
// their times stay announced, moved ones are planned again (to be announced anew).
func settle(q *model.Problem, kinds map[string]pinKind, cp *constraints.Compiled, res *solver.Result) *model.Problem {
	out := *q
	out.Interventions = append([]model.Intervention(nil), q.Interventions...)
	loc := cp.Clock.Loc
	stamp := func(m int) string { return cp.Clock.Time(m).In(loc).Format(time.RFC3339) }
	for i := range out.Interventions {
		iv := &out.Interventions[i]
		k := kinds[iv.ID]
		t := cp.TaskOf[iv.ID]
		pl := res.Placements[t]
		switch {
		case k == kindFrozen:
		case k == kindPinned && pl.Placed:
			// kept where it was (the solver does not move a fixed task)
			iv.Status, iv.Pinned = toldStatus(iv), false
			iv.Crew, iv.Pilot = cp.CrewAndPilot(t, pl)
			iv.Start, iv.End = stamp(pl.Start), stamp(pl.End)
		case k == kindAnnounced && pl.Placed && pl.Start == cp.Problem.Tasks[t].AnchorStart:
			iv.Status, iv.Pinned = toldStatus(iv), false
			iv.Crew, iv.Pilot = cp.CrewAndPilot(t, pl)
			iv.Start, iv.End = stamp(pl.Start), stamp(pl.End)
		default:
			iv.Status, iv.Pinned = model.StatusPlanned, false
			iv.Crew, iv.Pilot, iv.Start, iv.End = "", "", "", ""
		}
	}
	return &out
}
