package solver

import (
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
// off the resource (their days only add). Exact for what it keeps, by these
// dominance rules:
//   - on a given day a task starts at its earliest there: a later start there
//     touches no fewer days and ends no earlier;
//   - a start is dropped when an earlier one touches at least one new day fewer
//     (the later one can share at most its last day with what follows), or as
//     many and what follows cannot work after it on its last day (no searched
//     task's calendar is open there).
//
// The search stops after serialBudget nodes for one total tested; the bound is
// then the largest total proven out of reach (never more than the search proved).

const (
	serialBudget = 20000
	serialMax    = 24 // most tasks searched in a group
)

// serialTask is one task of the search.
type serialTask struct {
	t     int
	cals  []meet // the distinct calendars of its modes
	ready int    // earliest start by its release, the fixed tasks and the rest (dayEsts)
	preds []serialPred
	work  int
	need  int // the fewest days it touches (minDays)
}

// serialPred is a precedence from another searched task.
type serialPred struct {
	from   int // index among the searched tasks
	minLag int
	lagCal *Calendar
}

// serialSearch is the search of one group.
type serialSearch struct {
	c      *compiled
	tasks  []serialTask
	fixed  []bool // the fixed days, by day
	nFixed int
	most   int // the most working time any task's calendar has on one day
	limit  int // no end after it (the horizon, within the days)
	ends   []int
	nodes  int
	failed map[string]int // a state's key: the fewest days left that failed from it
	lagged []bool         // tasks with a lag to a searched task
	union  []Window       // the union of the searched tasks' calendars (envelopes)
	key    strings.Builder
}

// serialDays is the serial days bound of the group whose tasks are ts, at least
// lo (the bound found otherwise): ok is false when the group has no such
// resource or is out of the search's reach.
func (c *compiled) serialDays(ts []int, dc *dayCounter, need []int, est []int, lo int) (int, bool) {
	p := c.p
	ds := p.DayStarts
	if p.Horizon <= 0 || p.Horizon > ds[len(ds)-1] {
		return 0, false // tasks may run into the open-ended last day
	}
	r := c.serialResource(ts)
	if r < 0 {
		return 0, false
	}
	s := &serialSearch{c: c, fixed: make([]bool, len(ds)-1), limit: p.Horizon, failed: map[string]int{}}
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
			return 0, false
		}
		s.union = mergeWindows(s.union, dc.walked(dc.key(cs), cs).pieces)
		idx[t] = len(s.tasks)
		s.tasks = append(s.tasks, serialTask{t: t, ready: max(est[t], task.Release), work: task.Duration, need: need[t], cals: distinctCals(c.modes[t])})
	}
	if len(s.tasks) < 2 || len(s.tasks) > serialMax {
		return 0, false
	}
	for _, w := range dc.perDay(s.union) {
		s.most = max(s.most, w)
	}
	s.lagged = make([]bool, len(s.tasks))
	for i := range s.tasks {
		for _, a := range c.preds[s.tasks[i].t] {
			if j, ok := idx[a.other]; ok {
				if a.minLag < 0 {
					return 0, false // the later may start first
				}
				s.tasks[i].preds = append(s.tasks[i].preds, serialPred{from: j, minLag: a.minLag, lagCal: a.lagCal})
				if a.minLag > 0 {
					s.lagged[j] = true
				}
			}
		}
	}
	s.ends = make([]int, len(s.tasks))
	best := 0
	for k := max(lo, s.nFixed); k < len(ds); k++ {
		s.nodes = 0
		clear(s.failed)
		ok, complete := s.fits(0, MinTime, -1, k-s.nFixed)
		if ok || !complete {
			return best, best > 0
		}
		best = k + 1 // no schedule touches k days or fewer
	}
	return best, best > 0
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
// days it touches.
type serialOption struct {
	end, last, cost int
}

// last is the day the previous task ends on (-1: none), left the new days the
// rest may still touch. fits reports whether the unplaced tasks (done marks the placed ones) fit in
// left new days after free; complete is false when the budget ran out.
func (s *serialSearch) fits(done uint64, free, last, left int) (ok, complete bool) {
	n := len(s.tasks)
	if done == 1<<n-1 {
		return true, true
	}
	if left < 0 {
		return false, true
	}
	if s.remainingLB(done, free, last) > left {
		return false, true
	}
	s.nodes++
	if s.nodes > serialBudget {
		return false, false
	}
	key := s.stateKey(done, free, last)
	if f, ok := s.failed[key]; ok && left <= f {
		return false, true
	}
	var opts []serialOption
	for i := range s.tasks {
		if done&(1<<i) != 0 || !s.ready(done, i) {
			continue
		}
		opts = s.options(opts[:0], i, free, last)
		// cheapest first
		sort.SliceStable(opts, func(a, b int) bool { return opts[a].cost < opts[b].cost })
		for _, o := range opts {
			if o.cost > left {
				break
			}
			s.ends[i] = o.end
			ok, complete := s.fits(done|1<<i, o.end, o.last, left-o.cost)
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
func (s *serialSearch) stateKey(done uint64, free, last int) string {
	b := &s.key
	b.Reset()
	b.WriteString(strconv.FormatUint(done, 36))
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(free))
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(last))
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
func (s *serialSearch) remainingLB(done uint64, free, last int) int {
	work, most := 0, 0
	for i := range s.tasks {
		if done&(1<<i) == 0 {
			work += s.tasks[i].work
			most = max(most, s.tasks[i].need)
		}
	}
	lb := (work + s.most - 1) / s.most
	if last != -1 {
		lb--
		most--
	}
	from := 0
	if free > MinTime {
		from = max(0, s.c.dayOf(free))
	}
	for d := from; d < len(s.fixed) && lb > 0; d++ {
		if s.fixed[d] {
			lb--
		}
	}
	return max(lb, most-s.nFixed, 0)
}

// options appends to opts the starts of task i after free (see the dominance
// rules above).
func (s *serialSearch) options(opts []serialOption, i, free, last int) []serialOption {
	c := s.c
	ds := c.p.DayStarts
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
	for _, cal := range st.cals {
		fewest := MaxTime // the fewest new days of the starts so far
		for x := r; ; {
			start, end, ok := s.place(cal, task, x)
			if !ok || end > s.limit {
				break
			}
			d := c.dayOf(start)
			o := serialOption{end: end, last: c.dayOf(end - 1)}
			o.cost = s.newDays(cal, task, start, end, last)
			// a start that touches as many new days as an earlier one gains
			// only if what follows can work after it on its last day
			if last >= 0 && d == last || o.cost < fewest || o.cost == fewest && s.openAfter(end) {
				opts = append(opts, o)
			}
			fewest = min(fewest, o.cost)
			if d+1 >= len(ds)-1 {
				break
			}
			x = ds[d+1]
		}
	}
	return opts
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
