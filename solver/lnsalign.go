package solver

// The align neighbourhood of the large-neighbourhood search, on problems that aim
// at the days bound (towardBounds): a task of a group that touches two days or
// more, the first of which no other task of its group touches (a whole day's
// work started in the afternoon touches two days where one would do), is taken
// out with the tasks of other groups that hold its resources on its later days
// and its group's successors that start before the day after its end; it is put
// back first, by fewest days (its earliest start, or the first start of one of
// the next days, whichever touches fewer days its group does not touch), then
// the others by fewest days. The lone part-day goes when the resources and the
// successors allow; the schedule's score decides whether the result is kept.
// On 1,000 generated dwellings at 300,000 work (bench/RESULTS.md, par25) it
// takes about 300 off the score and 0.003 off the days ratio; most part-days
// there are the households' hours, which no move takes off.

// kindAlign is the align neighbourhood's kind (lns.drawKind).
const kindAlign = 9

// alignTries is how many tasks the align neighbourhood draws at most before it
// gives up.
const alignTries = 24

// alignOneIn: one draw in alignOneIn is the align neighbourhood.
const alignOneIn = 8

// alignMove reports whether the search draws the align neighbourhood: on
// problems that aim at the days bound with more than historyTasks tasks, where
// a task is taken out a dozen times in a search (1,000 dwellings at 300,000
// work: 12 steps a task), not on smaller ones, where the other moves take each
// task out often enough (the example at 150,000 work, 89 a task: with the move
// one draw in 8, seeds 1-8, the score 16 worse and the days 0.005 more,
// bench/RESULTS.md, par25). The problems below that size keep their plans.
func (c *compiled) alignMove() bool {
	return c.towardBounds() && !c.noAlignMove && (len(c.p.Tasks) > historyTasks || c.alignAnySize)
}

// pickAlign fills the align neighbourhood (see above).
func (l *lns) pickAlign() {
	c := l.c
	for try := 0; try < alignTries; try++ {
		t := l.rng.IntN(len(c.p.Tasks))
		first, last, ok := l.misaligned(t)
		if !ok {
			continue
		}
		g := c.p.Tasks[t].Group
		l.add(t)
		l.first = t
		l.fewDays = allGroups
		l.addBlockers(t, g, l.st.dayStart(first+1), l.st.dayStart(last+1))
		before := l.st.dayStart(last + 2)
		for _, a := range c.succs[t] {
			if u := a.other; c.p.Tasks[u].Group == g && l.st.pl[u].Placed && l.st.pl[u].Start < before {
				l.add(u)
			}
		}
		return
	}
}

// misaligned reports whether t, placed and movable in a group, touches two days
// or more, the first of which no other task of its group touches; first and
// last are the days it touches first and last.
func (l *lns) misaligned(t int) (first, last int, ok bool) {
	c := l.c
	task := &c.p.Tasks[t]
	p := l.st.pl[t]
	g := task.Group
	if g < 0 || !p.Placed || task.Fixed || task.Anchored && p.Start == task.AnchorStart || l.st.mode[t] < 0 {
		return 0, 0, false
	}
	first, last = c.dayOf(p.Start), c.dayOf(p.End-1)
	if first == last {
		return first, last, false
	}
	for _, u := range l.byGroup[g] {
		pu := l.st.pl[u]
		if u == t || !pu.Placed || pu.Start >= l.st.dayStart(first+1) || pu.End <= l.st.dayStart(first) {
			continue
		}
		shared := false
		l.st.touchedDaysOf(u, l.st.mode[u], pu.Start, pu.End, func(d int) { shared = shared || d == first })
		if shared {
			return first, last, false
		}
	}
	return first, last, true
}
