package scheduler

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/rehabplan/rehabplan/constraints"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// SlotOptions set up Slots.
type SlotOptions struct {
	// Count is how many slots to offer; 0 means 5.
	Count int
	// From and To bound the slots' starts: [From, To). Zero From: now; zero To: the
	// operation's end.
	From, To time.Time
	// Now is when the slots are offered (the household on the phone); zero means
	// time.Now(). A slot taken at another now may be refused.
	Now time.Time
}

// Slot is one alternative time for an intervention: where it goes, and what
// taking it costs.
type Slot struct {
	// Start and End (RFC 3339), the crew and the pilot (when it needs one).
	Start string `json:"start"`
	End   string `json:"end"`
	Crew  string `json:"crew,omitempty"`
	Pilot string `json:"pilot,omitempty"`
	// Moved lists the other appointments taking the slot moves, with their new
	// times: only planned successors nobody was told of yet.
	Moved []model.Assignment `json:"moved"`
	// OperationEnd is the operation's last end once the slot is taken; EndDelayDays
	// how many days later it is than in the plan (negative: earlier).
	OperationEnd string `json:"operation_end"`
	EndDelayDays int    `json:"end_delay_days"`
	// Token names the plan version the slot was computed from (PlanToken).
	Token string `json:"token"`
	// Event is the appointment_rescheduled event that takes the slot (its id
	// left for the caller to set).
	Event model.Event `json:"event"`
}

// SlotAnswer is the answer of Slots.
type SlotAnswer struct {
	Intervention string `json:"intervention"`
	// Token names the plan version (PlanToken); Now is the moment of the answer.
	Token string `json:"token"`
	Now   string `json:"now"`
	// Current is the intervention's appointment in the plan (nil when the plan
	// leaves it unplaced).
	Current *model.Assignment `json:"current,omitempty"`
	// Slots, best first: the fewest days added to the operation's end, then the
	// fewest appointments moved, then the soonest. At most one a day.
	Slots []Slot `json:"slots"`
}

// ErrSlotUnavailable is matched by errors.Is on the error of a replan whose
// appointment_rescheduled event takes a slot that no longer fits the plan (the
// HTTP layer answers 409).
var ErrSlotUnavailable = errors.New("scheduler: the slot no longer fits the plan")

// SlotError is a slot an appointment_rescheduled event takes that no longer fits
// the plan: a *model.ValidationError naming the event and the field, which also
// matches ErrSlotUnavailable.
type SlotError struct {
	*model.ValidationError
}

// Unwrap gives the validation error and ErrSlotUnavailable.
func (e *SlotError) Unwrap() []error { return []error{e.ValidationError, ErrSlotUnavailable} }

// PlanToken names a plan version: a hash of its operation and its appointments
// (intervention, start, end, crew, pilot, in the plan's order). Slots are offered
// with the token of the plan they were computed from.
func PlanToken(plan *model.Plan) string {
	h := sha256.New()
	if plan != nil {
		fmt.Fprintf(h, "%s\n", plan.Operation)
		for _, a := range plan.Assignments {
			fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\n", a.Intervention, a.Start, a.End, a.Crew, a.Pilot)
		}
	}
	return "plan-" + hex.EncodeToString(h.Sum(nil))[:16]
}

// SlotFinder answers Slots for one plan version: the problem is compiled and the
// plan laid out once, then each answer scans one intervention's calendar. It is
// safe for concurrent use (answers are made one at a time).
type SlotFinder struct {
	mu    sync.Mutex
	now   time.Time
	q     *model.Problem
	kinds map[string]pinKind
	slots map[string]slot
	cp    *constraints.Compiled
	sb    *slotBoard
	token string
}

// Slots gives the best alternative times of one intervention, with crew and pilot,
// that keep every hard rule while the rest of the plan stays as it is, or with only
// planned successors nobody was told of shifted (see SlotAnswer for the order).
// Each slot says what it costs and carries the appointment_rescheduled event that
// takes it: replanned against the same plan at the same now, it is accepted.
//
// An unknown intervention, or one that cannot move (done, under way, pinned by
// the user), is a *model.ValidationError of the "request" document naming the
// field. A finder (NewSlotFinder) answers many questions about one plan faster.
func Slots(p *model.Problem, plan *model.Plan, intervention string, o SlotOptions) (*SlotAnswer, error) {
	f, err := NewSlotFinder(p, plan, o.Now)
	if err != nil {
		return nil, err
	}
	return f.Slots(intervention, o)
}

// NewSlotFinder prepares the answers of Slots about plan at now (zero: time.Now()).
func NewSlotFinder(p *model.Problem, plan *model.Plan, now time.Time) (*SlotFinder, error) {
	p, err := model.WithPlannedStays(p, plan)
	if err != nil {
		return nil, err
	}
	if now.IsZero() {
		now = time.Now()
	}
	// the problem is validated beside the preparation (as Replan does): when it
	// is invalid, the validation's errors are the answer
	valC := make(chan error, 1)
	go func() { valC <- model.Validate(p) }()
	valid := sync.OnceValue(func() error { return <-valC })
	invalid := func(err error) error {
		if verr := valid(); verr != nil {
			return verr
		}
		return err
	}
	tv := p.Typed()
	loc, err := tv.Loc, tv.LocErr
	if err != nil {
		return nil, invalid(fmt.Errorf("operation.time_zone: %w", err))
	}
	if err := checkNow(p, now); err != nil {
		return nil, invalid(err)
	}
	slots, err := planSlots(p, plan, loc)
	if err != nil {
		return nil, invalid(err)
	}
	q, ap, err := applyEvents(p, slots, nil, now, loc)
	if err != nil {
		return nil, invalid(err)
	}
	q.Operation.Now = now.In(loc).Format(time.RFC3339)
	kinds := classify(q, model.NewIndex(q), ap, slots, now, loc)
	cp, err := compileValid(problemFor(q, kinds, slots), valid)
	if err != nil {
		return nil, err
	}
	if err := valid(); err != nil {
		return nil, err
	}
	frozen := make([]bool, len(cp.Problem.Tasks))
	for t := range cp.Problem.Tasks {
		frozen[t] = cp.Problem.Tasks[t].Fixed
	}
	applyPins(cp, frozen, kinds, slots)
	sb, err := newSlotBoard(cp, kinds, slots)
	if err != nil {
		return nil, err
	}
	return &SlotFinder{now: now, q: q, kinds: kinds, slots: slots, cp: cp, sb: sb, token: PlanToken(plan)}, nil
}

// Token is the token of the finder's plan.
func (f *SlotFinder) Token() string { return f.token }

// requestError is a *model.ValidationError of the "request" document.
func requestError(field, entity, id, format string, args ...any) error {
	return &model.ValidationError{Document: "request", Errors: []*model.FieldError{{Field: field, Entity: entity, ID: id, Msg: fmt.Sprintf(format, args...)}}}
}

// Slots answers Slots for the finder's plan; o.Now is ignored (the finder's is used).
func (f *SlotFinder) Slots(id string, o SlotOptions) (*SlotAnswer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cp, sb := f.cp, f.sb
	clk := cp.Clock
	t, ok := cp.TaskOf[id]
	if !ok {
		return nil, requestError("intervention", "intervention", id, "unknown intervention %q", id)
	}
	iv := cp.Interventions[t]
	switch {
	case o.Count < 0:
		return nil, requestError("count", "", "", "%d: want a whole number of at least 1 (0: 5)", o.Count)
	case !o.To.IsZero() && !o.From.IsZero() && !o.To.After(o.From):
		return nil, requestError("to", "", "", "%s is not after from %s", o.To.Format(time.RFC3339), o.From.Format(time.RFC3339))
	case f.kinds[id] == kindFrozen:
		what := iv.StatusOf()
		if iv.Pinned {
			what = "pinned"
			if sl, ok := f.slots[id]; ok && sl.start.Before(f.now) {
				what = "under way"
			}
		}
		return nil, requestError("intervention", "intervention", id, "%q is %s: it cannot move", id, what)
	}
	count := o.Count
	if count == 0 {
		count = 5
	}
	from, to := 0, cp.Problem.Horizon
	if !o.From.IsZero() {
		from = max(0, clk.Minute(o.From))
	}
	if !o.To.IsZero() {
		to = min(to, clk.Minute(o.To))
	}
	ans := &SlotAnswer{Intervention: id, Token: f.token, Now: f.now.In(clk.Loc).Format(time.RFC3339), Slots: []Slot{}}
	if sl, ok := f.slots[id]; ok && sb.oldMode[t] >= 0 {
		ans.Current = &model.Assignment{Intervention: id, Start: sl.start.In(clk.Loc).Format(time.RFC3339), End: sl.end.In(clk.Loc).Format(time.RFC3339), Crew: sl.crew, Pilot: sl.pilot}
	}
	if p := sb.unplacedPredecessor(t); p >= 0 {
		return nil, requestError("intervention", "intervention", id, "%q follows %s, which has no appointment in the plan: replan first", id, cp.Interventions[p].ID)
	}
	wasOn := sb.b.Placement(t).Placed
	d := sb.lift(t)
	cands := sb.scan(t, d, from, to, count)
	sb.restore(t, d, wasOn)
	stamp := func(m int) string { return clk.Time(m).In(clk.Loc).Format(time.RFC3339) }
	for _, c := range cands[:min(count, len(cands))] {
		crew, pilot := cp.CrewAndPilot(t, solver.Placement{Placed: true, Choice: sb.b.Modes(t)[c.m]})
		sl := Slot{Start: stamp(c.s), End: stamp(c.e), Crew: crew, Pilot: pilot, Moved: []model.Assignment{},
			OperationEnd: stamp(c.end), EndDelayDays: c.delay, Token: f.token}
		for k, u := range c.moved {
			pl := c.places[k]
			mc, mp := cp.CrewAndPilot(u, pl)
			sl.Moved = append(sl.Moved, model.Assignment{Intervention: cp.Interventions[u].ID, Start: stamp(pl.Start), End: stamp(pl.End), Crew: mc, Pilot: mp})
		}
		sl.Event = model.Event{Type: model.EventAppointmentRescheduled, Intervention: id, Start: sl.Start, Crew: crew, Pilot: pilot, Plan: f.token}
		ans.Slots = append(ans.Slots, sl)
	}
	return ans, nil
}

// slotCand is a slot found by scan: t's mode and times, the operation's end with
// it and the days that adds, and the lifted successors it moves with their new
// placements.
type slotCand struct {
	m, s, e, end int
	delay        int
	moved        []int
	places       []solver.Placement
}

// better orders slots: the fewest days added to the operation's end, then the
// fewest appointments moved, then the soonest.
func (a *slotCand) better(b *slotCand) bool {
	if a.delay != b.delay {
		return a.delay < b.delay
	}
	if len(a.moved) != len(b.moved) {
		return len(a.moved) < len(b.moved)
	}
	return a.s < b.s
}

// scan finds t's slots starting in [from, to), t and its lifted successors d off
// the board: at most one a day, best first (better).
//
// Day by day, soonest first: each mode's next fit is kept until its day comes; on
// a day, the modes are tried by earliest end (the plan's crew and pilot first on a
// tie) until one takes the successors along. Once count days hold a slot that
// moves nothing and ends the operation as early as anything can, no later day can
// beat them and the scan stops.
//
// One function over 60 lines: the walk keeps each mode's next fit and the count of
// unbeatable days across days; split, they would travel together as a struct
// used once.
func (sb *slotBoard) scan(t int, d []int, from, to, count int) []*slotCand {
	oldEnd, baseEnd := sb.ends(t, d)
	best := map[int]*slotCand{} // by day
	type next struct{ s, e int }
	nexts := make([]next, len(sb.b.Modes(t)))
	for m := range nexts {
		nexts[m] = next{s: -1} // -1: to find; -2: fits nowhere any more
	}
	floorDelay := sb.dayDelay(baseEnd, oldEnd)
	perfect := 0
	for est := from; est < to && perfect < count; {
		day := -1
		for m := range nexts {
			if nexts[m].s >= 0 && nexts[m].s < est {
				nexts[m].s = -1
			}
			if nexts[m].s == -1 {
				s, e, why := sb.b.Fit(t, m, est)
				if why != solver.ReasonNone || s >= to {
					nexts[m] = next{s: -2}
					continue
				}
				nexts[m] = next{s, e}
			}
			if nexts[m].s >= 0 && (day < 0 || sb.dayOf(nexts[m].s) < day) {
				day = sb.dayOf(nexts[m].s)
			}
		}
		if day < 0 {
			break
		}
		var today []int
		for m := range nexts {
			if nexts[m].s >= 0 && sb.dayOf(nexts[m].s) == day {
				today = append(today, m)
			}
		}
		sort.Slice(today, func(i, j int) bool {
			a, b := nexts[today[i]], nexts[today[j]]
			if a.e != b.e {
				return a.e < b.e
			}
			return today[i] == sb.oldMode[t] && today[j] != sb.oldMode[t]
		})
		for _, m := range today {
			n := nexts[m]
			if m == sb.oldMode[t] && n.s == sb.old[t].Start {
				continue // where it is now
			}
			moved, stuck := sb.try(t, m, n.s, n.e, d)
			if stuck < 0 {
				c := &slotCand{m: m, s: n.s, e: n.e, end: max(baseEnd, n.e), moved: moved}
				for _, u := range moved {
					c.places = append(c.places, sb.b.Placement(u))
				}
				for _, u := range d {
					c.end = max(c.end, sb.b.Placement(u).End)
				}
				c.delay = sb.dayDelay(c.end, oldEnd)
				best[day] = c
				if len(moved) == 0 && c.delay <= floorDelay {
					perfect++
				}
			}
			sb.clear(t, d)
			if stuck < 0 {
				break
			}
		}
		est = sb.dayStartAfter(day)
	}
	cands := make([]*slotCand, 0, len(best))
	for _, c := range best {
		cands = append(cands, c)
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].better(cands[j]) })
	return cands
}

// slotBoard is a plan laid out on a solver board: every appointment where the
// plan has it, but those a replan plans anew. Slots and Replan share it, so that a
// slot offered is a slot accepted.
type slotBoard struct {
	cp *constraints.Compiled
	b  *solver.Board
	// movable: a planned appointment nobody was told of, on the board at its old
	// time: it may shift after an intervention it follows
	movable []bool
	// oldMode and old: each task's mode and times in the plan (-1: not on the board)
	oldMode []int
	old     []solver.Placement
	rank    []int
}

// newSlotBoard lays the plan out: fixed tasks (done, under way, pinned) where
// cp fixes them, announced and planned appointments where the plan has them.
func newSlotBoard(cp *constraints.Compiled, kinds map[string]pinKind, slots map[string]slot) (*slotBoard, error) {
	b, err := solver.NewBoard(cp.Problem)
	if err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	n := len(cp.Problem.Tasks)
	sb := &slotBoard{cp: cp, b: b, movable: make([]bool, n), oldMode: make([]int, n), old: make([]solver.Placement, n),
		rank: make([]int, n)}
	for k, t := range b.Topo() {
		sb.rank[t] = k
	}
	for t, iv := range cp.Interventions {
		sb.oldMode[t] = -1
		if cp.Problem.Tasks[t].Fixed {
			sb.oldMode[t], sb.old[t] = b.Mode(t), b.Placement(t)
			continue
		}
		sl, ok := slots[iv.ID]
		k := kinds[iv.ID]
		if !ok || k != kindAnnounced && k != kindPlanned {
			continue
		}
		m := sb.modeFor(t, sl.crew, sl.pilot)
		if m < 0 {
			continue
		}
		s, e := cp.Clock.Minute(sl.start), cp.Clock.Minute(sl.end)
		if err := b.Put(t, m, s, e); err != nil {
			return nil, fmt.Errorf("scheduler: %w", err)
		}
		sb.oldMode[t], sb.old[t] = m, b.Placement(t)
		sb.movable[t] = k == kindPlanned
	}
	return sb, nil
}

// modeFor is t's mode with the crew and pilot, -1 when they cannot take it.
func (sb *slotBoard) modeFor(t int, crew, pilot string) int {
	ch := sb.cp.ChoiceFor(t, crew, pilot)
	if ch == nil {
		return -1
	}
	return sb.b.ModeOf(t, ch)
}

// lift takes t off the board with the planned successors (direct or not, through
// planned ones) that may shift after it: they are returned, predecessors first.
func (sb *slotBoard) lift(t int) []int {
	sb.b.Remove(t)
	var d []int
	seen := map[int]bool{t: true}
	stack := []int{t}
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, v := range sb.b.Successors(u) {
			if seen[v] || !sb.movable[v] || !sb.b.Placement(v).Placed {
				continue
			}
			seen[v] = true
			sb.b.Remove(v)
			d = append(d, v)
			stack = append(stack, v)
		}
	}
	sort.Slice(d, func(i, j int) bool { return sb.rank[d[i]] < sb.rank[d[j]] })
	return d
}

// try puts t in mode m at [s, e), then the lifted successors d: each where the plan
// had it when it still fits there (and its lifted predecessors did not move), else
// at its earliest. It returns those that moved, or the one that fits nowhere.
// The board keeps the arrangement; clear undoes it.
func (sb *slotBoard) try(t, m, s, e int, d []int) (moved []int, stuck int) {
	b := sb.b
	if err := b.Put(t, m, s, e); err != nil {
		return nil, t
	}
	var later []int
	deferred := map[int]bool{}
	inD := make(map[int]bool, len(d))
	for _, u := range d {
		inD[u] = true
	}
	for _, u := range d {
		if !sb.anyDeferred(u, deferred) && sb.b.PredecessorsPlaced(u) && sb.putOld(u) {
			continue
		}
		deferred[u] = true
		later = append(later, u)
	}
	for _, u := range later {
		if !sb.b.PredecessorsPlaced(u) {
			return nil, u
		}
		if !sb.putOld(u) && !sb.putEarliest(u, inD) {
			return nil, u
		}
	}
	// a backjump may have moved one placed before: compare each with the plan
	for _, u := range d {
		if pl := sb.b.Placement(u); sb.b.Mode(u) != sb.oldMode[u] || pl.Start != sb.old[u].Start || pl.End != sb.old[u].End {
			moved = append(moved, u)
		}
	}
	return moved, -1
}

func (sb *slotBoard) anyDeferred(u int, deferred map[int]bool) bool {
	for _, p := range sb.b.Predecessors(u) {
		if deferred[p] {
			return true
		}
	}
	return false
}

// putOld puts u where the plan had it, when it fits there.
func (sb *slotBoard) putOld(u int) bool {
	m := sb.oldMode[u]
	if m < 0 {
		return false
	}
	e, ok := sb.b.FitAt(u, m, sb.old[u].Start)
	if !ok || e != sb.old[u].End {
		return false
	}
	return sb.b.Put(u, m, sb.old[u].Start, e) == nil
}

// putEarliest puts u at its earliest end over its modes (its old mode on a tie),
// moving later the lifted successors it follows when only their maximum lags
// stand in the way (never the intervention being moved itself: lifted holds the
// others).
func (sb *slotBoard) putEarliest(u int, lifted map[int]bool) bool {
	ok, _ := sb.b.PlaceEarliest(u, 0, sb.oldMode[u], func(p int) bool { return lifted[p] })
	return ok
}

// clear takes t and d off the board.
func (sb *slotBoard) clear(t int, d []int) {
	sb.b.Remove(t)
	for _, u := range d {
		sb.b.Remove(u)
	}
}

// restore puts t (when it was on the board) and d back where the plan has them.
func (sb *slotBoard) restore(t int, d []int, tOn bool) {
	sb.clear(t, d)
	if tOn {
		_ = sb.b.Put(t, sb.oldMode[t], sb.old[t].Start, sb.old[t].End)
	}
	for _, u := range d {
		_ = sb.b.Put(u, sb.oldMode[u], sb.old[u].Start, sb.old[u].End)
	}
}

// ends are the plan's last end (with t and d where the plan had them) and the
// last end of what stays on the board.
func (sb *slotBoard) ends(t int, d []int) (old, base int) {
	for u := range sb.old {
		if pl := sb.b.Placement(u); pl.Placed {
			base = max(base, pl.End)
		}
	}
	old = base
	if sb.oldMode[t] >= 0 {
		old = max(old, sb.old[t].End)
	}
	for _, u := range d {
		old = max(old, sb.old[u].End)
	}
	return old, base
}

// dayOf is the index of the day holding minute m.
func (sb *slotBoard) dayOf(m int) int {
	ds := sb.cp.Problem.DayStarts
	return sort.Search(len(ds), func(i int) bool { return ds[i] > m }) - 1
}

// dayStartAfter is the start of the day after day d.
func (sb *slotBoard) dayStartAfter(d int) int {
	ds := sb.cp.Problem.DayStarts
	if i := d + 1; i < len(ds) && i >= 0 {
		return ds[i]
	}
	return solver.MaxTime
}

// dayDelay is how many local days the end e is after the end old.
func (sb *slotBoard) dayDelay(e, old int) int {
	clk := sb.cp.Clock
	a, b := clk.Time(old).In(clk.Loc), clk.Time(e).In(clk.Loc)
	da := time.Date(a.Year(), a.Month(), a.Day(), 12, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 12, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

// placeRescheduled fixes each appointment an appointment_rescheduled event moves
// at the slot the event takes, in the order of the events, when the slot still
// fits the old plan (laid out as Slots lays it out): cp's task is fixed there,
// frozen and kinds say so, q's intervention is confirmed and pinned at the slot,
// and cause names the event for it and the successors it shifts. It returns the
// board holding the arrangement (every other appointment where the plan had it),
// or a *SlotError naming the event and why its slot no longer fits.
func placeRescheduled(cp *constraints.Compiled, q *model.Problem, old *model.Plan, kinds map[string]pinKind, slots map[string]slot, ap *applied, frozen []bool, cause map[string]string) (*slotBoard, error) {
	applyPins(cp, frozen, kinds, slots)
	sb, err := newSlotBoard(cp, kinds, slots)
	if err != nil {
		return nil, err
	}
	rs := make([]string, 0, len(ap.rescheduled))
	for id := range ap.rescheduled {
		rs = append(rs, id)
	}
	sort.Slice(rs, func(i, j int) bool { return ap.rescheduled[rs[i]].index < ap.rescheduled[rs[j]].index })
	token := PlanToken(old)
	at := map[string]int{}
	for i := range q.Interventions {
		at[q.Interventions[i].ID] = i
	}
	clk := cp.Clock
	stamp := func(m int) string { return clk.Time(m).In(clk.Loc).Format(time.RFC3339) }
	for _, id := range rs {
		r := ap.rescheduled[id]
		t := cp.TaskOf[id]
		d := sb.lift(t)
		start := clk.Minute(r.start)
		var why string
		placed := -1
		modes := sb.rescheduleModes(t, r, slots[id])
		if p := sb.unplacedPredecessor(t); p >= 0 {
			why, modes = fmt.Sprintf("%s follows %s, which has no appointment in the plan", id, cp.Interventions[p].ID), nil
		} else if len(modes) == 0 {
			why = sb.noMode(t, r)
		}
		for _, m := range modes {
			e, ok := sb.b.FitAt(t, m, start)
			if !ok {
				if why == "" {
					why = sb.misfit(t, m, start)
				}
				continue
			}
			moved, stuck := sb.try(t, m, start, e, d)
			if stuck < 0 {
				placed = m
				for _, u := range moved {
					cause[cp.Interventions[u].ID] = r.event
				}
				break
			}
			if why == "" {
				why = fmt.Sprintf("%s, which follows it, would fit nowhere after it", cp.Interventions[stuck].ID)
			}
			sb.clear(t, d)
		}
		if placed < 0 {
			msg := "the slot no longer fits the plan: " + why
			if r.token != "" && r.token != token {
				msg += fmt.Sprintf(" (offered from plan %s; the plan is now %s)", r.token, token)
			}
			return nil, &SlotError{&model.ValidationError{Document: "events", Errors: []*model.FieldError{{Field: fmt.Sprintf("events[%d].start", r.index), Entity: "event", ID: r.event, Msg: msg}}}}
		}
		pl := sb.b.Placement(t)
		task := &cp.Problem.Tasks[t]
		task.Fixed, task.Anchored = true, false
		task.Start, task.End, task.Choice = pl.Start, pl.End, pl.Choice
		frozen[t] = true
		kinds[id] = kindFrozen
		cause[id] = r.event
		iv := &q.Interventions[at[id]]
		iv.Crew, iv.Pilot = cp.CrewAndPilot(t, pl)
		iv.Start, iv.End = stamp(pl.Start), stamp(pl.End)
		iv.Status, iv.Pinned = model.StatusConfirmed, true
		// the board's arrangement is the plan the next event's slot must fit
		sb.movable[t] = false
		sb.oldMode[t], sb.old[t] = sb.b.Mode(t), pl
		for _, u := range d {
			sb.oldMode[u], sb.old[u] = sb.b.Mode(u), sb.b.Placement(u)
		}
	}
	return sb, nil
}

// unplacedPredecessor is a task t follows that is not on the board, -1 when
// there is none.
func (sb *slotBoard) unplacedPredecessor(t int) int {
	for _, p := range sb.b.Predecessors(t) {
		if !sb.b.Placement(p).Placed {
			return p
		}
	}
	return -1
}

// rescheduleModes are t's modes with the event's crew and pilot (the old ones
// first when the event leaves them out).
func (sb *slotBoard) rescheduleModes(t int, r *reschedule, old slot) []int {
	cp := sb.cp
	var out, rest []int
	for m, ch := range sb.b.Modes(t) {
		crew, pilot := cp.CrewAndPilot(t, solver.Placement{Placed: true, Choice: ch})
		if r.crew != "" && crew != r.crew || r.pilot != "" && pilot != r.pilot {
			continue
		}
		if (r.crew != "" || crew == old.crew) && (r.pilot != "" || pilot == old.pilot) {
			out = append(out, m)
		} else {
			rest = append(rest, m)
		}
	}
	return append(out, rest...)
}

// noMode says why no mode of t has the event's crew and pilot.
func (sb *slotBoard) noMode(t int, r *reschedule) string {
	iv := sb.cp.Interventions[t]
	var who []string
	if r.crew != "" {
		who = append(who, fmt.Sprintf("crew %q", r.crew))
	}
	if r.pilot != "" {
		who = append(who, fmt.Sprintf("pilot %q", r.pilot))
	}
	return fmt.Sprintf("%s cannot take %s (trade %s)", strings.Join(who, " with "), iv.ID, iv.Trade)
}

// misfit says why t does not fit in mode m at start.
func (sb *slotBoard) misfit(t, m, start int) string {
	cp := sb.cp
	clk := cp.Clock
	crew, pilot := cp.CrewAndPilot(t, solver.Placement{Placed: true, Choice: sb.b.Modes(t)[m]})
	who := "crew " + crew
	if pilot != "" {
		who += " and pilot " + pilot
	}
	at := clk.Time(start).In(clk.Loc).Format("2006-01-02 15:04")
	s, _, why := sb.b.Fit(t, m, start)
	if why != solver.ReasonNone {
		return fmt.Sprintf("with %s, %s fits nowhere from %s on (%s)", who, cp.Interventions[t].ID, at, why)
	}
	return fmt.Sprintf("with %s, %s no longer fits at %s (the time is taken, outside the working hours, or too soon after what it follows); the first time it fits from then on is %s",
		who, cp.Interventions[t].ID, at, clk.Time(s).In(clk.Loc).Format("2006-01-02 15:04"))
}
