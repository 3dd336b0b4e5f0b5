package solver

import "sort"

// The merge neighbourhood of the large-neighbourhood search, on problems that aim
// at the days bound (towardBounds): a group whose days cost most above its days
// bound (tournament of three on daysGain, as the days neighbourhood) has tasks
// alone on a day (no other task of the group touches it); one of them is moved onto a day
// its group works already, the nearest before or after its own on which its
// calendars, lags, spans and day limits let it start (fitsDay), by taking it
// out with the tasks of other groups that occupy its resources that day and
// putting it back first, released at that day's start and placed by fewest days,
// then the others at their earliest. The lone day goes when the resources allow;
// the schedule's score decides whether the result is kept. Up to mergeTries
// groups are drawn before the move gives up.

// kindMerge is the merge neighbourhood's kind (lns.drawKind).
const kindMerge = 7

// mergeBlockers caps the tasks taken off the target day beside the lone task.
const mergeBlockers = 12

// pickMerge fills the merge neighbourhood (see above): up to mergeTries groups
// are drawn until one has a lone task with a day of its group in reach.
func (l *lns) pickMerge() {
	for try := 0; try < mergeTries; try++ {
		g := l.worstDaysGroup()
		count := map[int]int{} // day -> tasks of g touching it
		for _, u := range l.byGroup[g] {
			if p := l.st.pl[u]; p.Placed {
				l.st.touchedDaysOf(u, l.st.mode[u], p.Start, p.End, func(d int) { count[d]++ })
			}
		}
		lone := l.loneTasks(g, count)
		for _, k := range l.rng.Perm(len(lone)) {
			if day := l.mergeDayOf(lone[k], count); day >= 0 {
				l.takeMerge(lone[k], g, day)
				return
			}
		}
	}
}

// mergeDayOf draws the day t may move to: the nearest day of its group's before
// its start or the nearest after (count: the tasks of the group touching each
// day) that t does not touch and may start on (fitsDay); -1 when none.
func (l *lns) mergeDayOf(t int, count map[int]int) int {
	c := l.c
	p := l.st.pl[t]
	est, ok, _ := l.st.earliestFromPreds(t)
	if !ok {
		return -1
	}
	lim := l.latestEnd(t, false)
	mine := map[int]bool{}
	l.st.touchedDaysOf(t, l.st.mode[t], p.Start, p.End, func(d int) { mine[d] = true })
	d0 := c.dayOf(p.Start)
	// the days in reach, nearest first on each side
	var before, after []int
	for d, n := range count {
		if mine[d] || n == 0 {
			continue
		}
		if d < d0 {
			before = append(before, d)
		} else if d > d0 {
			after = append(after, d)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(before)))
	sort.Ints(after)
	first := func(ds []int) int {
		for _, d := range ds {
			if l.fitsDay(t, d, est, lim) {
				return d
			}
		}
		return -1
	}
	if l.rng.IntN(2) == 0 {
		before, after = after, before
	}
	if d := first(before); d >= 0 {
		return d
	}
	return first(after)
}

// takeMerge adds t, to be put back first from the start of day (by fewest days,
// as a task of group g), and the tasks that occupy its resources that day.
func (l *lns) takeMerge(t, g, day int) {
	l.add(t)
	l.first = t
	l.fewDays = g
	l.delay[t] = l.st.dayStart(day)
	l.addBlockers(t, g, l.st.dayStart(day), l.st.dayStart(day+1))
}

// fitsDay reports whether the calendars of some mode of t let it start on day d,
// from est on, and end by lim, within its day limits, maximum lags and spans
// (the resources aside).
func (l *lns) fitsDay(t, d, est, lim int) bool {
	from, to := max(est, l.st.dayStart(d)), l.st.dayStart(d+1)
	if from >= to || from >= lim {
		return false
	}
	for _, li := range l.c.limitsOf[t] {
		if m := l.c.p.DayLimits[li].MaxPerDay; m > 0 && l.st.count[li][d] >= m {
			return false
		}
	}
	task := &l.c.p.Tasks[t]
	for _, md := range l.c.modes[t] {
		var s, e int
		var ok bool
		if task.Contiguous {
			s, ok = md.cal.FitContiguous(from, task.Duration)
			e = s + task.Duration
		} else {
			s, e, ok = md.cal.Advance(from, task.Duration)
		}
		if ok && s < to && e <= lim && l.lagsAndSpansOK(t, s, e) {
			return true
		}
	}
	return false
}

// latestEnd is the latest end of t that its placed successors' minimum lags
// allow (MaxTime: none; MinTime: a lag that cannot be met); with skipRemoved,
// successors taken out by this move do not count (the repair's end cap).
func (l *lns) latestEnd(t int, skipRemoved bool) int {
	if skipRemoved {
		return l.st.succCap(t, l.inR)
	}
	return l.st.succCap(t, nil)
}

// worstDaysGroup draws a group by a tournament of three on what its days cost
// above its days bound (daysGain).
func (l *lns) worstDaysGroup() int {
	c := l.c
	bounds := c.dayBoundsOf()
	best, bestX := -1, 0.0
	l.st.tally.flush()
	for k := 0; k < 3; k++ {
		g := l.rng.IntN(c.groups)
		x := l.daysGain(g, bounds)
		if best < 0 || x > bestX {
			best, bestX = g, x
		}
	}
	return best
}

// loneTasks is the placed, movable tasks of g that touch a day no other task of
// g touches (count: the tasks of g touching each day).
func (l *lns) loneTasks(g int, count map[int]int) []int {
	c := l.c
	var lone []int
	for _, u := range l.byGroup[g] {
		p := l.st.pl[u]
		if !p.Placed || c.p.Tasks[u].Fixed || c.p.Tasks[u].Anchored && p.Start == c.p.Tasks[u].AnchorStart {
			continue
		}
		alone := false
		l.st.touchedDaysOf(u, l.st.mode[u], p.Start, p.End, func(d int) {
			if count[d] == 1 {
				alone = true
			}
		})
		if alone {
			lone = append(lone, u)
		}
	}
	return lone
}

// addBlockers adds the tasks of other groups than g that use a resource some
// mode of t uses and overlap [from, to), the nearest to from first, up to
// mergeBlockers.
func (l *lns) addBlockers(t, g, from, to int) {
	c := l.c
	var bs []int
	seen := map[int]bool{}
	for _, md := range c.modes[t] {
		for _, u := range md.use {
			for _, v := range l.byRes[u.r] {
				p := l.st.pl[v]
				if seen[v] || !p.Placed || c.p.Tasks[v].Group == g || p.Start >= to || p.End <= from {
					continue
				}
				seen[v] = true
				bs = append(bs, v)
			}
		}
	}
	sort.Slice(bs, func(i, j int) bool {
		a, b := l.st.pl[bs[i]].Start, l.st.pl[bs[j]].Start
		return a < b || a == b && bs[i] < bs[j]
	})
	for _, v := range bs[:min(len(bs), mergeBlockers)] {
		l.add(v)
	}
}

// mergeTries is how many groups the merge neighbourhood draws at most.
const mergeTries = 3

// mergeOneIn: one draw in mergeOneIn is the merge neighbourhood.
const mergeOneIn = 8
