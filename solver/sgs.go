package solver

import (
	"container/heap"
	"math/rand/v2"
)

// maxBackjumps bounds how often one task may send the construction back to move a
// predecessor (maximum lags, span limits) before it is left unplaced.
const maxBackjumps = 64

// activityList orders the tasks by priority (lower first) among those whose
// predecessors are all listed: a precedence-feasible list for the serial scheme.
func (c *compiled) activityList(prio []float64) []int {
	n := len(c.p.Tasks)
	indeg := make([]int, n)
	for i := range c.preds {
		indeg[i] = len(c.preds[i])
	}
	h := &prioHeap{prio: prio}
	for i := 0; i < n; i++ {
		if indeg[i] == 0 {
			h.items = append(h.items, i)
		}
	}
	heap.Init(h)
	list := make([]int, 0, n)
	for h.Len() > 0 {
		t := heap.Pop(h).(int)
		list = append(list, t)
		for _, a := range c.succs[t] {
			indeg[a.other]--
			if indeg[a.other] == 0 {
				heap.Push(h, a.other)
			}
		}
	}
	return list
}

type prioHeap struct {
	items []int
	prio  []float64
}

func (h *prioHeap) Len() int { return len(h.items) }
func (h *prioHeap) Less(i, j int) bool {
	a, b := h.items[i], h.items[j]
	if h.prio[a] != h.prio[b] {
		return h.prio[a] < h.prio[b]
	}
	return a < b
}
func (h *prioHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *prioHeap) Push(x any)    { h.items = append(h.items, x.(int)) }
func (h *prioHeap) Pop() any {
	n := len(h.items)
	x := h.items[n-1]
	h.items = h.items[:n-1]
	return x
}

// earliestFromPreds is the earliest start of t allowed by its placed predecessors,
// or ok=false with the unplaced predecessor.
func (st *state) earliestFromPreds(t int) (est int, ok bool, blocker int) {
	task := &st.c.p.Tasks[t]
	est = task.Release
	for _, a := range st.c.preds[t] {
		p := &st.pl[a.other]
		if !p.Placed {
			return 0, false, a.other
		}
		at := p.End + a.minLag
		if a.lagCal != nil && a.minLag > 0 {
			_, e, ok := a.lagCal.Advance(p.End, a.minLag)
			if !ok {
				return 0, false, a.other
			}
			at = e
		}
		est = max(est, at)
	}
	return est, true, -1
}

// bestMode places t at its earliest over all modes: the earliest end, then the
// earliest start, then the lowest mode index rotated by offset. A failed mode's
// reason counts only when every mode fails.
func (st *state) bestMode(t, est, offset int) (m, s, e int, why Reason, blocker int) {
	if task := &st.c.p.Tasks[t]; task.Anchored && (st.hints || st.c.firstAtAnchor[t]) {
		if m, s, e, ok := st.anchoredMode(t, est); ok {
			return m, s, e, ReasonNone, -1
		}
	}
	ms := st.c.modes[t]
	m = -1
	why = ReasonNoWindow
	blocker = -1
	for k := range ms {
		mi := (k + offset) % len(ms)
		// once a mode ends by e, a mode ending later is dropped: its walk
		// stops there
		by := MaxTime
		if m >= 0 {
			by = e
		}
		ss, ee, w, b := st.earliestBy(t, mi, est, by)
		if w != ReasonNone {
			if w > why || why == ReasonNoWindow {
				why, blocker = w, b
			}
			continue
		}
		if m < 0 || ee < e || ee == e && ss < s {
			m, s, e = mi, ss, ee
		}
	}
	if m >= 0 {
		if st.c.p.Tasks[t].Discouraged != nil {
			m, s, e = st.avoidDiscouraged(t, est, offset, m, s, e)
		}
		if st.c.modes[t][m].unpref {
			m, s, e = st.preferMode(t, est, offset, m, s, e)
		}
		return m, s, e, ReasonNone, -1
	}
	return -1, 0, 0, why, blocker
}

// anchoredMode places an anchored task as close to its anchor as it can: at the
// anchor itself (in the anchor's choice first), else at the nearest of the earliest
// start from est and the earliest start from the anchor. ok is false when no mode
// fits at all.
func (st *state) anchoredMode(t, est int) (m, s, e int, ok bool) {
	task := &st.c.p.Tasks[t]
	ms := st.c.modes[t]
	a := task.AnchorStart
	m = -1
	dist := func(x int) int {
		if x < a {
			return a - x
		}
		return x - a
	}
	try := func(mi, from int) {
		ss, ee, w, _ := st.earliest(t, mi, from)
		if from == a && ss != a {
			// the anchor itself, even off the grid: an unmoved task is worth more
			if s2, e2, w2, _ := st.earliestRaw(t, mi, a, 0, 0); w2 == ReasonNone && s2 == a {
				ss, ee, w = s2, e2, w2
			}
		}
		if w != ReasonNone {
			return
		}
		if m < 0 || dist(ss) < dist(s) || dist(ss) == dist(s) && ee < e {
			m, s, e = mi, ss, ee
		}
	}
	if a >= est {
		// the anchor's own choice first, so that an unmoved task keeps its resources
		for mi := range ms {
			if sameChoice(ms[mi].choice, task.AnchorChoice) {
				try(mi, a)
				if m >= 0 && s == a {
					return m, s, e, true
				}
			}
		}
		for mi := range ms {
			try(mi, a)
		}
		if m >= 0 && s == a {
			return m, s, e, true
		}
	}
	for mi := range ms {
		try(mi, est)
	}
	return m, s, e, m >= 0
}

func sameChoice(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// construct runs the serial schedule generation scheme over list. Fixed tasks are
// placed first where they stand. stop is polled between tasks; when it says stop,
// the remaining tasks are left unplaced with ReasonTimeout.
func (st *state) construct(list []int, rng *rand.Rand, stop func() bool) {
	st.constructFrom(list, 0, rng, stop)
}

// constructFrom is construct resumed at list[from:], the state holding the
// schedule of list[:from] (from 0: a whole construction). Only problems without
// maximum lags and span limits may resume (a backjump could reach into the
// prefix, whose raised releases are not kept).
func (st *state) constructFrom(list []int, from int, rng *rand.Rand, stop func() bool) {
	if from == 0 {
		st.placeFixed()
	}
	st.constructRange(list, from, len(list), newSGSScratch(st.c, list), rng, stop)
}

// placeFixed empties the schedule and places the fixed tasks where they stand.
func (st *state) placeFixed() {
	st.reset()
	for i := range st.c.p.Tasks {
		t := &st.c.p.Tasks[i]
		if t.Fixed {
			m := st.fixedMode(i)
			st.place(i, m, t.Start, t.End)
		}
	}
}

// sgsScratch is what the schedule generation scheme keeps over one list: the
// releases raised by backjumps, the backjumps of each task, each task's position
// in the list, and the lowest position a backjump went back to (low).
type sgsScratch struct {
	extra, jumps, pos []int
	low               int
}

func newSGSScratch(c *compiled, list []int) *sgsScratch {
	n := len(c.p.Tasks)
	sc := &sgsScratch{extra: make([]int, n), jumps: make([]int, n), pos: make([]int, n), low: len(list)}
	for k, t := range list {
		sc.pos[t] = k
	}
	return sc
}

// leaveTimedOut leaves the tasks not placed, nor fixed, unplaced because the
// search stopped before it considered them.
func (st *state) leaveTimedOut(tasks []int) {
	for _, u := range tasks {
		if !st.c.p.Tasks[u].Fixed && !st.pl[u].Placed {
			st.pl[u] = Placement{Reason: ReasonTimeout, Blocker: -1}
		}
	}
}

// constructRange places list[from:to] (the state holding the schedule of the
// tasks before), as constructFrom does; a backjump may go back before from.
// With st.release set, a task t starts no earlier than release[t].
//
// One long function: the schedule generation scheme's inner loop (pick the next
// eligible task, find its earliest feasible start across its calendars, resources,
// lags and day limits, place it, backjump on a maximum lag), the hottest code of
// the engine; it keeps its working variables in registers and its backjump in
// the same frame.
func (st *state) constructRange(list []int, from, to int, sc *sgsScratch, rng *rand.Rand, stop func() bool) {
	c := st.c
	extra, jumps, pos := sc.extra, sc.jumps, sc.pos
	for k := from; k < to; k++ {
		t := list[k]
		if c.p.Tasks[t].Fixed {
			continue
		}
		if k&63 == 0 && stop != nil && stop() {
			st.leaveTimedOut(list[k:])
			return
		}
		est, ok, blk := st.earliestFromPreds(t)
		if !ok {
			st.pl[t] = Placement{Reason: ReasonPredecessor, Blocker: blk}
			continue
		}
		est = max(est, extra[t])
		if st.release != nil {
			est = max(est, st.release[t])
		}
		offset := 0
		if rng != nil && len(c.modes[t]) > 1 {
			offset = rng.IntN(len(c.modes[t]))
		}
		// a span limit also bounds how early t may start: within Max of the
		// latest end of the group's placed tasks
		for _, si := range c.spansOf[t] {
			sp := &c.p.Spans[si]
			for _, u := range sp.Tasks {
				if u != t && st.pl[u].Placed {
					est = max(est, c.spanEarliest(sp, st.pl[u].End))
				}
			}
		}
		var m, s, e, b int
		var why Reason
		if st.holdFirst >= 0 && c.usesRes(t, st.holdFirst) {
			m, s, e, why, b = st.leastHold(t, est, offset, st.predLagsOK)
		} else if st.fewDays {
			m, s, e, why, b = st.fewestDays(t, est, offset, st.predLagsOK)
		} else {
			m, s, e, why, b = st.bestModeSpan(t, est, offset)
		}
		if m < 0 {
			st.pl[t] = Placement{Reason: why, Blocker: b}
			continue
		}
		// maximum lags from placed predecessors
		back := -1
		for _, a := range c.preds[t] {
			if a.maxLag < 0 {
				continue
			}
			p := &st.pl[a.other]
			if s > p.End+a.maxLag {
				if c.p.Tasks[a.other].Fixed || jumps[t] >= maxBackjumps {
					back = -2
					break
				}
				extra[a.other] = max(extra[a.other], p.Start+s-(p.End+a.maxLag))
				if back < 0 || pos[a.other] < back {
					back = pos[a.other]
				}
			}
		}
		if back == -2 {
			st.pl[t] = Placement{Reason: ReasonMaxLag, Blocker: -1}
			continue
		}
		// span limits
		if back < 0 {
			for _, si := range c.spansOf[t] {
				sp := &c.p.Spans[si]
				if c.spanOver(sp, s, e) {
					back = -2
					break
				}
				lo := c.spanEarliest(sp, e)
				for _, u := range sp.Tasks {
					if u == t || !st.pl[u].Placed || st.pl[u].Start >= lo {
						continue
					}
					if c.p.Tasks[u].Fixed || jumps[t] >= maxBackjumps {
						back = -2
						break
					}
					extra[u] = max(extra[u], lo)
					if back < 0 || pos[u] < back {
						back = pos[u]
					}
				}
				if back == -2 {
					break
				}
			}
			if back == -2 {
				st.pl[t] = Placement{Reason: ReasonSpan, Blocker: -1}
				continue
			}
		}
		if back >= 0 {
			sc.low = min(sc.low, back)
			jumps[t]++
			for _, u := range list[back:k] {
				if !c.p.Tasks[u].Fixed {
					st.unplace(u)
				}
			}
			k = back - 1
			continue
		}
		st.place(t, m, s, e)
	}
}

// predLagsOK reports whether t placed at [s, e) meets the maximum lags from its
// placed predecessors and the span limits with its group's placed tasks.
func (st *state) predLagsOK(t, s, e int) bool {
	for _, a := range st.c.preds[t] {
		if p := &st.pl[a.other]; a.maxLag >= 0 && p.Placed && s > p.End+a.maxLag {
			return false
		}
	}
	// and the span limits with the group's placed tasks (a later start tried for
	// fewer days must not stretch a dwelling's time without heating or water past
	// its limit: placed there, the task would be left out)
	for _, si := range st.c.spansOf[t] {
		sp := &st.c.p.Spans[si]
		lo, hi := s, e
		for _, u := range sp.Tasks {
			if u != t && st.pl[u].Placed {
				lo, hi = min(lo, st.pl[u].Start), max(hi, st.pl[u].End)
			}
		}
		if st.c.spanOver(sp, lo, hi) {
			return false
		}
	}
	return true
}

// fixedMode finds the mode of a fixed task matching its given choice (0 if none).
func (st *state) fixedMode(t int) int {
	ch := st.c.p.Tasks[t].Choice
	for mi, m := range st.c.modes[t] {
		same := true
		for k := range m.choice {
			if m.choice[k] != ch[k] {
				same = false
				break
			}
		}
		if same {
			return mi
		}
	}
	return 0
}
