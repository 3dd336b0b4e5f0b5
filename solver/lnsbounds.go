package solver

import "time"

// Toward the days bound a works manager reads (ComputeBounds), on problems with
// groups, days and the GroupDays goal: a placement rule, fewest days (each task of
// a group at the start, among its earliest and the first starts of the next
// days, that touches the fewest days its group does not touch already, then the
// earliest end: short interventions move onto the days of their neighbours, or to
// a day's start where they fit in fewer days, when the lags and the resources
// allow), used by every construction, and a neighbourhood of the
// large-neighbourhood search: one group whose days cost most above its days bound
// (a dwelling disturbed more days than its interventions need) is taken out and
// put back by fewest days. The schedule's score decides whether a result is kept
// (a justification pass or a search step keeps it only when it scores no worse).

// daysSearchDays is how many later days' first starts the fewest-days placement
// of the constructions tries for a task beyond its earliest start.
const daysSearchDays = 3

// daysNeighbourhoodDays is how many the days neighbourhood tries: a week and
// more, so that a household at home one day a week gets its works that day.
const daysNeighbourhoodDays = 8

// towardBounds reports whether the search aims at the days bound: the problem
// has groups, days and the GroupDays goal (and the test that measures the rule
// has not left it out).
func (c *compiled) towardBounds() bool {
	return !c.noDaysMove && c.groups > 0 && len(c.p.DayStarts) > 1 && c.p.Objective.GroupDays > 0
}

// dayBoundsOf is the days bound of each group, computed once per solve.
func (c *compiled) dayBoundsOf() []int {
	c.dayBoundsOnce.Do(func() { c.dayBounds = c.groupDayBounds() })
	return c.dayBounds
}

// pickDays chooses a group by a tournament of three on what its days cost above
// its bound (daysGain), marks its tasks for the fewest-days placement and adds
// them.
func (l *lns) pickDays(add func(int)) {
	c := l.c
	bounds := c.dayBoundsOf()
	best, bestX := -1, 0.0
	for k := 0; k < 3; k++ {
		g := l.rng.IntN(c.groups)
		l.st.tally.flush()
		x := l.daysGain(g, bounds)
		if best < 0 || x > bestX {
			best, bestX = g, x
		}
	}
	l.fewDays = best
	for _, t := range l.byGroup[best] {
		add(t)
	}
}

// daysGain is what the score would gain if group g touched only as many days
// as its days bound (bounds[g]; 0: none known): the days above the bound at the
// GroupDays weight, and those above both the bound and the group's limit at the
// GroupDaysOver weight. The tournaments of the days and merge neighbourhoods
// draw on it. (They drew on days over bound, which favours small bounds over
// costly groups and moved with every change of the bound: a tighter bound for
// some groups changed the draws and, on the example, cost the end ≈1.5% at a
// fixed work limit; bench/RESULTS.md, issue 20, branch trade20.)
func (l *lns) daysGain(g int, bounds []int) float64 {
	o := &l.c.p.Objective
	days := 0 // a group with nothing placed touches none
	if l.st.tally.groupEnd[g] > MinTime {
		days = l.st.tally.days[g] + 1 // the tally counts the days beyond the first
	}
	b := 0
	if g < len(bounds) {
		b = bounds[g]
	}
	x := o.GroupDays * float64(days-b)
	if lim := l.c.p.GroupDaysLimit; g < len(lim) && lim[g] > 0 {
		x += o.GroupDaysOver * float64(max(0, days-max(b, lim[g])))
	}
	return x
}

// fewestDays places t, a task of a group: over its earliest start from est and
// the starts of the next daysSearchDays days, the placement that adds the fewest
// days to those its group touches, then ends first. A later start is taken only
// when fits accepts it (the caller's maximum lags and spans); st.endCap holds.
func (st *state) fewestDays(t, est, offset int, fits func(t, s, e int) bool) (m, s, e int, why Reason, blocker int) {
	c := st.c
	m, s, e, why, blocker = st.bestModeSpan(t, est, offset) // with the span retries (a lone task over a span tries later)
	task := &c.p.Tasks[t]
	g := task.Group
	if m < 0 || g < 0 || len(c.p.DayStarts) < 2 || task.Anchored && s == task.AnchorStart {
		return m, s, e, why, blocker // a task that stands at its anchor stays there
	}
	if c.dayOf(s) == c.dayOf(e-1) {
		// one day: it adds at most one, and no later start does better (the
		// count of days it adds is not needed)
		return m, s, e, why, blocker
	}
	if st.timed {
		defer func(t0 time.Time) { st.fewDaysTime += time.Since(t0) }(time.Now())
	}
	touched := st.groupDays(g)
	newDays := func(m, s, e int) int {
		n := 0
		st.touchedDaysOf(t, m, s, e, func(d int) {
			if !touched[d] {
				n++
			}
		})
		return n
	}
	bestNew := newDays(m, s, e)
	d0 := c.dayOf(s)
	ahead := daysSearchDays
	if st.daysAhead > 0 {
		ahead = st.daysAhead
	}
	for k := 1; k <= ahead && bestNew > 0; k++ {
		from := st.dayStart(d0 + k)
		if from >= MaxTime {
			break
		}
		m2, s2, e2, w2, _ := st.bestMode(t, from, offset)
		if w2 != ReasonNone || !fits(t, s2, e2) {
			continue
		}
		if n := newDays(m2, s2, e2); n < bestNew {
			m, s, e, bestNew = m2, s2, e2, n
		}
	}
	return m, s, e, ReasonNone, -1
}

// groupDays is the set of days the placed tasks of group g touch (scratch: valid
// until the next call).
func (st *state) groupDays(g int) map[int]bool {
	clear(st.daysSeen)
	for _, u := range st.tally.byGroup[g] {
		if p := st.pl[u]; p.Placed {
			st.touchedDaysOf(u, st.mode[u], p.Start, p.End, func(d int) { st.daysSeen[d] = true })
		}
	}
	return st.daysSeen
}
