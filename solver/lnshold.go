package solver

import "sort"

// Toward the end along a crew that split tasks hold (held.go): a task worked in
// several stretches holds its crew from its start to its end, gaps included, so
// that a job started at its earliest in a household at home two afternoons a
// week holds the crew for days it does not work. On the example the windows crew
// (the resource the end bound binds by) held 160 hours beyond its 616 hours of
// work, about three weeks of the operation's end.
//
// The hold neighbourhood of the large-neighbourhood search takes, on one such
// crew (a tournament of three on the time its placed tasks hold beyond their
// work), a stretch of its tasks and the later tasks of their groups that follow
// them by precedence, and puts the crew's tasks back by least hold: over the
// earliest start and the starts of the next stretches of the task's calendar
// before the earliest end, the one that holds the crew least, then ends first.
// The crew's freed time goes to the tasks put back after them; the schedule's
// score decides whether the result is kept.

// holdTries is how many later stretches of its calendar the least-hold
// placement tries for a task beyond its earliest start.
const holdTries = 10

// holdResources lists the resources that some task holds beyond its work: a
// demand held from start to end (not only while present) by a task that may be
// split, on a resource with a calendar (held.go's heldTask).
func (c *compiled) holdResources() []int {
	if c.noHoldMove {
		return nil
	}
	seen := make([]bool, len(c.p.Resources))
	var out []int
	for t := range c.p.Tasks {
		for d, dm := range c.p.Tasks[t].Demands {
			if !c.heldTask(t, d) {
				continue
			}
			for _, r := range dm.Alternatives {
				if !seen[r] {
					seen[r] = true
					out = append(out, r)
				}
			}
		}
	}
	sort.Ints(out)
	return out
}

// heldBeyond is the working time of resource r that task t, placed in mode m
// over [s, e), holds beyond its work (0 when m does not hold r from start to
// end).
func (c *compiled) heldBeyond(r, t, m, s, e int) int {
	cal := c.p.Resources[r].Calendar
	if cal == nil || c.p.Tasks[t].Contiguous {
		return 0
	}
	for _, u := range c.modes[t][m].use {
		if u.r == r && !u.present {
			return u.amt * max(0, cal.Work(s, e)-c.p.Tasks[t].Duration)
		}
	}
	return 0
}

// heldAll is the working time the placement holds beyond its work over every
// resource of mode m.
func (c *compiled) heldAll(t, m, s, e int) int {
	h := 0
	for _, u := range c.modes[t][m].use {
		h += c.heldBeyond(u.r, t, m, s, e)
	}
	return h
}

// waste is the time resource r's placed tasks hold beyond their work.
func (l *lns) waste(r int) int {
	w := 0
	for _, t := range l.byRes[r] {
		if p := l.st.pl[t]; p.Placed && l.st.mode[t] >= 0 {
			w += l.c.heldBeyond(r, t, l.st.mode[t], p.Start, p.End)
		}
	}
	return w
}

// pickHold fills the hold neighbourhood (see above) through add; l.hold is the
// crew whose tasks the repair puts back by least hold.
func (l *lns) pickHold(add func(int), target int) {
	c := l.c
	best, bestW := -1, -1
	for k := 0; k < 3; k++ {
		r := l.holdRes[l.rng.IntN(len(l.holdRes))]
		if w := l.waste(r); w > bestW {
			best, bestW = r, w
		}
	}
	if bestW <= 0 {
		return
	}
	placed := make([]int, 0, len(l.byRes[best]))
	for _, t := range l.byRes[best] {
		if l.st.pl[t].Placed {
			placed = append(placed, t)
		}
	}
	if len(placed) == 0 {
		return
	}
	sort.Slice(placed, func(i, j int) bool { return l.st.pl[placed[i]].Start < l.st.pl[placed[j]].Start })
	l.hold = best
	n := min(len(placed), max(2, target/3))
	from := l.rng.IntN(len(placed) - n + 1)
	var follow func(t, depth int)
	follow = func(t, depth int) {
		if depth > 4 {
			return
		}
		for _, a := range c.succs[t] {
			if u := a.other; c.p.Tasks[u].Group == c.p.Tasks[t].Group && l.st.pl[u].Placed {
				add(u)
				follow(u, depth+1)
			}
		}
	}
	for _, t := range placed[from : from+n] {
		add(t)
		follow(t, 0)
	}
}

// leastHold places t (a task of l.hold) by least hold: over its earliest
// placement and those from the starts of the next stretches of its calendar
// before that placement's end, the one that holds its resources least beyond
// its work, then ends first. A later start is taken only when fits accepts it.
func (st *state) leastHold(t, est, offset int, fits func(t, s, e int) bool) (m, s, e int, why Reason, blocker int) {
	c := st.c
	m, s, e, why, blocker = st.bestModeSpan(t, est, offset)
	if m < 0 || c.p.Tasks[t].Contiguous || c.p.Tasks[t].Anchored && s == c.p.Tasks[t].AnchorStart {
		return m, s, e, why, blocker
	}
	held := c.heldAll(t, m, s, e)
	e0 := e
	cal := c.modes[t][m].cal
	var arr [maxWalk]int
	idx := arr[:min(len(cal.cs), maxWalk)]
	p, ok := cal.pieceFrom(s, idx)
	for k := 0; k < holdTries && held > 0 && ok; k++ {
		p, ok = cal.pieceFrom(p.End, idx)
		if !ok || p.Start >= e0 {
			break
		}
		m2, s2, e2, w2, _ := st.bestMode(t, p.Start, offset)
		if w2 != ReasonNone || !fits(t, s2, e2) {
			continue
		}
		if h := c.heldAll(t, m2, s2, e2); h < held || h == held && e2 < e {
			m, s, e, held = m2, s2, e2, h
		}
	}
	return m, s, e, ReasonNone, -1
}

// usesRes reports whether some mode of t uses resource r.
func (c *compiled) usesRes(t, r int) bool {
	for _, md := range c.modes[t] {
		for _, u := range md.use {
			if u.r == r {
				return true
			}
		}
	}
	return false
}

// pickAhead fills the ahead neighbourhood through add: the group of the task
// that ends last (the end of the schedule), with the groups of the tasks that
// come just before its tasks on their resources, up to a few; the repair puts
// the last group's tasks back first (l.ahead), so that it passes before the
// others on the crews they share and the end comes earlier when they have room
// after it.
func (l *lns) pickAhead(add func(int)) {
	c := l.c
	last, end := -1, MinTime
	for t := range l.st.pl {
		if p := l.st.pl[t]; p.Placed && c.p.Tasks[t].Group >= 0 && p.End > end {
			last, end = t, p.End
		}
	}
	if last < 0 {
		return
	}
	g := c.p.Tasks[last].Group
	mine := l.byGroup[g]
	want := 2 + l.rng.IntN(4)
	taken := map[int]bool{g: true}
	for _, k := range l.rng.Perm(len(mine)) {
		if len(taken) > want {
			break
		}
		u := mine[k]
		pu := l.st.pl[u]
		if !pu.Placed || l.st.mode[u] < 0 {
			continue
		}
		for _, us := range c.modes[u][l.st.mode[u]].use {
			// the task just before u on this resource
			prev, at := -1, MinTime
			for _, v := range l.byRes[us.r] {
				if pv := l.st.pl[v]; pv.Placed && c.p.Tasks[v].Group >= 0 && pv.Start < pu.Start && pv.Start > at {
					prev, at = v, pv.Start
				}
			}
			if prev >= 0 {
				taken[c.p.Tasks[prev].Group] = true
			}
		}
	}
	l.ahead = g
	groups := make([]int, 0, len(taken))
	for h := range taken {
		groups = append(groups, h)
	}
	sort.Ints(groups)
	for _, h := range groups {
		for _, t := range l.byGroup[h] {
			add(t)
		}
	}
}
