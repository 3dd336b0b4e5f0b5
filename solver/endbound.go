package solver

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// Binding names the relaxation that gives an end bound.
type Binding int

// Bindings.
const (
	// BindPath: the critical path through precedences, lags, releases, fixed
	// tasks and each task's best calendar, resources ignored.
	BindPath Binding = iota
	// BindLoad: the working time a set of interchangeable resources needs for
	// the work only it can do, counted from the earliest start of that work.
	BindLoad
	// BindWindow: the one-machine relaxation of a set of interchangeable
	// resources with heads and deadlines: for a candidate end H, every task's
	// latest end is derived backward through the calendars and lags, and some
	// window [a, b) of the set must hold more work than its resources can do
	// there (the task-interval form of Jackson's preemptive schedule bound,
	// carried over to calendars and to several units).
	BindWindow
	// BindEnergy: energetic reasoning over a set of interchangeable resources
	// (energy.go): for a candidate end H, the work each task must do inside a
	// window [a, b), whatever its start, counting the tasks that straddle the
	// window's ends, exceeds what the set's resources can do there.
	BindEnergy
	// BindEdge: edge finding (edgefind.go): for a candidate end H, the heads and
	// deadlines of the tasks of the unary sets (one resource of one unit) are
	// tightened by edge finding and carried along the precedences, until some
	// task cannot fit, some set is overloaded or some window fails.
	BindEdge
)

func (b Binding) String() string {
	return [...]string{"critical path", "resource load", "resource windows", "energetic reasoning", "edge finding"}[b]
}

// EndBound is a lower bound of the latest end of any complete schedule.
type EndBound struct {
	Value   int
	Binding Binding
	// Resources is the set of interchangeable resources that binds (BindLoad,
	// BindWindow, BindEnergy), sorted; nil for BindPath.
	Resources []int
}

// Bounds are what any complete schedule of a problem must reach at least.
type Bounds struct {
	End EndBound
	// GroupDays[g] is a lower bound of the days (DayStarts) touched by the tasks
	// of group g in any complete schedule (see ComputeBounds); nil without
	// DayStarts.
	GroupDays []int
}

// ComputeBounds computes the end bound and the days bound of each group of p.
// upper, when positive, is the end of a complete schedule (it shortens the
// search for the window bound; it is checked, not trusted: the bound never
// exceeds what the relaxations prove).
//
// The days bound of a group is the largest of: the fewest days each task needs
// (its duration over the most working time one day of its calendar, met with its
// resources', offers), added along the group's precedences (a task after another
// shares at most that one's last day, and none when the lag between them is
// longer than any day can hold), and, for each unary resource every mode of
// several of the group's tasks uses (a dwelling that takes one crew at a time),
// the work of those tasks over the most working time one day of their calendars
// offers together; and the fewest days the tasks on that resource can touch one
// after the other, found by a small exhaustive search over their order and the
// day each starts (daysserial.go; within a budget of nodes, else the total it
// proved out of reach).
func ComputeBounds(p *Problem, upper int) (*Bounds, error) {
	c, err := compile(p)
	if err != nil {
		return nil, err
	}
	return c.computeBounds(upper, nil), nil
}

// computeBounds is the end bound, then the days bound (waited for when it is
// computed beside the search); tm, when not nil, times the two.
func (c *compiled) computeBounds(upper int, tm Timer) *Bounds {
	t0 := time.Now()
	end := c.endBound(upper)
	tm.Since("end bound", t0)
	t0 = time.Now()
	days := slices.Clone(c.dayBoundsOf())
	tm.Since("days bound (waited for)", t0)
	return &Bounds{End: end, GroupDays: days}
}

// energySet is a set of interchangeable resources and the work only it can do.
type energySet struct {
	res   []int
	tasks []int // tasks with a demand on exactly this set
	dem   []int // the demand of each task on it
	work  []int // their work on it: duration x amount
	heads []int // distinct earliest starts of the tasks, sorted
	unary bool  // edge finding reasons on it (latest.unarySets)
}

// endBound is the largest of basicBound and the window bound, found by bisection
// on the end H: feasible(H) fails when some window cannot hold its work. The
// window bound is found with the task intervals alone first, then from there
// on with energetic reasoning too (a test of it costs more, and it seldom
// refutes what the intervals pass, so it is tried on a few ends only); each
// time with each task's work its duration, then with the working time of its
// resource that it holds at least (heldSets).
func (c *compiled) endBound(upper int) EndBound {
	return c.endBoundWith(upper, true)
}

// endBoundWith is endBound, with edge finding (edgefind.go) or without.
func (c *compiled) endBoundWith(upper int, edge bool) EndBound {
	base, est := c.basicBound()
	sets := c.energySets(est)
	if len(sets) == 0 {
		return base
	}
	lb := newLatest(c, est)
	lb.energy = true
	lb.edge = edge
	hi, ok := lb.feasibleEnd(base.Value, upper, est, sets)
	if !ok {
		return base
	}
	b := lb.bisectTwice(base, hi, sets)
	return lb.heldBound(b, est, sets)
}

// bisectTwice is bisect with the task intervals alone, then from there on with
// energetic reasoning and edge finding too when l.energy and l.edge are set; hi
// passes both.
func (l *latest) bisectTwice(base EndBound, hi int, sets []*energySet) EndBound {
	if !l.energy && !l.edge {
		return l.bisect(base, hi, sets)
	}
	energy, edge := l.energy, l.edge
	l.energy, l.edge = false, false
	b := l.bisect(base, hi, sets)
	l.energy, l.edge = energy, edge
	return l.bisect(b, hi, sets)
}

// heldBound raises b, the window bound with the durations, by the window bound
// with the held times (heldSets). The held times are the least over the starts
// that a schedule ending by some H allows; H is taken a quarter, then a half,
// then the whole of b's distance from the earliest head beyond b, not from the
// known end, so that the bound does not depend on it. When H itself fails, every
// end up to H does, and H+1 is the bound.
func (l *latest) heldBound(b EndBound, est []int, sets []*energySet) EndBound {
	from := b.Value
	for _, e := range est {
		from = min(from, e)
	}
	dist := max(1, b.Value-from)
	var last EndBound
	for _, part := range []int{4, 2, 1} {
		H := b.Value + max(1, dist/part)
		held := l.heldSets(sets, H)
		if held == nil {
			return b // nothing holds more than its duration, or nothing ends by H
		}
		set, ok := l.feasible(H, held)
		if ok {
			// every end before b.Value fails with the durations, so with the held
			// times too (a task holds at least its duration)
			if h := l.bisectTwice(b, H, held); h.Value > b.Value {
				return h
			}
			return b
		}
		last = EndBound{Value: H + 1, Binding: l.why, Resources: set}
	}
	return last
}

// feasibleEnd is an end that the windows of sets do not refute: upper when it
// passes, else one found by doubling the distance from the earliest head; false
// when none is found.
func (l *latest) feasibleEnd(lo, upper int, est []int, sets []*energySet) (int, bool) {
	if upper > lo {
		if _, ok := l.feasible(upper, sets); ok {
			return upper, true
		}
	}
	from := 0
	for _, e := range est {
		from = min(from, e)
	}
	span := max(1, lo-from)
	hi := lo + span
	for {
		if _, ok := l.feasible(hi, sets); ok {
			return hi, true
		}
		if span > 1<<44 {
			return 0, false
		}
		span *= 2
		hi = lo + span
	}
}

// bisect returns the smallest end in (base.Value-1, hi] that the windows of sets
// do not refute, hi being one they do not refute; base when that is base.Value.
func (l *latest) bisect(base EndBound, hi int, sets []*energySet) EndBound {
	lo := base.Value
	if _, ok := l.feasible(lo, sets); ok || hi <= lo {
		return base
	}
	// invariant: lo infeasible, hi feasible
	var bind []int
	why := BindPath
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if set, ok := l.feasible(mid, sets); ok {
			hi = mid
		} else {
			lo = mid
			bind, why = set, l.why
		}
	}
	if bind == nil {
		bind, _ = l.feasible(lo, sets) // lo is still base.Value
		why = l.why
	}
	// every end <= lo is infeasible, so hi = lo+1 is a bound (BindPath when the
	// latest starts alone cross the earliest ones)
	return EndBound{Value: hi, Binding: why, Resources: bind}
}

// energySets groups the tasks that are not fixed by the set of resources a
// demand may use, in a deterministic order.
func (c *compiled) energySets(est []int) []*energySet {
	p := c.p
	byKey := map[string]*energySet{}
	var keys []string
	for t := range p.Tasks {
		task := &p.Tasks[t]
		if task.Fixed || task.Duration == 0 {
			continue
		}
		for k, d := range task.Demands {
			if d.Amount == 0 {
				continue
			}
			alts := append([]int(nil), d.Alternatives...)
			sort.Ints(alts)
			key := fmt.Sprint(alts)
			s := byKey[key]
			if s == nil {
				s = &energySet{res: alts}
				byKey[key] = s
				keys = append(keys, key)
			}
			s.tasks = append(s.tasks, t)
			s.dem = append(s.dem, k)
			s.work = append(s.work, task.Duration*d.Amount)
		}
	}
	sort.Strings(keys)
	total := 0
	out := make([]*energySet, 0, len(keys))
	for _, k := range keys {
		s := byKey[k]
		if len(s.tasks) < 2 {
			continue // one task alone is the critical path's business
		}
		hs := make([]int, len(s.tasks))
		for i, t := range s.tasks {
			hs[i] = est[t]
		}
		sort.Ints(hs)
		u := hs[:0]
		for i, h := range hs {
			if i == 0 || h != hs[i-1] {
				u = append(u, h)
			}
		}
		s.heads = u
		s.unary = c.isUnary(s)
		total += len(s.tasks)
		out = append(out, s)
	}
	// keep the work of one feasibility test near a few hundred thousand window
	// checks: on large problems only evenly spread heads open windows (a subset of
	// the windows is still a valid relaxation)
	k := max(8, min(256, 400000/max(1, total)))
	for _, s := range out {
		if len(s.heads) > k {
			pick := make([]int, 0, k)
			for i := 0; i < k; i++ {
				pick = append(pick, s.heads[i*len(s.heads)/k])
			}
			s.heads = pick
		}
	}
	return out
}

// latest derives, for a candidate end H, each task's latest end and start.
type latest struct {
	c       *compiled
	est     []int
	lct, ls []int
	cals    [][][]*Calendar // per task, the distinct calendar lists of its modes
	order   []int
	// why is what refuted the last end feasible refused: BindPath (the latest
	// times alone), BindWindow (a task interval) or BindEnergy (energetic
	// reasoning).
	why Binding
	// energy: feasible applies energetic reasoning too.
	energy bool
	// edge: feasible applies edge finding too (edgefind.go), with end the
	// earliest ends and dl the deadlines it finds (nil outside it).
	edge    bool
	end, dl []int
}

func newLatest(c *compiled, est []int) *latest {
	n := len(c.p.Tasks)
	l := &latest{c: c, est: est, lct: make([]int, n), ls: make([]int, n), cals: make([][][]*Calendar, n), order: make([]int, 0, n), end: make([]int, n)}
	for t := range c.p.Tasks {
	modes:
		for _, m := range c.modes[t] {
			for _, seen := range l.cals[t] {
				if sameCals(seen, m.cal.cs) {
					continue modes
				}
			}
			l.cals[t] = append(l.cals[t], m.cal.cs)
		}
	}
	return l
}

func sameCals(a, b []*Calendar) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// backward fills lct and ls for end H; false when some task's latest start
// falls before its earliest one (no schedule ends by H).
func (l *latest) backward(H int) bool {
	c := l.c
	for k := len(c.topo) - 1; k >= 0; k-- {
		t := c.topo[k]
		task := &c.p.Tasks[t]
		if task.Fixed {
			l.lct[t], l.ls[t] = task.End, task.Start
			continue
		}
		e := H
		if l.dl != nil {
			e = min(e, l.dl[t])
		}
		for _, a := range c.succs[t] {
			x := l.ls[a.other] - a.minLag
			if a.lagCal != nil && a.minLag > 0 {
				s, _, ok := a.lagCal.Retreat(l.ls[a.other], a.minLag)
				if !ok {
					return false
				}
				x = s
			}
			e = min(e, x)
		}
		l.lct[t] = e
		// the latest start over the modes; within a mode, no later than what any
		// one of its calendars allows (their intersection has less working time)
		best, found := MinTime, false
		for _, cs := range l.cals[t] {
			s, ok := e-task.Duration, true
			for _, cal := range cs {
				x, _, fits := cal.Retreat(e, task.Duration)
				if !fits {
					ok = false
					break
				}
				s = min(s, x)
			}
			if ok {
				best, found = max(best, s), true
			}
		}
		if !found || best < l.est[t] {
			return false
		}
		l.ls[t] = best
	}
	return true
}

// feasible tests end H: the latest times, then each set's windows [a, b) with a
// one of its heads and b one of its tasks' latest ends: the work of the tasks
// that start at or after a and end by b must fit in the set's working time of
// [a, b); then the set's energetic reasoning (energy.go); then, when l.edge is
// set, edge finding on the unary sets with the times it tightens carried along
// the precedences, and the windows again (edgefind.go). On failure it returns
// the set's resources (nil when the latest times alone fail) and sets l.why.
func (l *latest) feasible(H int, sets []*energySet) ([]int, bool) {
	l.why = BindPath
	if !l.backward(H) {
		return nil, false
	}
	if set, ok := l.windowTests(sets); !ok || !l.edge {
		return set, ok
	}
	var unary []*energySet
	for _, s := range sets {
		if s.unary {
			unary = append(unary, s)
		}
	}
	if len(unary) == 0 {
		return nil, true
	}
	est := l.est
	l.est = slices.Clone(est)
	l.dl = make([]int, len(est))
	for i := range l.dl {
		l.dl[i] = MaxTime
	}
	set, ok := l.propagate(H, sets, unary)
	l.est, l.dl = est, nil
	if !ok {
		l.why = BindEdge
	}
	return set, ok
}

// windowTests is feasible's test of the windows of sets, for the times l.est
// and l.lct.
func (l *latest) windowTests(sets []*energySet) ([]int, bool) {
	p := l.c.p
	for _, s := range sets {
		idx := l.order[:0]
		for i := range s.tasks {
			idx = append(idx, i)
		}
		sort.Slice(idx, func(x, y int) bool { return l.lct[s.tasks[idx[x]]] < l.lct[s.tasks[idx[y]]] })
		capWork := func(a, b int) int {
			w := 0
			for _, r := range s.res {
				w += p.Resources[r].Capacity * p.Resources[r].Calendar.Work(a, b)
			}
			return w
		}
		for _, a := range s.heads {
			acc, checked := 0, 0
			for j, i := range idx {
				t := s.tasks[i]
				if l.est[t] >= a {
					acc += s.work[i]
				}
				b := l.lct[t]
				if acc == checked || j+1 < len(idx) && l.lct[s.tasks[idx[j+1]]] == b {
					continue
				}
				checked = acc
				if acc > capWork(a, b) {
					l.order = idx
					l.why = BindWindow
					return s.res, false
				}
			}
		}
		l.order = idx
		if l.energy && !l.energetic(s, s.work) {
			l.why = BindEnergy
			return s.res, false
		}
	}
	return nil, true
}
