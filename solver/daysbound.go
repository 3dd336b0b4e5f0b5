package solver

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// dayWork is the working time of one calendar (a meet) on each day.
type dayWork struct {
	max int
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
	unions map[string]*Calendar
	// scratch: a buffer for the walks of measure; bufs, those of a group's union
	scratch []Window
	bufs    [][]Window
	maxLen  int // the longest day
	// merged, spare: perDay's buffers for the union of lists
	merged, spare []Window
}

func newDayCounter(c *compiled) *dayCounter {
	ds := c.p.DayStarts
	dc := &dayCounter{c: c, starts: ds, cache: map[string]*dayWork{}, ids: map[*Calendar]int{}, unions: map[string]*Calendar{}, limit: MaxTime}
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

// measure returns the most working time the intersection of cs has on one day,
// and whether it is open outside the days.
func (dc *dayCounter) measure(cs []*Calendar) *dayWork {
	key := dc.key(cs)
	if w := dc.cache[key]; w != nil {
		return w
	}
	w := &dayWork{}
	var pieces []Window
	pieces, w.open = dc.walk(cs, dc.scratch[:0])
	dc.scratch = pieces
	ds := dc.starts
	d, today := 0, 0 // the day of the last piece and its working time so far
	for _, p := range pieces {
		for s := p.Start; s < p.End; {
			for d+1 < len(ds)-1 && ds[d+1] <= s {
				d++
				today = 0
			}
			e := min(p.End, ds[d+1])
			today += e - s
			w.max = max(w.max, today)
			s = e
		}
	}
	dc.cache[key] = w
	return w
}

// walk appends to buf the open stretches of the intersection of cs inside the
// closed days (from the first day start to the last, and not past the horizon);
// open says it has working time outside them too.
func (dc *dayCounter) walk(cs []*Calendar, buf []Window) (pieces []Window, open bool) {
	ds := dc.starts
	last := ds[len(ds)-1]
	m := meet{cs: cs}
	var arr [maxWalk]int
	idx := arr[:min(len(cs), maxWalk)]
	if p, ok := m.pieceFrom(MinTime, idx); ok && p.Start < ds[0] {
		open = true
	}
	clear(idx)
	for p, ok := m.pieceFrom(ds[0], idx); ok && p.Start < dc.limit; p, ok = m.pieceFrom(p.End, idx) {
		if p.Start >= last {
			open = true
			break
		}
		buf = append(buf, Window{p.Start, min(p.End, last)})
		if p.End > last && last < dc.limit {
			open = true
			break
		}
	}
	return buf, open
}

// minDays is the fewest days task t touches in any schedule: 0 for no work.
// ok is false when a calendar of t is open outside the days.
func (dc *dayCounter) minDays(t int) (int, bool) {
	task := &dc.c.p.Tasks[t]
	if task.Duration == 0 || task.Fixed {
		return 0, true
	}
	cs := dc.envelope(t)
	if len(cs) == 0 {
		return 1, false
	}
	w := dc.measure(cs)
	if w.open || w.max == 0 {
		return 1, false // open outside the days, or never fits: no bound from it
	}
	return (task.Duration + w.max - 1) / w.max, true
}

// envelope is the union of the calendars task t may work in over all its modes:
// its own calendar met, for each demand, with the union of its alternatives'
// calendars (the union over the modes of the intersections is the intersection
// of the unions, since modes combine the alternatives freely). Unions are built
// once per set of alternatives.
func (dc *dayCounter) envelope(t int) []*Calendar {
	task := &dc.c.p.Tasks[t]
	var cs []*Calendar
	if task.Calendar != nil {
		cs = append(cs, task.Calendar)
	}
	for _, d := range task.Demands {
		if d.Amount == 0 {
			continue
		}
		if u := dc.union(d.Alternatives); u != nil {
			cs = append(cs, u)
		}
	}
	return cs
}

// union is the union of the calendars of resources rs (nil: always open).
func (dc *dayCounter) union(rs []int) *Calendar {
	res := dc.c.p.Resources
	if len(rs) == 1 {
		return res[rs[0]].Calendar
	}
	// the key names the resources (as fmt.Sprint(rs) would, without its cost)
	b := make([]byte, 0, 8*len(rs))
	for _, r := range rs {
		b = strconv.AppendInt(b, int64(r), 10)
		b = append(b, ' ')
	}
	key := string(b)
	if u, ok := dc.unions[key]; ok {
		return u
	}
	var ws []Window
	var u *Calendar
	open := false
	for _, r := range rs {
		if res[r].Calendar == nil {
			open = true
			break
		}
		ws = append(ws, res[r].Calendar.Windows()...)
	}
	if !open {
		u = NewCalendar(ws)
	}
	dc.unions[key] = u
	return u
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
	// the union's length on each day depends only on the set of envelopes (groups
	// alike in households' calendars share it): computed once per set
	unions := map[string][]int{}
	var envs [][]*Calendar
	var envKeys []string
	for _, k := range keys {
		ts := load[k]
		seen := map[string]bool{}
		work := 0
		envs, envKeys = envs[:0], envKeys[:0]
		for _, t := range ts {
			work += p.Tasks[t].Duration
			cs := dc.envelope(t)
			if key := dc.key(cs); !seen[key] {
				seen[key] = true
				envs = append(envs, cs)
				envKeys = append(envKeys, key)
			}
		}
		set := setKey(envKeys)
		union, ok := unions[set]
		if !ok {
			lists := dc.bufs[:0]
			for _, cs := range envs {
				var buf []Window
				if len(lists) < cap(lists) {
					buf = lists[:len(lists)+1][len(lists)][:0]
				}
				buf, _ = dc.walk(cs, buf)
				lists = append(lists, buf)
			}
			dc.bufs = lists
			union = dc.perDay(lists)
			unions[set] = union
		}
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

// perDay is the length of the union of sorted lists of pieces on each day. The
// lists are merged two at a time (each merge linear in its two lists), then the
// union is spread over the days.
func (dc *dayCounter) perDay(lists [][]Window) []int {
	ds := dc.starts
	out := make([]int, len(ds)-1)
	var union []Window
	switch len(lists) {
	case 0:
	case 1:
		union = lists[0]
	default:
		union = unionPieces(dc.merged[:0], lists[0], lists[1])
		for _, l := range lists[2:] {
			dc.spare = unionPieces(dc.spare[:0], union, l)
			union, dc.spare = dc.spare, union
		}
		dc.merged = union
	}
	d := 0
	for _, w := range union {
		for d+1 < len(ds)-1 && ds[d+1] <= w.Start {
			d++
		}
		for s := w.Start; s < w.End; d++ {
			e := min(w.End, ds[d+1])
			out[d] += e - s
			s = e
			if s == w.End {
				break
			}
		}
	}
	return out
}

// unionPieces appends to out the union of a and b, two sorted lists of disjoint
// pieces, as sorted disjoint pieces (touching ones joined).
func unionPieces(out, a, b []Window) []Window {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var w Window
		if j == len(b) || i < len(a) && a[i].Start <= b[j].Start {
			w = a[i]
			i++
		} else {
			w = b[j]
			j++
		}
		if n := len(out); n > 0 && w.Start <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, w.End)
			continue
		}
		out = append(out, w)
	}
	return out
}

// setKey names a set of keys whatever their order (keys end with a comma, as
// dayCounter.key writes them, so that joined they stay apart).
func setKey(keys []string) string {
	sorted := slices.Clone(keys)
	slices.Sort(sorted)
	return strings.Join(sorted, "|")
}
