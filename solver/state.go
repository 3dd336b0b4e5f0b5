package solver

import "time"

// Reason says why a task could not be placed.
type Reason int

// Reasons, from the most to the least specific.
const (
	ReasonNone        Reason = iota
	ReasonPredecessor        // a predecessor is not placed
	ReasonNoWindow           // the task's calendar (with its resources') has no room left
	ReasonDeadline           // every possible placement ends after the deadline or horizon
	ReasonResources          // the resources are busy up to the deadline
	ReasonMaxLag             // a maximum lag could not be met
	ReasonSpan               // a span limit could not be met
	ReasonDayLimit           // a day limit could not be met
	ReasonTimeout            // the search stopped before the task was considered
	ReasonOrder              // a later chain of its same-order rule already holds a resource
)

var reasonNames = [...]string{"none", "predecessor not placed", "no window in the calendar",
	"deadline", "resources busy", "maximum lag", "span limit", "day limit", "stopped", "same order"}

func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "unknown"
}

// Placement is where one task stands.
type Placement struct {
	Placed bool
	Start  int
	End    int
	// Choice holds the resource chosen for each demand.
	Choice []int
	// Reason and Blocker (the predecessor or resource in the way, -1 if none)
	// when not placed.
	Reason  Reason
	Blocker int
}

// state is a partial schedule with its resource timelines and counters.
type state struct {
	c     *compiled
	pl    []Placement
	mode  []int
	tl    []*timeline
	count []map[int]int // per day limit: tasks touching each day
	// endCap, when below MaxTime, bounds the end of the next placements on top of
	// the tasks' deadlines (repairs set it from placed successors).
	endCap int
	// hints: anchors without cost are followed (a construction from the old schedule)
	hints bool
	// chainPos: per same-order rule, the position of each chain in the order being
	// decoded; front: per rule and resource, the latest end and the latest chain
	// position of the rule's tasks placed on it.
	chainPos [][]int
	front    [][]front
	// frontStale: a task of a rule was unplaced since the fronts were computed
	frontStale bool
	// heldOn marks the resources of the hold neighbourhood (holdResources);
	// heldSum, for them, the working time the placed tasks hold beyond their
	// work (heldBeyond), kept as tasks are placed and unplaced (lns.waste)
	heldOn  []bool
	heldSum []int
	// starts, ends: the placed tasks filed by start and by end, for the
	// large-neighbourhood search (lnsindex.go; nil: not kept)
	starts, ends *timeIndex
	// tally keeps the score; check (Settings.Check) compares it with a full
	// recomputation, and drift records the first difference
	tally *tally
	check bool
	drift error
	// fewDays: constructions place group tasks by fewest days (fewestDays);
	// daysSeen is its scratch
	fewDays bool
	// release, when set, is the earliest start of each task (the paced
	// construction, pace.go)
	release  []int
	daysSeen map[int]bool
	// noBottleneck leaves out the paced construction's line-of-balance step
	// (paceToBottleneck); the tests set it to compare with and without
	noBottleneck bool
	// holdFirst, when not negative, is a resource whose tasks the constructions
	// place by least hold (leastHold; the bottleneck-first construction)
	holdFirst int
	// daysAhead, when positive, is how many later days' first starts
	// fewestDays tries (daysSearchDays otherwise): the days neighbourhood of the
	// large-neighbourhood search looks a week on
	daysAhead int
	// timed: fewDaysTime adds up the wall time of the fewest-days placements
	// (Settings.Timings)
	timed       bool
	fewDaysTime time.Duration
}

type front struct{ end, pos int }

func newState(c *compiled) *state {
	st := &state{c: c, pl: make([]Placement, len(c.p.Tasks)), mode: make([]int, len(c.p.Tasks)),
		tl: make([]*timeline, len(c.p.Resources)), count: make([]map[int]int, len(c.p.DayLimits)), endCap: MaxTime,
		daysSeen: map[int]bool{}, holdFirst: -1}
	for i, r := range c.p.Resources {
		st.tl[i] = newTimeline(r.Capacity, r.Calendar)
	}
	for i := range st.count {
		st.count[i] = map[int]int{}
	}
	for i := range st.pl {
		st.pl[i].Blocker = -1
		st.mode[i] = -1
	}
	if n := len(c.p.SameOrders); n > 0 {
		st.chainPos = make([][]int, n)
		st.front = make([][]front, n)
		for g, so := range c.p.SameOrders {
			st.chainPos[g] = make([]int, len(so.Chains))
			for k := range st.chainPos[g] {
				st.chainPos[g][k] = k
			}
			st.front[g] = make([]front, len(c.p.Resources))
		}
		st.resetFront()
	}
	if rs := c.holdResources(); len(rs) > 0 {
		st.heldOn, st.heldSum = make([]bool, len(c.p.Resources)), make([]int, len(c.p.Resources))
		for _, r := range rs {
			st.heldOn[r] = true
		}
	}
	st.tally = newTally(st)
	return st
}

// addHeld adds sign times what task t, placed in mode m over [s, e), holds
// beyond its work to heldSum.
func (st *state) addHeld(t, m, s, e, sign int) {
	for _, u := range st.c.modes[t][m].use {
		if st.heldOn[u.r] {
			st.heldSum[u.r] += sign * st.c.heldBeyond(u.r, t, m, s, e)
		}
	}
}

func (st *state) resetFront() {
	for _, fr := range st.front {
		for r := range fr {
			fr[r] = front{MinTime, -1}
		}
	}
	st.frontStale = false
}

// refreshFront recomputes the fronts from the placed tasks of the rules.
func (st *state) refreshFront() {
	st.resetFront()
	for t, g := range st.c.orderOf {
		if g >= 0 && st.pl[t].Placed {
			st.advanceFront(t, st.mode[t], st.pl[t].End)
		}
	}
}

func (st *state) advanceFront(t, m, e int) {
	g := st.c.orderOf[t]
	pos := st.chainPos[g][st.c.chainOf[t]]
	for _, u := range st.c.modes[t][m].use {
		f := &st.front[g][u.r]
		f.end = max(f.end, e)
		f.pos = max(f.pos, pos)
	}
}

func (st *state) reset() {
	for _, tl := range st.tl {
		tl.reset()
	}
	for i := range st.count {
		clear(st.count[i])
	}
	for i := range st.pl {
		st.pl[i] = Placement{Blocker: -1}
		st.mode[i] = -1
	}
	st.resetFront()
	clear(st.heldSum)
	st.starts, st.ends = nil, nil
	st.tally.reset()
}

// stretches are the worked stretches of task t in mode m over [s, e).
func (st *state) stretches(t, m, s, e int) []Window {
	if st.c.p.Tasks[t].Contiguous || s == e {
		return []Window{{s, e}}
	}
	return st.c.modes[t][m].cal.Segments(s, e)
}

// touchedDaysOf is touchedDays(stretches(t, m, s, e), f) without making the
// list of stretches.
func (st *state) touchedDaysOf(t, m, s, e int, f func(day int)) {
	if st.c.p.Tasks[t].Contiguous || s == e {
		if e > s {
			for d := st.c.dayOf(s); d <= st.c.dayOf(e-1); d++ {
				f(d)
			}
		}
		return
	}
	last := -2
	st.c.modes[t][m].cal.eachSegment(s, e, func(w Window) bool {
		for d := max(st.c.dayOf(w.Start), last+1); d <= st.c.dayOf(w.End-1); d++ {
			f(d)
			last = d
		}
		return true
	})
}

// eachStretch calls f with each of stretches(t, m, s, e) in order, without
// making the list, until f returns false.
func (st *state) eachStretch(t, m, s, e int, f func(Window) bool) {
	if st.c.p.Tasks[t].Contiguous || s == e {
		f(Window{s, e})
		return
	}
	st.c.modes[t][m].cal.eachSegment(s, e, f)
}

// touchedDays calls f for each day index touched by the stretches.
func (st *state) touchedDays(ws []Window, f func(day int)) {
	last := -2
	for _, w := range ws {
		if w.End <= w.Start {
			continue
		}
		for d := max(st.c.dayOf(w.Start), last+1); d <= st.c.dayOf(w.End-1); d++ {
			f(d)
			last = d
		}
	}
}

func (st *state) place(t, m, s, e int) {
	md := st.c.modes[t][m]
	for _, u := range md.use {
		if u.present {
			for _, w := range st.stretches(t, m, s, e) {
				st.tl[u.r].add(w.Start, w.End, u.amt, t)
			}
			continue
		}
		st.tl[u.r].add(s, e, u.amt, t)
	}
	if lims := st.c.limitsOf[t]; len(lims) > 0 {
		st.touchedDays(st.stretches(t, m, s, e), func(day int) {
			for _, l := range lims {
				st.count[l][day]++
			}
		})
	}
	st.pl[t] = Placement{Placed: true, Start: s, End: e, Choice: md.choice, Blocker: -1}
	st.mode[t] = m
	if st.heldOn != nil {
		st.addHeld(t, m, s, e, 1)
	}
	if st.starts != nil {
		st.starts.add(t, s)
		st.ends.add(t, e)
	}
	st.tally.placed(t, m, s, e)
	if st.c.orderOf[t] >= 0 {
		if st.frontStale {
			st.refreshFront()
		}
		st.advanceFront(t, m, e)
	}
}

func (st *state) unplace(t int) {
	p := st.pl[t]
	if !p.Placed {
		st.pl[t] = Placement{Blocker: -1}
		return
	}
	m := st.mode[t]
	for _, u := range st.c.modes[t][m].use {
		if u.present {
			for _, w := range st.stretches(t, m, p.Start, p.End) {
				st.tl[u.r].remove(w.Start, w.End, u.amt, t)
			}
			continue
		}
		st.tl[u.r].remove(p.Start, p.End, u.amt, t)
	}
	st.tally.unplaced1(t, m, p.Start, p.End)
	if st.heldOn != nil {
		st.addHeld(t, m, p.Start, p.End, -1)
	}
	if st.starts != nil {
		st.starts.remove(t)
		st.ends.remove(t)
	}
	if lims := st.c.limitsOf[t]; len(lims) > 0 {
		st.touchedDays(st.stretches(t, m, p.Start, p.End), func(day int) {
			for _, l := range lims {
				st.count[l][day]--
			}
		})
	}
	st.pl[t] = Placement{Blocker: -1}
	st.mode[t] = -1
	if st.c.orderOf[t] >= 0 {
		st.frontStale = true
	}
}

// dayLimitsOK checks the day limits of task t for the given stretches; if they fail,
// next is the start of the next day (or week) worth trying.
func (st *state) dayLimitsOK(t int, ws []Window) (bool, int) {
	lims := st.c.limitsOf[t]
	if len(lims) == 0 {
		return true, 0
	}
	var days []int
	st.touchedDays(ws, func(day int) { days = append(days, day) })
	for _, l := range lims {
		lim := &st.c.p.DayLimits[l]
		for i, day := range days {
			if lim.MaxPerDay > 0 && st.count[l][day]+1 > lim.MaxPerDay {
				return false, st.dayStart(day + 1)
			}
			if lim.MaxDaysPerWeek == 0 || st.count[l][day] > 0 {
				continue
			}
			// new days of this week among the task's days, up to this one
			w := st.c.dayWeek[day]
			added := 0
			for _, d := range days[:i+1] {
				if st.c.dayWeek[d] == w && st.count[l][d] == 0 {
					added++
				}
			}
			if st.daysInWeek(l, day)+added > lim.MaxDaysPerWeek {
				if added == 1 {
					// the week is full before this task: try the next week
					next := day + 1
					for next < len(st.c.dayWeek) && st.c.dayWeek[next] == w {
						next++
					}
					return false, st.dayStart(next)
				}
				return false, st.dayStart(days[0] + 1)
			}
		}
	}
	return true, 0
}

func (st *state) dayStart(d int) int {
	if d >= len(st.c.p.DayStarts) {
		return MaxTime
	}
	return st.c.p.DayStarts[d]
}

// daysInWeek counts the days of day's week that limit l's tasks touch.
func (st *state) daysInWeek(l, day int) int {
	w := st.c.dayWeek[day]
	lo := day
	for lo > 0 && st.c.dayWeek[lo-1] == w {
		lo--
	}
	n := 0
	for d := lo; d < len(st.c.dayWeek) && st.c.dayWeek[d] == w; d++ {
		if st.count[l][d] > 0 {
			n++
		}
	}
	return n
}

// earliest finds the earliest placement of task t in mode m starting at or after
// est, against the current timelines and counters. With a grid (Problem.Grid), a
// start off the grid gives way to the earliest start on it that the calendars and
// resources allow on the same day (within Grid*96 units without days); only when
// none does is the start off the grid kept (a calendar forbids it).
func (st *state) earliest(t, m, est int) (s, e int, why Reason, blocker int) {
	s, e, why, blocker = st.earliestRaw(t, m, est, 0, 0)
	return st.gridRetry(t, m, s, e, why, blocker)
}

// earliestBy is earliest for a caller that drops a placement ending after by
// (bestMode, once a mode ends by then): the walk stops as soon as its end passes
// by, and a walk that finds nothing reports ReasonDeadline (not the small steps'
// reason). A placement ending by then is earliest's.
func (st *state) earliestBy(t, m, est, by int) (s, e int, why Reason, blocker int) {
	if by == MaxTime {
		return st.earliest(t, m, est)
	}
	keep := st.endCap
	st.endCap = min(keep, by)
	s, e, why, blocker = st.walk(t, m, est, 0, 0, !st.c.modes[t][m].present)
	st.endCap = keep
	if why != ReasonNone {
		return 0, 0, ReasonDeadline, -1
	}
	// the grid's search is earliest's, without the cap: a start on the grid
	// ending after by leaves the one off it (which ends by then) standing
	return st.gridRetry(t, m, s, e, why, blocker)
}

// gridRetry is earliest's second search, on the grid, from the placement the first
// found.
func (st *state) gridRetry(t, m, s, e int, why Reason, blocker int) (int, int, Reason, int) {
	g := st.c.p.Grid
	if g <= 0 || why != ReasonNone || onGrid(s, g) {
		return s, e, why, blocker
	}
	limit := s + 96*g
	if len(st.c.p.DayStarts) > 1 {
		limit = st.dayStart(st.c.dayOf(s) + 1)
	}
	// (a search that finds none keeps the first's placement: its reason is not
	// read, so the larger steps do)
	if gs, ge, w, _ := st.walk(t, m, ceilGrid(s, g), g, limit, !st.c.modes[t][m].present); w == ReasonNone {
		return gs, ge, ReasonNone, -1
	}
	return s, e, why, blocker
}

// onGrid reports whether t is a multiple of g.
func onGrid(t, g int) bool { return (t%g+g)%g == 0 }

// ceilGrid is the first multiple of g at or after t.
func ceilGrid(t, g int) int {
	r := (t%g + g) % g
	if r == 0 {
		return t
	}
	return t + g - r
}

// earliestRaw is earliest without a grid (grid 0), or, with grid > 0, the earliest
// placement whose start is a multiple of grid and before limit (ReasonNoWindow
// when there is none).
//
// A mode that holds all its resources over its whole placement walks with the
// larger steps of conflictGaps: every step either way passes over starts that
// cannot be placed, and the day limits are read only at starts the resources
// allow, so the walks meet at the same first start the resources allow, and
// then go on together (the same start found). A walk that finds none is made
// again with the small steps, so that the reason and the blocker it reports are
// those of the small steps' last move.
func (st *state) earliestRaw(t, m, est, grid, limit int) (s, e int, why Reason, blocker int) {
	held := !st.c.modes[t][m].present
	s, e, why, blocker = st.walk(t, m, est, grid, limit, held)
	if why != ReasonNone && held {
		return st.walk(t, m, est, grid, limit, false)
	}
	return s, e, why, blocker
}

// walk is earliestRaw's search, with conflictGaps' larger steps over held uses when
// held is set.
//
// One long function: the placement's search loop (calendar, deadline, each
// resource's timeline, the day limits, the grid), each check moving est forward
// and going round again; the loop's state is shared by all of them.
func (st *state) walk(t, m, est, grid, limit int, held bool) (s, e int, why Reason, blocker int) {
	task := &st.c.p.Tasks[t]
	md := &st.c.modes[t][m]
	dl := min(st.c.deadline[t], st.endCap)
	blocker = -1
	if g := st.c.orderOf[t]; g >= 0 {
		if st.frontStale {
			st.refreshFront()
		}
		// same order: after every task of an earlier chain on the same resources,
		// and never behind a later chain's
		pos := st.chainPos[g][st.c.chainOf[t]]
		for _, u := range md.use {
			f := st.front[g][u.r]
			if f.pos > pos {
				return 0, 0, ReasonOrder, u.r
			}
			est = max(est, f.end)
		}
	}
	// est only moves forward: the calendars' positions carry from one round to
	// the next
	var arr [maxWalk]int
	idx := arr[:min(len(md.cal.cs), maxWalk)]
	for iter := 0; ; iter++ {
		var ok bool
		if grid > 0 {
			est = ceilGrid(est, grid)
		}
		if task.Contiguous {
			s, ok = md.cal.fitContiguousFrom(est, task.Duration, idx)
			e = s + task.Duration
		} else {
			s, e, ok = md.cal.advanceFrom(est, task.Duration, idx)
		}
		if ok && grid > 0 {
			if s >= limit {
				return 0, 0, ReasonNoWindow, -1
			}
			if !onGrid(s, grid) {
				est = s + 1
				continue
			}
		}
		if !ok {
			if iter == 0 {
				return 0, 0, ReasonNoWindow, -1
			}
			return 0, 0, lastReason(blocker), blocker
		}
		if e > dl {
			if iter == 0 {
				return 0, 0, ReasonDeadline, -1
			}
			return 0, 0, lastReason(blocker), blocker
		}
		moved := false
		for _, u := range md.use {
			if u.present {
				// held only while working: each stretch against the timeline; on a
				// clash, the start that would move that stretch past the busy time
				st.eachStretch(t, m, s, e, func(w Window) bool {
					if bad, next, _ := st.tl[u.r].conflict(w.Start, w.End, u.amt, 1); bad {
						est = max(s+next-w.Start, s+1)
						blocker = u.r
						moved = true
						return false
					}
					return true
				})
				if moved {
					break
				}
				continue
			}
			if bad, next, _ := st.tl[u.r].conflictGaps(s, e, u.amt, task.Duration, held); bad {
				est = max(next, s+1)
				blocker = u.r
				moved = true
				break
			}
		}
		if moved {
			continue
		}
		if len(st.c.limitsOf[t]) > 0 {
			if ok, next := st.dayLimitsOK(t, st.stretches(t, m, s, e)); !ok {
				est = max(next, s+1)
				blocker = -2
				continue
			}
		}
		return s, e, ReasonNone, -1
	}
}

func lastReason(blocker int) Reason {
	if blocker == -2 {
		return ReasonDayLimit
	}
	return ReasonResources
}
