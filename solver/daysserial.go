package solver

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// The serial days bound of a group: the group's tasks on one unary resource held
// from start to end (a dwelling that takes one crew at a time) run one after the
// other, so a task shares with the earlier ones at most the day the one before it
// ends on, and the fixed days. A small exhaustive search over their order and the
// day each starts on finds the fewest days they can touch; it sees what the load
// bound does not: a job that does not fill its day and the next one that cannot
// start there (a household at home some half-days), a lag that sends the next job
// to another day, the precedences between them.
//
// Relaxed: the other groups, the resources' other tasks and their capacities,
// maximum lags, deadlines, per-day and per-week limits, and the tasks of the group
// off the resource that the precedences do not order with every searched one
// (their days only add; those ordered are searched too, daysjoin.go); and,
// past the first serialKept starts on later days a task keeps, the later ones
// are taken together as one aggregate
// (their earliest end, their fewest new days, and the days what follows may share
// from their earliest end there): a relaxation, never above. Otherwise exact for
// what it keeps, by these dominance rules:
//   - on a given day a task starts at its earliest there: a later start there
//     touches no fewer days and ends no earlier;
//   - a start is dropped when an earlier one touches at least one new day fewer
//     (the later one can share at most its last day with what follows), or as
//     many and what follows cannot work after it on its last day (no searched
//     task's calendar is open there).
//
// Each total is tested in turn from the bound found otherwise up; a test stops
// after serialBudget nodes (serialGroup for a group's tests, serialTotal for
// all the groups of a problem; serialLean once most groups ran out), and the
// bound is then the largest total proven out of reach (the tails' days on top). Groups alike are searched once (serialMemo). Walks over a
// task's days stop early, exactly, from the suffix minima of its starts.

const (
	serialBudget = 50000 // the most nodes of one test (a day read is one)
	serialGroup  = 60000 // the most nodes of one group's tests
	// serialTotal bounds the nodes of all the groups' searches of one problem
	// (the groups after it keep the other bounds; a group like one searched
	// before costs none)
	serialTotal = 2000000
	// serialGiveUp: after this many groups whose search ran out of nodes, more
	// than half of those searched, the later groups get serialLean nodes a
	// test: none, the totals the search's first bound refutes (remainingLB,
	// before any node; with the tasks joined off the resource, daysjoin.go)
	// still count, as they do once the problem's nodes are spent
	serialGiveUp = 4
	serialLean   = 0
	serialMax    = 24 // most tasks searched in a group
	serialKept   = 3  // starts on later days kept apart before the aggregate
	// serialLong: a walk over a task's days that reads more than this many
	// reads the suffix minima of the task's starts (passFrom) to stop early
	serialLong = 14
)

// serialTask is one task of the search.
type serialTask struct {
	t     int
	cals  []meet // the distinct calendars of its modes
	ready int    // earliest start by its release, the fixed tasks and the rest (dayEsts)
	preds []serialPred
	work  int
	need  int              // the fewest days it touches (minDays)
	table [][]dayOpt       // by calendar and day, filled as asked
	pass  [][2][]int       // by calendar, passFrom
	open  map[[2]int][]int // by calendar and cost, openWith
}

// serialPred is a precedence from another searched task.
type serialPred struct {
	from   int // index among the searched tasks
	minLag int
	lagCal *Calendar
}

// serialSearch is the search of one group.
type serialSearch struct {
	c          *compiled
	tasks      []serialTask
	fixed      []bool // the fixed days, by day
	nFixed     int
	most       int // the most working time the union of the tasks' calendars has on one day
	limit      int // no end after it (the horizon, within the days)
	ends       []int
	nodes      int
	budget     int            // the most nodes of this test
	fixedAfter []int          // the fixed days from each day on
	failed     map[string]int // a state's key: the fewest days left that failed from it
	lagged     []bool         // tasks with a lag to a searched task
	union      []Window       // the union of the searched tasks' calendars (envelopes)
	key        strings.Builder
	aggs       map[[5]int]serialOption // aggregate's cache
	tails      []int                   // tasks off the resource after all the searched ones (join)
	shared     map[[4]int]dayOpt       // sharedOption's cache
	nAggs      int
}

// serialMemo holds the outcome of the groups searched so far by their
// signature (serialSearch.signature), and the nodes left for the problem: groups
// alike (the same work list, calendars, lags, earliest starts and fixed days, as
// the dwellings of a large operation often are) are searched once.
type serialMemo struct {
	done   map[string]serialOutcome
	budget int // the nodes left for the problem's searches
	// searched counts the groups searched, ranOut those whose search ran out
	// of nodes: when most do (serialGiveUp), the later groups of the problem
	// get a lean search (serialLean)
	searched, ranOut int
	key              strings.Builder
}

// serialOutcome is what the search of a group proved: no schedule of the
// relaxation touches fewer than best days (0: nothing). It holds for a group
// alike whatever the total its tests started from.
type serialOutcome struct{ best int }

func newSerialMemo() *serialMemo {
	return &serialMemo{done: map[string]serialOutcome{}, budget: serialTotal}
}

// serialDays is the serial days bound of the group whose tasks are ts, at least
// lo (the bound found otherwise): ok is false when the group has no such
// resource, is out of the search's reach, or the search proves no more than lo.
func (c *compiled) serialDays(ts []int, dc *dayCounter, need []int, est []int, lo int, memo *serialMemo) (int, bool) {
	s, ok := c.newSerialSearch(ts, dc, need, est)
	if !ok {
		return 0, false
	}
	tail := s.tailDays(need, est)
	key := s.signature(dc, memo)
	out, seen := memo.done[key]
	if !seen {
		perTest := serialBudget
		if memo.ranOut >= serialGiveUp && 2*memo.ranOut > memo.searched {
			perTest = serialLean
		}
		var complete bool
		out, complete = s.solve(max(0, lo-tail), memo, perTest)
		memo.done[key] = out
		memo.searched++
		if !complete {
			memo.ranOut++
		}
	}
	if out.best == 0 {
		return 0, false
	}
	return out.best + tail, out.best+tail > lo
}

// solve tests each total in turn from lo (and the fixed days) up, each test
// within perTest nodes, the group within serialGroup and what is left of the
// problem's (with none left, a test is the first bound's alone); complete is
// false when it ran out of nodes.
func (s *serialSearch) solve(lo int, memo *serialMemo, perTest int) (out serialOutcome, complete bool) {
	ds := s.c.p.DayStarts
	left := min(serialGroup, memo.budget)
	for k := max(lo, s.nFixed); k < len(ds); k++ {
		s.nodes = 0
		s.budget = min(perTest, left) // 0 or less: the first bound alone
		clear(s.failed)
		ok, complete := s.fits(0, MinTime, -1, nil, k-s.nFixed)
		left -= s.nodes
		memo.budget -= s.nodes
		if ok || !complete {
			return out, complete
		}
		out.best = k + 1 // no schedule touches k days or fewer
	}
	// no schedule of the relaxation at all: a plan cannot place every task, and
	// one that leaves some out may touch fewer days; nothing is claimed
	return serialOutcome{}, true
}

// signature names what the search of a group reads: each searched task's work,
// stretch, earliest start, fewest days, envelope and calendars (by identity),
// its precedences from the others (lag and lag calendar), and the fixed days.
func (s *serialSearch) signature(dc *dayCounter, memo *serialMemo) string {
	p := s.c.p
	b := &memo.key
	b.Reset()
	for d, f := range s.fixed {
		if f {
			b.WriteString(strconv.Itoa(d))
			b.WriteByte(',')
		}
	}
	for _, st := range s.tasks {
		task := &p.Tasks[st.t]
		fmt.Fprintf(b, "|%d %t %d %d e%s", st.work, task.Contiguous, st.ready, st.need, dc.key(dc.envelope(st.t)))
		for _, m := range st.cals {
			b.WriteString(" c")
			b.WriteString(dc.key(m.cs))
		}
		for _, a := range st.preds {
			fmt.Fprintf(b, " <%d+%d", a.from, a.minLag)
			if a.lagCal != nil {
				b.WriteString("/" + dc.key([]*Calendar{a.lagCal}))
			}
		}
	}
	return b.String()
}

// newSerialSearch is the search of the group whose tasks are ts; ok is false
// when the group has no such resource or is out of the search's reach.
func (c *compiled) newSerialSearch(ts []int, dc *dayCounter, need []int, est []int) (*serialSearch, bool) {
	return c.newSerialSearchOn(ts, dc, need, est, !c.noSerialJoin)
}

// newSerialSearchOn is newSerialSearch, with the tasks off the resource that
// are ordered with every searched one joined (serialSearch.join) or not.
func (c *compiled) newSerialSearchOn(ts []int, dc *dayCounter, need []int, est []int, withJoined bool) (*serialSearch, bool) {
	p := c.p
	ds := p.DayStarts
	if p.Horizon <= 0 || p.Horizon > ds[len(ds)-1] {
		return nil, false // tasks may run into the open-ended last day
	}
	r := c.serialResource(ts)
	if r < 0 {
		return nil, false
	}
	s := &serialSearch{c: c, fixed: make([]bool, len(ds)-1), limit: p.Horizon, failed: map[string]int{}, aggs: map[[5]int]serialOption{}, shared: map[[4]int]dayOpt{}}
	idx := map[int]int{}
	for _, t := range ts {
		task := &p.Tasks[t]
		if task.Fixed {
			for _, w := range p.Stretches(t, Placement{Placed: true, Start: task.Start, End: task.End, Choice: task.Choice}) {
				for d := c.dayOf(w.Start); w.End > w.Start && d <= c.dayOf(w.End-1); d++ {
					if d >= 0 && d < len(s.fixed) && !s.fixed[d] {
						s.fixed[d] = true
						s.nFixed++
					}
				}
			}
			continue
		}
		if task.Duration == 0 || !demandsAlone(task, r) {
			continue
		}
		cs := dc.envelope(t)
		w := dc.measure(cs)
		if w.open || w.max == 0 {
			return nil, false
		}
		s.union = mergeWindows(s.union, dc.walked(dc.key(cs), cs).pieces)
		idx[t] = len(s.tasks)
		s.tasks = append(s.tasks, serialTask{t: t, ready: max(est[t], task.Release), work: task.Duration, need: need[t], cals: distinctCals(c.modes[t])})
	}
	if len(s.tasks) < 2 || len(s.tasks) > serialMax {
		return nil, false
	}
	var order *serialOrder
	if withJoined {
		order = s.join(ts, idx, dc, need, est)
	}
	for _, w := range dc.perDay(s.union) {
		s.most = max(s.most, w)
	}
	s.lagged = make([]bool, len(s.tasks))
	for i := range s.tasks {
		for _, a := range c.preds[s.tasks[i].t] {
			if j, ok := idx[a.other]; ok {
				if a.minLag < 0 {
					return nil, false // the later may start first
				}
				s.tasks[i].preds = append(s.tasks[i].preds, serialPred{from: j, minLag: a.minLag, lagCal: a.lagCal})
				if a.minLag > 0 {
					s.lagged[j] = true
				}
			}
		}
	}
	s.impliedPreds(order, idx)
	if !s.eachPlaceable() {
		if order != nil && len(order.joined) > 0 {
			// without the tasks joined off the resource (one of them no plan
			// may place within the horizon)
			return c.newSerialSearchOn(ts, dc, need, est, false)
		}
		return nil, false // a task that no plan places: the bound would climb to every day
	}
	s.ends = make([]int, len(s.tasks))
	s.fixedAfter = make([]int, len(s.fixed)+1)
	for d := len(s.fixed) - 1; d >= 0; d-- {
		s.fixedAfter[d] = s.fixedAfter[d+1]
		if s.fixed[d] {
			s.fixedAfter[d]++
		}
	}
	return s, true
}

// eachPlaceable reports whether every searched task has a start ending by the
// limit once its searched predecessors end as early as they can, their lags
// walked (the resource and the days relaxed). When one has none, no plan
// places every task, and the search, which places every task, would prove
// every total out of reach.
func (s *serialSearch) eachPlaceable() bool {
	end := make([]int, len(s.tasks))
	done := make([]bool, len(s.tasks))
	for range s.tasks {
		for i := range s.tasks {
			if done[i] {
				continue
			}
			if e, ok := s.earliestEnd(i, end, done); ok {
				end[i], done[i] = e, true
			}
		}
	}
	for i := range s.tasks {
		if !done[i] {
			return false // never placeable, or in a cycle of precedences
		}
	}
	return true
}

// earliestEnd is task i's earliest end by the limit in any of its calendars,
// its searched predecessors ending at end (ok false when one is not done yet,
// or when it has none).
func (s *serialSearch) earliestEnd(i int, end []int, done []bool) (int, bool) {
	st := &s.tasks[i]
	task := &s.c.p.Tasks[st.t]
	r := st.ready
	for _, a := range st.preds {
		if !done[a.from] {
			return 0, false
		}
		at := end[a.from] + a.minLag
		if a.lagCal != nil && a.minLag > 0 {
			_, x, ok := a.lagCal.Advance(end[a.from], a.minLag)
			if !ok {
				return 0, false // the lag never ends
			}
			at = x
		}
		r = max(r, at)
	}
	best, found := MaxTime, false
	for _, cal := range st.cals {
		if _, e, ok := s.place(cal, task, r); ok && e <= s.limit && e < best {
			best, found = e, true
		}
	}
	return best, found
}

// serialResource is the unary resource, held from start to end, that most of
// the group's unfixed tasks with work need alone (-1: none).
func (c *compiled) serialResource(ts []int) int {
	p := c.p
	count := map[int]int{}
	best, bestN := -1, 0
	for _, t := range ts {
		task := &p.Tasks[t]
		if task.Fixed || task.Duration == 0 {
			continue
		}
		for _, d := range task.Demands {
			if len(d.Alternatives) != 1 || d.Amount == 0 || d.WhilePresent {
				continue
			}
			r := d.Alternatives[0]
			if p.Resources[r].Capacity != 1 {
				continue
			}
			count[r]++
			if n := count[r]; n > bestN || n == bestN && r < best {
				best, bestN = r, n
			}
		}
	}
	if bestN < 2 {
		return -1
	}
	return best
}

// demandsAlone reports whether task has a demand on r alone, held from start to
// end.
func demandsAlone(task *Task, r int) bool {
	for _, d := range task.Demands {
		if len(d.Alternatives) == 1 && d.Alternatives[0] == r && d.Amount > 0 && !d.WhilePresent {
			return true
		}
	}
	return false
}

// distinctCals is the calendars of modes, each once.
func distinctCals(modes []mode) []meet {
	var out []meet
	for _, m := range modes {
		dup := false
		for _, o := range out {
			if sameMeet(o, m.cal) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, m.cal)
		}
	}
	return out
}

func sameMeet(a, b meet) bool {
	if len(a.cs) != len(b.cs) {
		return false
	}
	for i := range a.cs {
		if a.cs[i] != b.cs[i] {
			return false
		}
	}
	return true
}

// serialOption is one start of a task: its end, the day it ends on and the new
// days it touches; or, with agg, the starts on the later days taken together.
type serialOption struct {
	end, last, cost int
	agg             *serialAgg
}

// serialAgg stands for the starts of a task on later days than the first few
// kept: the earliest end and the fewest new days among them, and the days
// where what follows may share their last day, from the earliest end there of
// one of them (after which some searched task's calendar is open).
type serialAgg struct {
	id   int
	from []int // by day: the earliest end there of a start that leaves time after it (0: none)
	last int   // the last day of from (-1: none)
}

// last is the day the previous task ends on (-1: none), agg the starts it
// stands for when it is an aggregate, left the new days the rest may still
// touch. fits reports whether the unplaced tasks (done marks the placed ones)
// fit in left new days after free; complete is false when the budget ran out.
func (s *serialSearch) fits(done uint64, free, last int, agg *serialAgg, left int) (ok, complete bool) {
	n := len(s.tasks)
	if done == 1<<n-1 {
		return true, true
	}
	if left < 0 {
		return false, true
	}
	if s.remainingLB(done, free, last >= 0 || agg != nil) > left {
		return false, true
	}
	s.nodes++
	if s.nodes > s.budget {
		return false, false
	}
	key := s.stateKey(done, free, last, agg)
	if f, ok := s.failed[key]; ok && left <= f {
		return false, true
	}
	var opts []serialOption
	for i := range s.tasks {
		if done&(1<<i) != 0 || !s.ready(done, i) {
			continue
		}
		opts = s.options(opts[:0], i, free, last, agg)
		// cheapest first (insertion sort: short lists, no allocation)
		for a := 1; a < len(opts); a++ {
			for b := a; b > 0 && opts[b].cost < opts[b-1].cost; b-- {
				opts[b], opts[b-1] = opts[b-1], opts[b]
			}
		}
		for _, o := range opts {
			if o.cost > left {
				break
			}
			s.ends[i] = o.end
			ok, complete := s.fits(done|1<<i, o.end, o.last, o.agg, left-o.cost)
			if ok || !complete {
				return ok, complete
			}
		}
	}
	s.failed[key] = left
	return false, true
}

// ready reports whether every searched predecessor of task i is placed.
func (s *serialSearch) ready(done uint64, i int) bool {
	for _, a := range s.tasks[i].preds {
		if done&(1<<a.from) == 0 {
			return false
		}
	}
	return true
}

// stateKey names a state: the placed tasks, the free time, the last day, and the
// ends of the placed tasks with a lag to a searched task.
func (s *serialSearch) stateKey(done uint64, free, last int, agg *serialAgg) string {
	b := &s.key
	b.Reset()
	b.WriteString(strconv.FormatUint(done, 36))
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(free))
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(last))
	if agg != nil {
		b.WriteString(" a")
		b.WriteString(strconv.Itoa(agg.id))
	}
	for i := range s.tasks {
		if done&(1<<i) != 0 && s.lagged[i] {
			b.WriteByte(' ')
			b.WriteString(strconv.Itoa(s.ends[i]))
		}
	}
	return b.String()
}

// remainingLB is a lower bound of the new days the unplaced tasks touch: their
// work over the most one day holds, less a day shared with the last one and the
// fixed days from free on; and the fewest days of each, less one.
func (s *serialSearch) remainingLB(done uint64, free int, share bool) int {
	work, most := 0, 0
	for i := range s.tasks {
		if done&(1<<i) == 0 {
			work += s.tasks[i].work
			most = max(most, s.tasks[i].need)
		}
	}
	lb := (work + s.most - 1) / s.most
	if share {
		lb--
		most--
	}
	if s.nFixed > 0 {
		from := 0
		if free > MinTime {
			from = min(max(0, s.c.dayOf(free)), len(s.fixed))
		}
		lb -= s.fixedAfter[from]
	}
	return max(lb, most-s.nFixed, 0)
}

// options appends to opts the starts of task i after free (see the dominance
// rules above), the day before ends on being last or, after an aggregate, one
// of agg's days.
func (s *serialSearch) options(opts []serialOption, i, free, last int, agg *serialAgg) []serialOption {
	c := s.c
	st := &s.tasks[i]
	task := &c.p.Tasks[st.t]
	r := max(free, st.ready)
	for _, a := range st.preds {
		at := s.ends[a.from] + a.minLag
		if a.lagCal != nil && a.minLag > 0 {
			if _, x, ok := a.lagCal.Advance(s.ends[a.from], a.minLag); ok {
				at = x
			} else {
				return opts // the lag never ends
			}
		}
		r = max(r, at)
	}
	for ci, cal := range st.cals {
		start, end, ok := s.place(cal, task, r)
		if !ok || end > s.limit {
			continue
		}
		// the earliest start, then the first start of each later day (and,
		// after an aggregate, the first start there after one of its ends)
		d := c.dayOf(start)
		shared := last
		if agg != nil && d >= 0 && agg.from[d] > 0 && start >= agg.from[d] {
			shared = d
		}
		o := serialOption{end: end, last: c.dayOf(end - 1), cost: s.newDays(cal, task, start, end, shared)}
		opts = append(opts, o)
		fewest := o.cost // the fewest new days of the starts so far
		kept := 0
		if agg != nil && shared != d && d >= 0 && agg.from[d] > 0 {
			// the first start after the aggregate's end on this day
			if e, ok := s.sharedOption(i, ci, d, agg); ok {
				opts = append(opts, e.serialOption)
				fewest = min(fewest, e.cost)
			}
		}
		s.each(i, ci, d+1, len(s.fixed), agg, &fewest, func(d int, e dayOpt) bool {
			if kept == serialKept {
				if o, ok := s.aggregate(i, ci, d, fewest, agg); ok {
					opts = append(opts, o)
				}
				return false
			}
			// a start that touches as many new days as an earlier one gains
			// only if what follows can work after it on its last day
			if e.cost < fewest || e.cost == fewest && e.open {
				opts = append(opts, e.serialOption)
				kept++
			}
			fewest = min(fewest, e.cost)
			return true
		})
	}
	return opts
}

// each calls f with the starts of task i in calendar ci from day d on, before
// day until, in order (their ends do not decrease): each day's first start,
// then, on a day of agg, the first start after its end there; until f returns
// false.
func (s *serialSearch) each(i, ci, d, until int, agg *serialAgg, fewest *int, f func(d int, e dayOpt) bool) {
	var pass, least []int
	for read := 0; d < until; read++ {
		if read == serialLong {
			pass, least = s.passFrom(i, ci) // a long walk: read the table
		}
		if pass != nil && pass[d] > *fewest && (agg == nil || d > agg.last || least[d]-1 > *fewest) {
			return // no start from d on passes the dominance rules
		}
		s.nodes++ // a day read counts as a node
		e := s.dayOption(i, ci, d)
		if e.kind == dayNone {
			return
		}
		if e.kind == dayLater {
			d = e.next
			continue
		}
		if !f(d, e) {
			return
		}
		if agg != nil && agg.from[d] > 0 {
			if e, ok := s.sharedOption(i, ci, d, agg); ok && !f(d, e) {
				return
			}
		}
		d++
	}
}

// sharedOption is the first start of task i in calendar ci on day d after the
// aggregate agg's earliest end there, the day not counted (cached).
func (s *serialSearch) sharedOption(i, ci, d int, agg *serialAgg) (dayOpt, bool) {
	k := [4]int{agg.id, i, ci, d}
	if e, ok := s.shared[k]; ok {
		return e, e.kind == dayStart
	}
	c := s.c
	st := &s.tasks[i]
	task := &c.p.Tasks[st.t]
	var e dayOpt
	start, end, ok := s.place(st.cals[ci], task, agg.from[d])
	if ok && end <= s.limit && c.dayOf(start) == d {
		e.kind = dayStart
		e.end, e.last = end, c.dayOf(end-1)
		e.cost = s.newDays(st.cals[ci], task, start, end, d)
		e.open = s.openAfter(end)
	}
	s.shared[k] = e
	return e, e.kind == dayStart
}

// aggregate is the option that stands for the starts of task i in calendar ci
// from day d on that the dominance rules keep, given the fewest new days of the
// earlier ones (cached).
func (s *serialSearch) aggregate(i, ci, d, fewest int, agg *serialAgg) (serialOption, bool) {
	aid := -1
	if agg != nil {
		aid = agg.id
	}
	k := [5]int{i, ci, d, fewest, aid}
	if o, ok := s.aggs[k]; ok {
		return o, o.agg != nil
	}
	out := serialOption{end: MaxTime, last: -1, cost: MaxTime}
	var from []int
	var least []int
	read := 0
	s.each(i, ci, d, len(s.fixed), agg, &fewest, func(d int, e dayOpt) bool {
		if read++; read == serialLong {
			_, least = s.passFrom(i, ci) // a long walk: read the table
		}
		if e.cost < fewest || e.cost == fewest && e.open {
			out.end = min(out.end, e.end)
			out.cost = min(out.cost, e.cost)
			if e.open {
				if from == nil {
					from = make([]int, len(s.fixed))
				}
				if from[e.last] == 0 || e.end < from[e.last] {
					from[e.last] = e.end
				}
			}
		}
		fewest = min(fewest, e.cost)
		if agg == nil && least != nil && out.cost < MaxTime && fewest <= least[d+1] {
			// no later start touches fewer new days: those that pass are the
			// open ones with as many, taken from a table (with the open ones
			// as cheap that start earlier and end on a later day: a
			// relaxation)
			if from == nil {
				from = make([]int, len(s.fixed))
			}
			for y, x := range s.openWith(i, ci, fewest)[d+1:] {
				if x > 0 && (from[d+1+y] == 0 || x < from[d+1+y]) {
					from[d+1+y] = x
				}
			}
			return false
		}
		return true
	})
	if out.cost < MaxTime {
		s.nAggs++
		out.agg = &serialAgg{id: s.nAggs, from: from, last: -1}
		if from == nil {
			out.agg.from = make([]int, len(s.fixed))
		}
		for d, x := range out.agg.from {
			if x > 0 {
				out.agg.last = d
			}
		}
	}
	s.aggs[k] = out
	return out, out.agg != nil
}

// passFrom is, by day, the least of the new days of the first start of task
// i in calendar ci on that day or a later one, plus one when what follows
// cannot work after it on its last day: a first start from that day on passes
// the dominance rules only if this is at most the fewest new days of the
// earlier ones; and least, by day, the fewest new days of those starts (a
// later start on the same day after an aggregate touches at least one fewer).
// Read once, by task and calendar.
func (s *serialSearch) passFrom(i, ci int) (pass, least []int) {
	st := &s.tasks[i]
	if st.pass == nil {
		st.pass = make([][2][]int, len(st.cals))
	}
	if st.pass[ci][0] == nil {
		n := len(s.fixed)
		f, l := make([]int, n+1), make([]int, n+1)
		f[n], l[n] = MaxTime, MaxTime
		for d := n - 1; d >= 0; d-- {
			s.nodes++
			f[d], l[d] = f[d+1], l[d+1]
			if e := s.dayOption(i, ci, d); e.kind == dayStart {
				c := e.cost
				l[d] = min(l[d], c)
				if !e.open {
					c++
				}
				f[d] = min(f[d], c)
			}
		}
		st.pass[ci] = [2][]int{f, l}
	}
	return st.pass[ci][0], st.pass[ci][1]
}

// openWith is, by day, the earliest end there of the first start of task i
// in calendar ci on a day that touches cost new days, after which what follows
// may work on that day (0: none). Read once, by task, calendar and cost.
func (s *serialSearch) openWith(i, ci, cost int) []int {
	st := &s.tasks[i]
	k := [2]int{ci, cost}
	if o, ok := st.open[k]; ok {
		return o
	}
	o := make([]int, len(s.fixed))
	for d := range s.fixed {
		s.nodes++
		if e := s.dayOption(i, ci, d); e.kind == dayStart && e.open && e.cost == cost && (o[e.last] == 0 || e.end < o[e.last]) {
			o[e.last] = e.end
		}
	}
	if st.open == nil {
		st.open = map[[2]int][]int{}
	}
	st.open[k] = o
	return o
}

// openAfter reports whether some searched task's calendar is open after t on
// t's day (t a task's end).
func (s *serialSearch) openAfter(t int) bool {
	ds := s.c.p.DayStarts
	d := s.c.dayOf(t - 1)
	if d < 0 || d+1 >= len(ds) {
		return true
	}
	u := s.union
	i := sort.Search(len(u), func(i int) bool { return u[i].End > t })
	return i < len(u) && u[i].Start < ds[d+1]
}

// dayOpt is the first start of a task on a day, in one calendar (cached).
type dayOpt struct {
	serialOption
	kind int  // dayUnknown, dayStart, dayLater (none on the day: next is the day of the first), dayNone
	next int  // dayLater: the day of the first start after
	open bool // a searched task's calendar is open after its end on its last day
	// firstNew: the day it starts on is counted in cost (not a fixed day)
	firstNew bool
}

const (
	dayUnknown = iota
	dayStart
	dayLater
	dayNone
)

// dayOption is the first start of task i on day d in its calendar ci: from the
// day's start on, its end, the days it touches (not counting the fixed ones).
func (s *serialSearch) dayOption(i, ci, d int) dayOpt {
	st := &s.tasks[i]
	if st.table == nil {
		st.table = make([][]dayOpt, len(st.cals))
	}
	if st.table[ci] == nil {
		st.table[ci] = make([]dayOpt, len(s.fixed))
	}
	e := &st.table[ci][d]
	if e.kind != dayUnknown {
		return *e
	}
	c := s.c
	task := &c.p.Tasks[st.t]
	start, end, ok := s.place(st.cals[ci], task, c.p.DayStarts[d])
	switch {
	case !ok || end > s.limit:
		e.kind = dayNone
	case c.dayOf(start) != d:
		e.kind, e.next = dayLater, c.dayOf(start)
	default:
		e.kind = dayStart
		e.end, e.last = end, c.dayOf(end-1)
		e.cost = s.newDays(st.cals[ci], task, start, end, -1)
		e.firstNew = !s.fixed[d]
		e.open = s.openAfter(end)
	}
	return *e
}

// place is the earliest start at or after x of task in calendar cal, and its end.
func (s *serialSearch) place(cal meet, task *Task, x int) (start, end int, ok bool) {
	if task.Contiguous {
		st, ok := cal.FitContiguous(x, task.Duration)
		return st, st + task.Duration, ok
	}
	return cal.Advance(x, task.Duration)
}

// newDays is the days [start, end) of task touches in cal that are neither fixed
// nor the day last (the day the previous task ends on).
func (s *serialSearch) newDays(cal meet, task *Task, start, end, last int) int {
	c := s.c
	ws := []Window{{start, end}}
	if !task.Contiguous {
		ws = cal.Segments(start, end)
	}
	n, prev := 0, -1
	for _, w := range ws {
		for d := c.dayOf(w.Start); d <= c.dayOf(w.End-1); d++ {
			if d == prev || d == last || d >= 0 && d < len(s.fixed) && s.fixed[d] {
				continue
			}
			prev = d
			n++
		}
	}
	return n
}
