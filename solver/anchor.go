package solver

// The anchored form of the bottleneck-first construction (bottleneck.go): the
// binding crew's jobs are placed first, each at or after its start in
// Schrage's sequence (by least hold), before their groups' other works; then
// each group, in the order of its first job, is built around its anchored
// jobs: the works before a job end by its start (st.endCap), from a common
// release tried on the anchor's day and on each of the days before it, and the
// release that touches the fewest days (then ends first) is kept; the works
// after come after it. A group whose works cannot come before its anchors is
// placed again with its jobs at their earliest after them.

// anchorBackDays bounds the days before an anchor's day that a group's
// release is tried at.
const anchorBackDays = 15

// constructAnchored places list (group-major, in the groups' order) around the
// bottleneck jobs seq, anchored at or after at; the groups held in time (held)
// first, each at its earliest, their jobs not anchored.
func (st *state) constructAnchored(list, seq, at []int, held []bool) {
	c := st.c
	st.placeFixed()
	anchor := make([]int, len(c.p.Tasks))
	for i := range anchor {
		anchor[i] = -1
	}
	for i, t := range seq {
		if g := c.p.Tasks[t].Group; g < 0 || !held[g] {
			anchor[t] = at[i]
		}
	}
	anchored := false
	sc := newSGSScratch(c, list)
	for a := 0; a < len(list); {
		g := c.p.Tasks[list[a]].Group
		b := a + 1
		for g >= 0 && b < len(list) && c.p.Tasks[list[b]].Group == g {
			b++
		}
		if !anchored && g >= 0 && !held[g] {
			st.placeAnchors(seq, anchor)
			anchored = true
		}
		st.buildAround(list, a, b, anchor, sc)
		a = b
	}
}

// placeAnchors places the tasks of seq with an anchor, in order, each at or
// after its anchor, by least hold.
func (st *state) placeAnchors(seq, anchor []int) {
	for _, t := range seq {
		at := anchor[t]
		if at < 0 || st.pl[t].Placed {
			continue
		}
		if m, s, e, why, _ := st.leastHold(t, at, 0, st.lagsOK); why == ReasonNone && m >= 0 {
			st.place(t, m, s, e)
		}
	}
}

// buildAround places run, one group's tasks (or one task without a group),
// around its anchored tasks (see above).
func (st *state) buildAround(list []int, a, b int, anchor []int, sc *sgsScratch) {
	c := st.c
	run := list[a:b]
	first := MaxTime
	for _, t := range run {
		if anchor[t] >= 0 && st.pl[t].Placed {
			first = min(first, st.pl[t].Start)
		}
	}
	g := c.p.Tasks[run[0]].Group
	if first == MaxTime || g < 0 {
		st.placeRun(run, MinTime)
		return
	}
	bestDays, bestEnd := MaxTime, MaxTime
	var best []runPlacement
	d0 := c.dayOf(first)
	for k := anchorBackDays; k >= -1; k-- {
		r := MinTime // k == -1: every task at its earliest
		if k >= 0 {
			if d0-k < 0 {
				continue
			}
			if r = st.dayStart(d0 - k); r >= MaxTime {
				continue
			}
		}
		if !st.placeRun(run, r) {
			st.unplaceFree(run, anchor)
			continue
		}
		days, end, _ := st.runDays(run, g)
		if days < bestDays || days == bestDays && end < bestEnd {
			bestDays, bestEnd, best = days, end, st.saveRun(run)
		}
		st.unplaceFree(run, anchor)
	}
	if best != nil {
		st.restoreRun(run, best)
		return
	}
	// the anchors cannot be kept: the whole group by the construction (its
	// backjumps meet the maximum lags and span limits)
	st.unplaceRun(run)
	sc.low = a
	st.constructRange(list, a, b, sc, nil, nil)
}

// unplaceFree unplaces the tasks of run that are not anchored.
func (st *state) unplaceFree(run []int, anchor []int) {
	for _, t := range run {
		if anchor[t] < 0 && st.pl[t].Placed && !st.c.p.Tasks[t].Fixed {
			st.unplace(t)
		}
	}
}

// placeRun places the tasks of run not yet placed, in order, each from its
// earliest after its placed predecessors and r, ending by its placed
// successors' starts, by fewest days (the binding crew's by least hold when
// st.holdFirst is set); false when one cannot be placed.
func (st *state) placeRun(run []int, r int) bool {
	c := st.c
	ok := true
	for _, t := range run {
		if st.pl[t].Placed || c.p.Tasks[t].Fixed {
			continue
		}
		est, predsOK, blk := st.earliestFromPreds(t)
		if !predsOK {
			st.pl[t] = Placement{Reason: ReasonPredecessor, Blocker: blk}
			ok = false
			continue
		}
		est = max(est, r)
		for _, si := range c.spansOf[t] {
			sp := &c.p.Spans[si]
			for _, u := range sp.Tasks {
				if u != t && st.pl[u].Placed {
					est = max(est, c.spanEarliest(sp, st.pl[u].End))
				}
			}
		}
		st.endCap = st.succCap(t, nil)
		var m, s, e int
		var why Reason
		if st.holdFirst >= 0 && c.usesRes(t, st.holdFirst) {
			m, s, e, why, _ = st.leastHold(t, est, 0, st.lagsOK)
		} else {
			m, s, e, why, _ = st.fewestDays(t, est, 0, st.lagsOK)
		}
		st.endCap = MaxTime
		if m < 0 || why != ReasonNone || !st.lagsOK(t, s, e) {
			st.pl[t] = Placement{Reason: why, Blocker: -1}
			ok = false
			continue
		}
		st.place(t, m, s, e)
	}
	return ok
}

// succCap is the latest end of t that its placed successors allow (MaxTime:
// none placed; MinTime: a lag that cannot be met); successors for which skip
// is true (nil: none) do not count.
func (st *state) succCap(t int, skip []bool) int {
	lim := MaxTime
	for _, a := range st.c.succs[t] {
		sp := &st.pl[a.other]
		if !sp.Placed || skip != nil && skip[a.other] {
			continue
		}
		at := sp.Start - a.minLag
		if a.lagCal != nil && a.minLag > 0 {
			s, _, ok := a.lagCal.Retreat(sp.Start, a.minLag)
			if !ok {
				return MinTime
			}
			at = s
		}
		lim = min(lim, at)
	}
	return lim
}

// lagsOK checks the maximum lags of t placed at [s, e) with its placed
// predecessors and successors, and its span limits with the placed tasks.
func (st *state) lagsOK(t, s, e int) bool {
	c := st.c
	for _, a := range c.succs[t] {
		if a.maxLag >= 0 && st.pl[a.other].Placed && st.pl[a.other].Start > e+a.maxLag {
			return false
		}
	}
	return st.predLagsOK(t, s, e)
}
