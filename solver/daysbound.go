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
	// walks holds the walk of each calendar list measured, by key (the days
	// bound reads them again for the unions of envelopes); scratch is the
	// buffer they are walked in
	walks   map[string]walked
	scratch []Window
	// shared holds the keys of the envelopes of more than one group
	// (shareEnvelopes); walkedNow the keys walked since the last forget
	shared    map[string]bool
	walkedNow []string
	maxLen    int // the longest day
}

func newDayCounter(c *compiled) *dayCounter {
	ds := c.p.DayStarts
	dc := &dayCounter{c: c, starts: ds, cache: map[string]*dayWork{}, walks: map[string]walked{}, ids: map[*Calendar]int{}, unions: map[string]*Calendar{}, limit: MaxTime}
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
	wk := dc.walked(key, cs)
	w := &dayWork{open: wk.open}
	ds := dc.starts
	d, today := 0, 0 // the day of the last piece and its working time so far
	for _, p := range wk.pieces {
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

// walked is a walk of a calendar list (dayCounter.walk).
type walked struct {
	pieces []Window
	open   bool
}

// walked is the walk of cs, whose key is key, walked once.
func (dc *dayCounter) walked(key string, cs []*Calendar) walked {
	if wk, ok := dc.walks[key]; ok {
		return wk
	}
	var wk walked
	dc.scratch, wk.open = dc.walk(cs, dc.scratch[:0])
	wk.pieces = slices.Clone(dc.scratch)
	dc.walks[key] = wk
	dc.walkedNow = append(dc.walkedNow, key)
	return wk
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
	key := intsKey(rs)
	if u, ok := dc.unions[key]; ok {
		return u
	}
	// each calendar is sorted and merged: folded in one after the other (linear
	// merges), the union is NewCalendar of all their windows without its sort
	var ws []Window
	var u *Calendar
	open := false
	for _, r := range rs {
		if res[r].Calendar == nil {
			open = true
			break
		}
		ws = mergeWindows(ws, res[r].Calendar.Windows())
	}
	if !open {
		u = fromSorted(ws)
	}
	dc.unions[key] = u
	return u
}

// groupDayBounds is the GroupDays part of ComputeBounds.
//
// One long function: three passes over each group's tasks (each task's fewest
// days, the chains along precedences inside the group, the load of the group's
// unary resources; then the limits of tasks a day and the serial search), which
// share the day counter and its caches; a group is done
// whole before the next, so that what it alone measured is dropped (forget)
// before the next is measured.
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
	// each group's tasks, in the tasks' order and in topological order
	byGroup := make([][]int, c.groups)
	inTopo := make([][]int, c.groups)
	for t := range p.Tasks {
		if g := p.Tasks[t].Group; g >= 0 {
			byGroup[g] = append(byGroup[g], t)
		}
	}
	for _, t := range c.topo {
		if g := p.Tasks[t].Group; g >= 0 {
			inTopo[g] = append(inTopo[g], t)
		}
	}
	dc.shareEnvelopes()
	sd := &subsetDays{c: c, dc: dc, need: need, exact: exact, est: c.dayEsts(), perDay: map[string]*dayUnion{},
		member: make([]bool, n), in: make([]bool, n)}
	// chains: days[t] is the fewest distinct days the group's tasks on a chain of
	// precedences ending at t touch, all of them no later than t's last day
	days := make([]int, n)
	memo := newSerialMemo() // the serial searches
	for g, ts := range byGroup {
		for _, t := range ts {
			need[t], exact[t] = dc.minDays(t)
		}
		for _, t := range inTopo[g] {
			if p.Tasks[t].Fixed {
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
		out[g] = max(out[g], c.fixedDays(ts), c.dayLimitDays(ts, need, exact))
		// the unary resources of the group (unaryDayBounds)
		if len(ts) > 0 {
			out[g] = max(out[g], sd.cut(ts, map[string]int{}, 0))
			b, ok := c.serialDays(ts, dc, need, sd.est, out[g], memo)
			if ok && !c.noSerialDays {
				out[g] = max(out[g], b)
			}
		}
		sd.forget()
	}
	return out
}

// dayLimitDays is a bound of the days the tasks ts of one group touch from
// their limits of tasks a day: no day holds more than MaxPerDay of a limit's
// tasks, so the days each of them touches (its fewest, or where it stands when
// fixed), summed over the limit's tasks, fill at least that sum over MaxPerDay
// days. A household that takes one intervention a day is disturbed on the sum
// of their days (pilots' visits included).
func (c *compiled) dayLimitDays(ts []int, need []int, exact []bool) int {
	ls := c.p.DayLimits
	if len(ls) == 0 {
		return 0
	}
	sum := map[int]int{}
	for _, t := range ts {
		n := 0
		switch {
		case c.p.Tasks[t].Fixed:
			n = c.fixedDays([]int{t})
		case exact[t]:
			n = need[t]
		}
		for _, li := range c.limitsOf[t] {
			if n > 0 && ls[li].MaxPerDay > 0 {
				sum[li] += n
			}
		}
	}
	best := 0
	for li, n := range sum {
		m := ls[li].MaxPerDay
		best = max(best, (n+m-1)/m)
	}
	return best
}

// fixedDays is the number of days the fixed tasks among ts touch, where they
// stand.
func (c *compiled) fixedDays(ts []int) int {
	p := c.p
	var days map[int]bool
	for _, t := range ts {
		task := &p.Tasks[t]
		if !task.Fixed {
			continue
		}
		for _, w := range p.Stretches(t, Placement{Placed: true, Start: task.Start, End: task.End, Choice: task.Choice}) {
			if w.End <= w.Start {
				continue
			}
			if days == nil {
				days = map[int]bool{}
			}
			for d := c.dayOf(w.Start); d <= c.dayOf(w.End-1); d++ {
				days[d] = true
			}
		}
	}
	return len(days)
}

// shareEnvelopes marks the envelopes (their keys) that tasks of more than one
// group have: their walks, and the unions of classes made of them alone, may be
// read again by a later group, and are kept; the others are dropped once their
// group is done.
func (dc *dayCounter) shareEnvelopes() {
	p := dc.c.p
	first := map[string]int{}
	dc.shared = map[string]bool{}
	for t := range p.Tasks {
		task := &p.Tasks[t]
		if task.Group < 0 || task.Duration == 0 || task.Fixed {
			continue
		}
		k := dc.key(dc.envelope(t))
		if g, ok := first[k]; !ok {
			first[k] = task.Group
		} else if g != task.Group {
			dc.shared[k] = true
		}
	}
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

// maxCutDepth bounds the nesting of cuts.
const maxCutDepth = 6

// cut is the larger of days(ts) and, over the precedences inside ts whose lag
// starts a new day, the sum of the cuts of what comes before and after.
func (sd *subsetDays) cut(ts []int, memo map[string]int, depth int) int {
	sorted := slices.Clone(ts)
	sort.Ints(sorted)
	key := intsKey(sorted)
	if b, ok := memo[key]; ok {
		return b
	}
	best := sd.days(ts)
	if depth < maxCutDepth {
		c := sd.c
		type pair struct{ before, after []int }
		var cuts []pair
		for _, t := range ts {
			sd.member[t] = true
		}
		for _, u := range ts {
			for _, a := range c.succs[u] {
				if v := a.other; sd.member[v] && sd.dc.newDay(a) {
					cuts = append(cuts, pair{c.closure(u, sd.member, c.preds, sd.in), c.closure(v, sd.member, c.succs, sd.in)})
				}
			}
		}
		for _, t := range ts {
			sd.member[t] = false
		}
		for _, x := range cuts {
			best = max(best, sd.cut(x.before, memo, depth+1)+sd.cut(x.after, memo, depth+1))
		}
	}
	memo[key] = best
	return best
}

// closure is t and the tasks of the set member that reach it (or that it
// reaches) by arcs inside the set; in is scratch, all false on entry and on
// return.
func (c *compiled) closure(t int, member []bool, arcs [][]arc, in []bool) []int {
	out := []int{t}
	in[t] = true
	for k := 0; k < len(out); k++ {
		for _, a := range arcs[out[k]] {
			if u := a.other; !in[u] && member[u] {
				in[u] = true
				out = append(out, u)
			}
		}
	}
	for _, u := range out {
		in[u] = false
	}
	return out
}

// dayEsts is each task's earliest start by the precedences, releases, elapsed
// and working-time lags and the fixed tasks' places (durations in elapsed
// time: an early estimate, so a lower bound of any schedule's start).
func (c *compiled) dayEsts() []int {
	p := c.p
	est := make([]int, len(p.Tasks))
	end := make([]int, len(p.Tasks))
	for _, t := range c.topo {
		task := &p.Tasks[t]
		if task.Fixed {
			est[t], end[t] = task.Start, task.End
			continue
		}
		e := c.readyAt(t, end)
		est[t], end[t] = e, e+task.Duration
	}
	return est
}

// subsetDays bounds the days a set of a group's tasks touches.
type subsetDays struct {
	c     *compiled
	dc    *dayCounter
	need  []int
	exact []bool
	est   []int
	// perDay caches the union of the calendars of a set of envelopes; own
	// holds the keys of those made since the last forget with an envelope
	// that is not shared (dayCounter.shared)
	perDay map[string]*dayUnion
	own    []string
	// scratch is the buffer unions are merged in
	scratch []Window
	// scratch marks, all false between calls
	member, in []bool
}

// class is the tasks of a set that share one envelope (dayCounter.envelope).
type class struct {
	key  string
	cs   []*Calendar
	work int
	from int // the earliest start of its tasks
	most int // the most its envelope is open on one day
}

// days is a lower bound of the days the tasks ts (of one group) touch: the
// largest of the days their fixed tasks touch, each task's fewest days, and, for
// each unary resource their tasks need alone, the fixed days plus the days the
// rest of the work needs: the other tasks run one at a time, on the fixed days
// only from their earliest start on, and on any other day at most the union
// of their calendars (envelopes) there. The classes of envelope are taken by
// the most they are open in a day, fewest first, and each prefix is tried (the
// noisy works of a household with an infant fit fewer hours a day than its
// painting).
func (sd *subsetDays) days(ts []int) int {
	p := sd.c.p
	fixed := map[int]bool{}
	best := 0
	byRes := map[int][]int{}
	var res []int
	for _, t := range ts {
		task := &p.Tasks[t]
		if task.Fixed {
			for _, w := range p.Stretches(t, Placement{Placed: true, Start: task.Start, End: task.End, Choice: task.Choice}) {
				for d := sd.c.dayOf(w.Start); w.End > w.Start && d <= sd.c.dayOf(w.End-1); d++ {
					fixed[d] = true
				}
			}
			continue
		}
		best = max(best, sd.need[t])
		if sd.need[t] == 0 || !sd.exact[t] {
			continue
		}
		for _, d := range task.Demands {
			if len(d.Alternatives) != 1 || d.Amount == 0 || p.Resources[d.Alternatives[0]].Capacity != 1 {
				continue
			}
			r := d.Alternatives[0]
			if byRes[r] == nil {
				res = append(res, r)
			}
			byRes[r] = append(byRes[r], t)
		}
	}
	best = max(best, len(fixed))
	sort.Ints(res)
	// the fixed days as a list by day (read for every day of every prefix)
	var isFixed []bool
	if len(fixed) > 0 && len(res) > 0 {
		isFixed = make([]bool, len(sd.dc.starts)-1)
		for d := range fixed {
			if d >= 0 && d < len(isFixed) {
				isFixed[d] = true
			}
		}
	}
	for _, r := range res {
		best = max(best, sd.unary(byRes[r], len(fixed), isFixed))
	}
	return best
}

// unary is days' bound for the tasks ts that need one unary resource, with the
// fixed days of the set: nFixed of them, isFixed[d] for those among the days
// (nil when none is).
func (sd *subsetDays) unary(ts []int, nFixed int, isFixed []bool) int {
	p, dc := sd.c.p, sd.dc
	byKey := map[string]*class{}
	var classes []*class
	for _, t := range ts {
		cs := dc.envelope(t)
		k := dc.key(cs)
		cl := byKey[k]
		if cl == nil {
			cl = &class{key: k, cs: cs, from: MaxTime, most: dc.measure(cs).max}
			byKey[k] = cl
			classes = append(classes, cl)
		}
		cl.work += p.Tasks[t].Duration
		cl.from = min(cl.from, sd.est[t])
	}
	sort.SliceStable(classes, func(i, j int) bool {
		if classes[i].most != classes[j].most {
			return classes[i].most < classes[j].most
		}
		return classes[i].key < classes[j].key
	})
	best := 0
	work, from := 0, MaxTime
	var keys []string
	for k, cl := range classes {
		work += cl.work
		from = min(from, cl.from)
		keys = append(keys, cl.key)
		capacity := sd.union(classes[:k+1], keys)
		first := sd.c.dayOf(from)
		most := 0
		left := work
		for d := max(0, first); d < len(capacity); d++ {
			switch {
			case isFixed == nil || !isFixed[d]:
				most = max(most, capacity[d])
			case d == first:
				// from the earliest start on (the diagnostic's afternoon)
				left -= sd.unionWork(keys, from, dc.starts[d+1])
			default:
				left -= capacity[d]
			}
		}
		days := nFixed
		if left > 0 {
			if most == 0 {
				continue // cannot be placed at all: no bound from it
			}
			days += (left + most - 1) / most
		}
		best = max(best, days)
	}
	return best
}

// unionWork is the working time of the union of the envelopes of the classes
// keys (in the cache) inside [a, b).
func (sd *subsetDays) unionWork(keys []string, a, b int) int {
	ps := sd.perDay[unionKey(keys)].pieces
	w := 0
	for i := sort.Search(len(ps), func(i int) bool { return ps[i].End > a }); i < len(ps) && ps[i].Start < b; i++ {
		w += min(ps[i].End, b) - max(ps[i].Start, a)
	}
	return w
}

// union is the working time of the union of the envelopes of classes on each
// day, cached by their keys; the union of classes[:len-1] is in the cache (the
// prefixes are asked in order), so each step merges one class's stretches in.
func (sd *subsetDays) union(classes []*class, keys []string) []int {
	k := unionKey(keys)
	if x, ok := sd.perDay[k]; ok {
		return x.days
	}
	last := classes[len(classes)-1]
	own := sd.dc.walked(last.key, last.cs).pieces
	pieces := own
	if len(keys) > 1 {
		// merged in a scratch buffer and kept at its size (the envelopes
		// overlap: the union is often not much longer than one of them)
		sd.scratch = mergeWindowsInto(sd.scratch[:0], sd.perDay[unionKey(keys[:len(keys)-1])].pieces, own)
		pieces = slices.Clone(sd.scratch)
	}
	x := &dayUnion{pieces: pieces, days: sd.dc.perDay(pieces)}
	sd.perDay[k] = x
	for _, key := range keys {
		if !sd.dc.shared[key] {
			sd.own = append(sd.own, k)
			break
		}
	}
	return x.days
}

// forget drops, once a group is done, the walks and the unions that no other
// group reads: those of an envelope that only this group has (no other set of
// tasks makes the same key); the bound of each task and each list of calendars
// (dayCounter.cache) stays.
func (sd *subsetDays) forget() {
	dc := sd.dc
	for _, k := range dc.walkedNow {
		if !dc.shared[k] {
			delete(dc.walks, k)
		}
	}
	dc.walkedNow = dc.walkedNow[:0]
	for _, k := range sd.own {
		delete(sd.perDay, k)
	}
	sd.own = sd.own[:0]
}

// dayUnion is the stretches of a union of envelopes and its working time on
// each day.
type dayUnion struct {
	pieces []Window
	days   []int
}

func unionKey(keys []string) string {
	sorted := slices.Clone(keys)
	sort.Strings(sorted)
	return strings.Join(sorted, "|")
}

// mergeWindows is the union of two sorted lists of stretches, sorted and merged.
func mergeWindows(a, b []Window) []Window {
	return mergeWindowsInto(make([]Window, 0, len(a)+len(b)), a, b)
}

// mergeWindowsInto appends to out (empty) the union of two sorted lists of
// stretches, sorted and merged.
func mergeWindowsInto(out, a, b []Window) []Window {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var w Window
		if j == len(b) || i < len(a) && a[i].Start <= b[j].Start {
			w, i = a[i], i+1
		} else {
			w, j = b[j], j+1
		}
		if n := len(out); n > 0 && w.Start <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, w.End)
			continue
		}
		out = append(out, w)
	}
	return out
}

// perDay is the working time of pieces (sorted, disjoint) on each day.
func (dc *dayCounter) perDay(pieces []Window) []int {
	ds := dc.starts
	out := make([]int, len(ds)-1)
	d := 0
	for _, w := range pieces {
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

// intsKey names a list of ints (as fmt.Sprint would, without its cost).
func intsKey(xs []int) string {
	b := make([]byte, 0, 8*len(xs))
	for _, x := range xs {
		b = strconv.AppendInt(b, int64(x), 10)
		b = append(b, ' ')
	}
	return string(b)
}
