package solver

import (
	"math/rand/v2"
	"slices"
	"sort"
)

// Large-neighbourhood search for general problems (calendars, alternatives,
// cumulative resources, lags, day limits): remove a set of related tasks from the
// current schedule and put them back one by one at their earliest feasible place,
// in a random precedence-feasible order; keep the result when late acceptance says
// so. Neighbourhoods: whole groups (dwellings) with related ones, a time window, one
// resource's tasks over a stretch, and the tail of the schedule.

// lns is one worker's search state.
type lns struct {
	c   *compiled
	st  *state
	rng *rand.Rand
	// current solution's score, and the late-acceptance history
	cur     Score
	history []Score
	iter    int
	// scratch
	inR     []bool
	removed []int
	oldPl   []Placement
	oldMode []int
	byGroup [][]int
	byRes   [][]int
	resOf   [][]int // per task: the resources of byRes it is listed under
	// keyed, tasks: scratch of the window, tail, stretch and hold pickers (no
	// allocation of the problem's size a step)
	keyed []keyedTask
	tasks []int
	// release raised for the next repair (compaction of a group)
	delay map[int]int
	// towardBounds: the days neighbourhood is drawn (lnsbounds.go); fewDays is
	// the group the next repair places by fewest days (-1: none)
	towardBounds bool
	fewDays      int
	// holdRes: the resources split tasks hold beyond their work (lnshold.go);
	// hold is the one whose tasks the next repair places by least hold (-1: none)
	holdRes []int
	hold    int
	// ahead: the group the next repair puts back first (-1: none; lnshold.go)
	ahead int
	// align: the align neighbourhood is drawn (lnsalign.go)
	align bool
	// first: the task the next repair puts back first (-1: none; lnsmerge.go)
	first int
	// pullRes: the resources the end bound binds by (lnspull.go); pullG marks
	// the groups the next repair places by fewest days (pulled lists them);
	// front: the tasks it puts back first; minHeld: the least each task holds
	// beyond its work (leastBeyond)
	pullRes []int
	pullG   []bool
	pulled  []int
	front   []int
	minHeld map[int]int
}

// lahcLength is the late-acceptance memory a search starts with, and keeps
// unless lnshistory.go sizes it (days problems).
const lahcLength = 50

// keyedTask is a task with a sort key (a distance, an end).
type keyedTask struct{ t, k int }

// the neighbourhoods of lnsbounds.go, beside 0-3 (groups, window, resource, tail)
const kindDays = 4

// the hold neighbourhood of lnshold.go
const kindHold = 5

// the ahead neighbourhood of lnshold.go
const kindAhead = 6

func newLNS(c *compiled, st *state, rng *rand.Rand) *lns {
	l := &lns{c: c, st: st, rng: rng, inR: make([]bool, len(c.p.Tasks)), delay: map[int]int{}, fewDays: -1, hold: -1, ahead: -1, first: -1}
	l.towardBounds = c.towardBounds()
	l.align = c.alignMove()
	l.holdRes = c.holdResources()
	l.pullRes = c.pullResources()
	l.pullG = make([]bool, c.groups)
	l.byGroup = make([][]int, c.groups)
	for t := range c.p.Tasks {
		if g := c.p.Tasks[t].Group; g >= 0 {
			l.byGroup[g] = append(l.byGroup[g], t)
		}
	}
	l.byRes = make([][]int, len(c.p.Resources))
	l.resOf = make([][]int, len(c.p.Tasks))
	for t := range c.p.Tasks {
		seen := map[int]bool{}
		for _, d := range c.p.Tasks[t].Demands {
			for _, r := range d.Alternatives {
				if !seen[r] {
					seen[r] = true
					l.byRes[r] = append(l.byRes[r], t)
					l.resOf[t] = append(l.resOf[t], r)
				}
			}
		}
	}
	st.fileTimes()
	l.cur = st.score()
	l.history = make([]Score, lahcLength)
	for i := range l.history {
		l.history[i] = l.cur
	}
	return l
}

// step runs one destroy-and-repair move; it reports whether the state changed.
func (l *lns) step() bool {
	l.iter++
	l.pickNeighbourhood()
	if len(l.removed) == 0 {
		return false
	}
	if !l.repair() {
		l.revert()
		return false
	}
	sc := l.st.score()
	h := &l.history[l.iter%len(l.history)]
	changed := false
	if !l.cur.Less(sc) || !h.Less(sc) {
		// accepted: no worse than the current or than the score L steps ago
		changed = sc != l.cur
		l.cur = sc
	} else {
		l.revert()
	}
	if l.cur.Less(*h) {
		*h = l.cur
	}
	return changed
}

// pickNeighbourhood fills l.removed (and marks l.inR) and removes those tasks.
// The draws from the random stream come in a fixed order (the size, the kind, then
// the picker's own), which makes a run deterministic for a seed.
func (l *lns) pickNeighbourhood() {
	for _, t := range l.removed {
		l.inR[t] = false
	}
	l.removed = l.removed[:0]
	l.fewDays = -1
	l.hold = -1
	l.ahead = -1
	l.first = -1
	l.clearPull()
	target := min(8+l.rng.IntN(24), len(l.c.p.Tasks))
	kind := l.drawKind()
	switch kind {
	case kindAlign:
		l.pickAlign()
	case kindPull:
		l.pickPull(l.add)
	case kindMerge:
		l.pickMerge()
	case kindAhead:
		l.pickAhead(l.add)
	case kindHold:
		l.pickHold(l.add, target)
	case kindDays:
		l.pickDays(l.add)
	case 0:
		l.pickGroups(target)
	case 1:
		l.pickWindow(target)
	case 2:
		l.pickStretch(target)
	default:
		l.pickTail(target)
	}
	if l.towardBounds && kind < 3 && !l.c.plainRepairs {
		// the groups, window and stretch moves put the tasks of groups back
		// by fewest days too (lnsbounds.go): placed at their earliest, they
		// gave back, on 1,000 dwellings, half the days the days neighbourhood
		// took off. The tail move, which pulls the end in, keeps the earliest
		// (by fewest days too, it cost the end: bench/RESULTS.md, branch days1k)
		l.fewDays = allGroups
	}
	l.rememberAndRemove()
}

// allGroups, as lns.fewDays: the next repair places the tasks of every group by
// fewest days.
const allGroups = -2

// add takes t into the neighbourhood unless it is fixed or taken already.
func (l *lns) add(t int) {
	if !l.inR[t] && !l.c.p.Tasks[t].Fixed {
		l.inR[t] = true
		l.removed = append(l.removed, t)
	}
}

// drawKind draws the neighbourhood: 0-3 (groups, window, resource, tail), or one
// of kindDays, kindHold, kindAhead, kindMerge, kindPull, kindAlign. It also clears the delays of the last move.
func (l *lns) drawKind() int {
	c := l.c
	kind := l.rng.IntN(4)
	if c.groups == 0 && kind == 0 {
		kind = 1
	}
	clear(l.delay)
	if kind == 0 && l.towardBounds {
		// half of the group draws: one group placed by fewest days (lnsbounds.go)
		kind = [...]int{kindDays, 0}[l.rng.IntN(2)]
	}
	if kind != kindDays && l.towardBounds && l.rng.IntN(2) == 0 {
		// and half the others: the days moves improve the example's plans most
		// per step (45 of 340 against 33 of 2,300 for the others)
		kind = kindDays
	}
	if len(l.holdRes) > 0 && l.rng.IntN(4) == 0 {
		// a quarter of the draws: the crew's tasks by least hold (lnshold.go)
		kind = kindHold
	}
	if c.groups > 0 && c.p.Objective.Makespan > 0 && l.rng.IntN(8) == 0 {
		// an eighth: the last group passes before its neighbours on the crews
		kind = kindAhead
	}
	if l.towardBounds && !c.noMergeMove && l.rng.IntN(mergeOneIn) == 0 {
		// the merge neighbourhood (lnsmerge.go)
		kind = kindMerge
	}
	if len(l.pullRes) > 0 && l.rng.IntN(pullOneIn) == 0 {
		// the binding resources' jobs packed with their groups (lnspull.go)
		kind = kindPull
	}
	if l.align && l.rng.IntN(alignOneIn) == 0 {
		// a task started late on a lone day realigned (lnsalign.go)
		kind = kindAlign
	}
	return kind
}

// pickGroups takes a random group and its neighbours in number; or, half the
// time, the group alone put back later than it started (compaction).
func (l *lns) pickGroups(target int) {
	c := l.c
	g := l.rng.IntN(c.groups)
	if l.rng.IntN(2) == 0 {
		// compaction: put one group back later than it started, so that its
		// works come closer together (fewer disturbed days)
		lo, hi := MaxTime, MinTime
		for _, t := range l.byGroup[g] {
			if p := l.st.pl[t]; p.Placed && !c.p.Tasks[t].Fixed {
				lo, hi = min(lo, p.Start), max(hi, p.End)
			}
		}
		if lo < hi {
			at := lo + int(l.rng.Float64()*0.5*float64(hi-lo))
			for _, t := range l.byGroup[g] {
				l.add(t)
				l.delay[t] = at
			}
			return
		}
	}
	for k := 0; len(l.removed) < target && k < c.groups; k++ {
		gg := (g + k) % c.groups
		if k%2 == 1 {
			gg = (g - (k+1)/2 + c.groups) % c.groups
		}
		for _, t := range l.byGroup[gg] {
			l.add(t)
		}
	}
}

// pickWindow takes the tasks starting nearest a random task's start.
func (l *lns) pickWindow(target int) {
	c := l.c
	t0 := l.rng.IntN(len(c.p.Tasks))
	at := l.st.pl[t0].Start
	if !l.st.pl[t0].Placed {
		l.add(t0)
	}
	for _, x := range l.nearestStarts(at, target-len(l.removed)) {
		if len(l.removed) >= target {
			break
		}
		l.add(x.t)
	}
}

// pickStretch takes a random resource's tasks over a stretch of its timeline.
func (l *lns) pickStretch(target int) {
	r := l.rng.IntN(len(l.c.p.Resources))
	ts := l.byRes[r]
	if len(ts) == 0 {
		return
	}
	placed := l.placedOf(ts)
	sort.Slice(placed, func(i, j int) bool { return l.st.pl[placed[i]].Start < l.st.pl[placed[j]].Start })
	if len(placed) == 0 {
		return
	}
	from := l.rng.IntN(len(placed))
	for k := from; k < len(placed) && len(l.removed) < target; k++ {
		l.add(placed[k])
	}
}

// placedOf is the placed tasks of ts, in their order (in the scratch l.tasks).
func (l *lns) placedOf(ts []int) []int {
	placed := l.tasks[:0]
	for _, t := range ts {
		if l.st.pl[t].Placed {
			placed = append(placed, t)
		}
	}
	l.tasks = placed
	return placed
}

// pickTail takes the unplaced tasks and the tasks ending last (after skipping a
// random number of them), half the time with their groups.
func (l *lns) pickTail(target int) {
	c := l.c
	if l.st.tally.unplaced > 0 {
		for t := range c.p.Tasks {
			if !l.st.pl[t].Placed {
				l.add(t)
			}
		}
	}
	placed := len(c.p.Tasks) - l.st.tally.unplaced
	skip := l.rng.IntN(max(1, placed/4+1))
	l.lastEnds(skip, func(t int) bool {
		if len(l.removed) >= target {
			return false
		}
		l.add(t)
		if g := c.p.Tasks[t].Group; g >= 0 && l.rng.IntN(2) == 0 {
			for _, u := range l.byGroup[g] {
				l.add(u)
			}
		}
		return true
	})
}

// rememberAndRemove keeps the removed tasks' placements and modes for revert, and
// unplaces them.
func (l *lns) rememberAndRemove() {
	if cap(l.oldPl) < len(l.removed) {
		l.oldPl = make([]Placement, len(l.removed), 2*len(l.removed))
		l.oldMode = make([]int, len(l.removed), 2*len(l.removed))
	}
	l.oldPl = l.oldPl[:len(l.removed)]
	l.oldMode = l.oldMode[:len(l.removed)]
	for i, t := range l.removed {
		l.oldPl[i] = l.st.pl[t]
		l.oldMode[i] = l.st.mode[t]
	}
	for _, t := range l.removed {
		l.st.unplace(t)
	}
}

// repair puts the removed tasks back in a precedence-feasible order. It fails when a
// task that was placed can no longer be (so that nothing placed is ever lost).
func (l *lns) repair() bool {
	c := l.c
	order := l.repairOrder()
	for _, t := range order {
		est, ok, blk := l.st.earliestFromPreds(t)
		if !ok {
			l.st.pl[t] = Placement{Reason: ReasonPredecessor, Blocker: blk}
			continue
		}
		if d, ok := l.delay[t]; ok {
			est = max(est, d)
		}
		// successors that stay placed bound the end
		endCap := l.latestEnd(t, true)
		if endCap == MinTime {
			return false
		}
		for _, si := range c.spansOf[t] {
			sp := &c.p.Spans[si]
			for _, u := range sp.Tasks {
				if u != t && l.st.pl[u].Placed {
					est = max(est, c.spanEarliest(sp, l.st.pl[u].End))
				}
			}
		}
		l.st.endCap = endCap
		var m, s, e, b int
		var why Reason
		if offset := l.rng.IntN(len(c.modes[t])); l.hold >= 0 && c.usesRes(t, l.hold) {
			m, s, e, why, b = l.st.leastHold(t, est, offset, l.lagsAndSpansOK)
		} else if g := c.p.Tasks[t].Group; g >= 0 && (g == l.fewDays || l.pullG[g] || l.fewDays == allGroups) {
			if l.fewDays >= 0 || l.pullG[g] {
				l.st.daysAhead = daysNeighbourhoodDays
			}
			m, s, e, why, b = l.st.fewestDays(t, est, offset, l.lagsAndSpansOK)
			l.st.daysAhead = 0
		} else {
			m, s, e, why, b = l.st.bestModeSpan(t, est, offset)
		}
		l.st.endCap = MaxTime
		if m < 0 {
			l.st.pl[t] = Placement{Reason: why, Blocker: b}
			continue
		}
		if !l.lagsAndSpansOK(t, s, e) {
			l.st.pl[t] = Placement{Reason: ReasonMaxLag, Blocker: -1}
			continue
		}
		l.st.place(t, m, s, e)
	}
	// nothing that was placed may end up unplaced
	for i, t := range l.removed {
		if l.oldPl[i].Placed && !l.st.pl[t].Placed {
			return false
		}
	}
	return true
}

// lagsAndSpansOK checks the maximum lags and span limits of t placed at [s, e)
// against placed tasks.
func (l *lns) lagsAndSpansOK(t, s, e int) bool {
	c := l.c
	for _, a := range c.preds[t] {
		if a.maxLag >= 0 && l.st.pl[a.other].Placed && s > l.st.pl[a.other].End+a.maxLag {
			return false
		}
	}
	for _, a := range c.succs[t] {
		if a.maxLag >= 0 && l.st.pl[a.other].Placed && l.st.pl[a.other].Start > e+a.maxLag {
			return false
		}
	}
	for _, si := range c.spansOf[t] {
		sp := &c.p.Spans[si]
		lo, hi := s, e
		for _, u := range sp.Tasks {
			if u != t && l.st.pl[u].Placed {
				lo, hi = min(lo, l.st.pl[u].Start), max(hi, l.st.pl[u].End)
			}
		}
		if c.spanOver(sp, lo, hi) {
			return false
		}
	}
	return true
}

// repairOrder sorts the removed tasks by their old start with noise, then fixes
// the order so that predecessors come first.
func (l *lns) repairOrder() []int {
	c := l.c
	key := make(map[int]float64, len(l.removed))
	noise := float64(l.rng.IntN(3)) * 0.5
	span := 1.0
	for i, t := range l.removed {
		k := float64(c.est[t])
		if l.oldPl[i].Placed {
			k = float64(l.oldPl[i].Start)
		}
		key[t] = k
		span = max(span, k)
	}
	for _, t := range l.removed {
		key[t] += noise * l.rng.Float64() * span / 10
		if l.ahead >= 0 && c.p.Tasks[t].Group == l.ahead || t == l.first || slices.Contains(l.front, t) {
			key[t] -= 2 * span
		}
	}
	// Kahn's algorithm restricted to the removed set, smallest key first
	indeg := map[int]int{}
	for _, t := range l.removed {
		for _, a := range c.preds[t] {
			if l.inR[a.other] {
				indeg[t]++
			}
		}
	}
	ready := []int{}
	for _, t := range l.removed {
		if indeg[t] == 0 {
			ready = append(ready, t)
		}
	}
	out := make([]int, 0, len(l.removed))
	for len(ready) > 0 {
		bi := 0
		for i := range ready {
			if key[ready[i]] < key[ready[bi]] || key[ready[i]] == key[ready[bi]] && ready[i] < ready[bi] {
				bi = i
			}
		}
		t := ready[bi]
		ready = append(ready[:bi], ready[bi+1:]...)
		out = append(out, t)
		for _, a := range c.succs[t] {
			if l.inR[a.other] {
				indeg[a.other]--
				if indeg[a.other] == 0 {
					ready = append(ready, a.other)
				}
			}
		}
	}
	return out
}

// revert restores the removed tasks to where they were.
func (l *lns) revert() {
	for _, t := range l.removed {
		l.st.unplace(t)
	}
	for i, t := range l.removed {
		if l.oldPl[i].Placed {
			l.st.place(t, l.oldMode[i], l.oldPl[i].Start, l.oldPl[i].End)
		} else {
			l.st.pl[t] = l.oldPl[i]
		}
	}
}
