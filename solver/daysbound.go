package solver

import (
	"sort"
	"strconv"
	"strings"
)

// dayWork is the working time of one calendar (a meet) on each day.
type dayWork struct {
	perDay []int    // per day index 0 .. len(DayStarts)-2
	pieces []Window // the open stretches inside the closed days
	max    int
	// open says the calendar has working time outside the closed days (before
	// the first day start, or after the last one within the horizon): there a
	// "day" has no length limit, so no bound is drawn from it
	open bool
}

// dayCounter measures calendars day by day, once per distinct calendar list.
type dayCounter struct {
	c      *compiled
	starts []int
	limit  int // no task ends after it
	cache  map[string]*dayWork
	ids    map[*Calendar]int // calendars numbered by identity, for the cache keys
	maxLen int               // the longest day
}

func newDayCounter(c *compiled) *dayCounter {
	ds := c.p.DayStarts
	dc := &dayCounter{c: c, starts: ds, cache: map[string]*dayWork{}, ids: map[*Calendar]int{}, limit: MaxTime}
	if c.p.Horizon > 0 {
		dc.limit = c.p.Horizon
	}
	for i := 1; i < len(ds); i++ {
		dc.maxLen = max(dc.maxLen, ds[i]-ds[i-1])
	}
	return dc
}

// key names a list of calendars by their identities.
func (dc *dayCounter) key(cs []*Calendar) string {
	var b strings.Builder
	for _, c := range cs {
		id, ok := dc.ids[c]
		if !ok {
			id = len(dc.ids)
			dc.ids[c] = id
		}
		b.WriteString(strconv.Itoa(id))
		b.WriteByte(',')
	}
	return b.String()
}

// measure returns the working time of the intersection of cs on each day.
func (dc *dayCounter) measure(cs []*Calendar) *dayWork {
	key := dc.key(cs)
	if w := dc.cache[key]; w != nil {
		return w
	}
	ds := dc.starts
	last := ds[len(ds)-1]
	w := &dayWork{perDay: make([]int, len(ds)-1)}
	m := meet{cs: cs}
	var arr [maxWalk]int
	idx := arr[:min(len(cs), maxWalk)]
	if p, ok := m.pieceFrom(MinTime, idx); ok && p.Start < ds[0] {
		w.open = true
	}
	clear(idx)
	d := 0
	for p, ok := m.pieceFrom(ds[0], idx); ok && p.Start < dc.limit; p, ok = m.pieceFrom(p.End, idx) {
		if p.Start >= last {
			w.open = true
			break
		}
		w.pieces = append(w.pieces, Window{p.Start, min(p.End, last)})
		for s := p.Start; s < p.End && s < last; {
			for d+1 < len(ds)-1 && ds[d+1] <= s {
				d++
			}
			e := min(p.End, ds[d+1])
			w.perDay[d] += e - s
			s = e
		}
		if p.End > last && last < dc.limit {
			w.open = true
			break
		}
	}
	for _, x := range w.perDay {
		w.max = max(w.max, x)
	}
	dc.cache[key] = w
	return w
}

// minDays is the fewest days task t touches in any schedule: 0 for no work.
// ok is false when a calendar of t is open outside the days.
func (dc *dayCounter) minDays(t int) (int, bool) {
	task := &dc.c.p.Tasks[t]
	if task.Duration == 0 || task.Fixed {
		return 0, true
	}
	best := MaxTime
	for _, m := range dc.c.modes[t] {
		if len(m.cal.cs) == 0 {
			return 1, false
		}
		w := dc.measure(m.cal.cs)
		if w.open {
			return 1, false
		}
		if w.max == 0 {
			continue // this mode never fits
		}
		best = min(best, (task.Duration+w.max-1)/w.max)
	}
	if best == MaxTime {
		return 1, false
	}
	return best, true
}

// groupDayBounds is the GroupDays part of ComputeBounds.
//
// One long function: three passes over the same per-task arrays (each task's
// fewest days, the chains along precedences inside a group, the load of the
// group's unary resources), which share the day counter and its cache.
func (c *compiled) groupDayBounds() []int {
	p := c.p
	if len(p.DayStarts) < 2 || c.groups == 0 {
		return nil
	}
	dc := newDayCounter(c)
	n := len(p.Tasks)
	need := make([]int, n)
	exact := make([]bool, n)
	out := make([]int, c.groups)
	for t := range p.Tasks {
		if p.Tasks[t].Group < 0 {
			continue
		}
		need[t], exact[t] = dc.minDays(t)
	}
	// chains: days[t] is the fewest distinct days the group's tasks on a chain of
	// precedences ending at t touch, all of them no later than t's last day
	days := make([]int, n)
	for _, t := range c.topo {
		g := p.Tasks[t].Group
		if g < 0 || p.Tasks[t].Fixed {
			continue // a fixed task may stand anywhere: it breaks the chain
		}
		before := 0
		for _, a := range c.preds[t] {
			u := a.other
			if p.Tasks[u].Group != g || p.Tasks[u].Fixed {
				continue
			}
			share := 1
			if need[t] > 0 && exact[u] && exact[t] && dc.newDay(a) {
				share = 0
			}
			if need[t] == 0 {
				share = 0 // t touches nothing: it carries u's days on
			}
			before = max(before, days[u]-share)
		}
		days[t] = need[t] + max(0, before)
		out[g] = max(out[g], days[t])
	}
	// days touched by the fixed tasks, which stand where they are
	fixedDays := map[int]map[int]bool{}
	for t := range p.Tasks {
		task := &p.Tasks[t]
		if task.Group < 0 || !task.Fixed {
			continue
		}
		for _, w := range p.Stretches(t, Placement{Placed: true, Start: task.Start, End: task.End, Choice: task.Choice}) {
			if w.End <= w.Start {
				continue
			}
			if fixedDays[task.Group] == nil {
				fixedDays[task.Group] = map[int]bool{}
			}
			for d := c.dayOf(w.Start); d <= c.dayOf(w.End-1); d++ {
				fixedDays[task.Group][d] = true
			}
		}
	}
	for g, ds := range fixedDays {
		out[g] = max(out[g], len(ds))
	}
	c.unaryDayBounds(dc, need, exact, fixedDays, out)
	return out
}

// newDay reports whether the lag of a precedence alone puts the successor's
// start on a later day than any the predecessor touches: a lag in elapsed time
// at least as long as the longest day, or a lag in working time longer than its
// calendar is open on any day.
func (dc *dayCounter) newDay(a arc) bool {
	if a.minLag <= 0 || dc.c.p.Horizon <= 0 || dc.c.p.Horizon > dc.starts[len(dc.starts)-1] {
		return false // tasks may run into the open-ended last day
	}
	if a.lagCal == nil {
		return a.minLag >= dc.maxLen
	}
	w := dc.measure([]*Calendar{a.lagCal})
	return !w.open && a.minLag > w.max
}

// unaryDayBounds raises out[g] by the unary resources of group g (a dwelling that
// takes one crew at a time): the tasks that need such a resource run one at a
// time, so their work fits in the days they touch, each day holding at most what
// the union of their calendars is open that day. The days the group's fixed
// tasks touch count once, holding what the union allows there.
func (c *compiled) unaryDayBounds(dc *dayCounter, need []int, exact []bool, fixedDays map[int]map[int]bool, out []int) {
	p := c.p
	type key struct{ g, r int }
	load := map[key][]int{}
	var keys []key
	for t := range p.Tasks {
		task := &p.Tasks[t]
		if task.Group < 0 || need[t] == 0 || !exact[t] {
			continue
		}
		for _, d := range task.Demands {
			if len(d.Alternatives) != 1 || d.Amount == 0 || p.Resources[d.Alternatives[0]].Capacity != 1 {
				continue
			}
			k := key{task.Group, d.Alternatives[0]}
			if load[k] == nil {
				keys = append(keys, k)
			}
			load[k] = append(load[k], t)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].g != keys[j].g {
			return keys[i].g < keys[j].g
		}
		return keys[i].r < keys[j].r
	})
	for _, k := range keys {
		ts := load[k]
		seen := map[*dayWork]bool{}
		var pieces []Window
		work := 0
		for _, t := range ts {
			work += p.Tasks[t].Duration
			for _, m := range c.modes[t] {
				if w := dc.measure(m.cal.cs); !seen[w] {
					seen[w] = true
					pieces = append(pieces, w.pieces...)
				}
			}
		}
		union := dc.perDay(pieces)
		fixed := fixedDays[k.g]
		most := 0
		for d, x := range union {
			if fixed[d] {
				work -= x
			} else {
				most = max(most, x)
			}
		}
		days := len(fixed)
		if work > 0 {
			if most == 0 {
				continue // cannot be placed at all: no bound from it
			}
			days += (work + most - 1) / most
		}
		out[k.g] = max(out[k.g], days)
	}
}

// perDay is the length of the union of pieces on each day.
func (dc *dayCounter) perDay(pieces []Window) []int {
	ds := dc.starts
	out := make([]int, len(ds)-1)
	sort.Slice(pieces, func(i, j int) bool { return pieces[i].Start < pieces[j].Start })
	add := func(a, b int) {
		d := sort.Search(len(ds), func(i int) bool { return ds[i] > a }) - 1
		for s := a; s < b; d++ {
			e := min(b, ds[d+1])
			out[d] += e - s
			s = e
		}
	}
	cur := Window{MinTime, MinTime}
	for _, w := range pieces {
		if w.Start > cur.End {
			if cur.End > cur.Start {
				add(cur.Start, cur.End)
			}
			cur = w
			continue
		}
		cur.End = max(cur.End, w.End)
	}
	if cur.End > cur.Start {
		add(cur.Start, cur.End)
	}
	return out
}
