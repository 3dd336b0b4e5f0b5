package solver

import "sort"

// Edge finding inside the window bound's test of a candidate end H (see
// latest.feasible): destructive lower bounding. Each task has a head (its
// earliest start) and a deadline (its latest end for H). On each unary set (one
// resource of one unit, every task on it taking that unit and holding it from
// its start to its end), edge finding tightens the heads and deadlines; the
// tightened heads are carried forward along the precedences (with their lags
// and the tasks' calendars), the deadlines backward (latest.backward), and the
// whole is repeated a few rounds. H is refuted when a set is overloaded, when a
// task's latest start falls before its head, or when the windows of any set
// (task intervals, energetic reasoning) fail on the tightened times.
//
// The reasoning runs in the working time of the set's resource: W(t) is that
// resource's working time from an origin to t. A task worked from s to E holds
// the resource over [s, E), so over [W(s), W(E)) in working time, at least its
// work long (it works only when the resource does), or its least held time in
// the held pass; the tasks of a unary set hold disjoint stretches. So, in
// working time, the set is a one-machine problem without preemption, with
// release W(head) and deadline W(deadline), and a head raised to r there is
// raised to the first time W reaches r (a deadline lowered to d, to the last
// time W is still d).
//
// Edge finding: for a task interval Omega = {j : r_j >= a, d_j <= b} of work P
// and a task i outside it, when min(a, r_i) + P + p_i > b, i cannot end before
// all of Omega does (the last of Omega and i would end by b), so i starts after
// Omega's earliest completion, at least max over a' >= a of a' + P(a', b).
// Deadlines are the mirror image.
//
// Detectable precedences: when r_i + p_i + p_j > d_j, i cannot go before j, so
// j goes before i; i starts after all such j complete, at least max over a of
// a + the work of those j with r_j >= a.

// maxEdgeTasks bounds the unary sets edge finding looks at (a test costs up to
// the cube of their tasks), and maxEdgeRounds the rounds of propagation.
const (
	maxEdgeTasks  = 160
	maxEdgeRounds = 4
)

// isUnary says whether edge finding may reason on s: one resource of one unit,
// each task on it once, taking the unit, held from start to end, and not too
// many tasks.
func (c *compiled) isUnary(s *energySet) bool {
	p := c.p
	if len(s.res) != 1 || p.Resources[s.res[0]].Capacity != 1 || len(s.tasks) > maxEdgeTasks {
		return false
	}
	seen := map[int]bool{}
	for i, t := range s.tasks {
		d := p.Tasks[t].Demands[s.dem[i]]
		if seen[t] || d.Amount != 1 || d.WhilePresent {
			return false
		}
		seen[t] = true
	}
	return true
}

// propagate tightens l.est and l.lct for end H (backward already run on the
// heads l.est) by edge finding on the unary sets and the precedences, then
// tests the windows of sets on the tightened times. On failure it returns the
// set that refutes H (or the last one edge finding tightened). l.est is a copy
// the caller restores.
func (l *latest) propagate(H int, sets, unary []*energySet) ([]int, bool) {
	var last []int
	for round := 0; round < maxEdgeRounds; round++ {
		changed := false
		for _, s := range unary {
			ch, ok := l.edgeFind(s)
			if !ok {
				return s.res, false
			}
			if ch {
				changed, last = true, s.res
			}
		}
		if !changed {
			break
		}
		l.forward()
		if !l.backward(H) {
			return last, false
		}
	}
	if last == nil {
		return nil, true // nothing tightened: the windows already passed
	}
	if set, ok := l.windowTests(sets); !ok {
		return set, false
	}
	return nil, true
}

// forward carries the heads l.est along the precedences, in topological order:
// each task starts no earlier than its predecessors' earliest ends (from their
// heads, through their calendars) and lags allow.
func (l *latest) forward() {
	c := l.c
	for _, t := range c.topo {
		task := &c.p.Tasks[t]
		if task.Fixed {
			l.end[t] = task.End
			continue
		}
		e := max(l.est[t], c.readyAt(t, l.end))
		l.est[t] = e
		l.end[t] = c.earliestEnd(t, e)
	}
}

// edgeFind runs edge finding on unary set s with heads l.est and deadlines
// l.lct, in its resource's working time, and writes back what it tightens
// (l.est, l.lct and l.dl); changed says whether anything was; false when the
// set is overloaded.
func (l *latest) edgeFind(s *energySet) (changed, ok bool) {
	cal := l.c.p.Resources[s.res[0]].Calendar
	n := len(s.tasks)
	org := MaxTime
	for _, t := range s.tasks {
		org = min(org, l.est[t])
	}
	r, d, nr, nd := make([]int, n), make([]int, n), make([]int, n), make([]int, n)
	for i, t := range s.tasks {
		if l.lct[t] <= org {
			return false, false
		}
		r[i], d[i] = cal.Work(org, l.est[t]), cal.Work(org, l.lct[t])
		nr[i], nd[i] = -d[i], -r[i]
	}
	// heads, then deadlines as the heads of the mirror image; edge finding, then
	// detectable precedences
	if !edgeHeads(r, d, s.work, r) || !edgeHeads(nr, nd, s.work, nr) {
		return false, false
	}
	detectHeads(r, d, s.work, r)
	detectHeads(nr, nd, s.work, nr)
	for i := range r {
		if r[i]+s.work[i] > -nr[i] {
			return false, false // no room left between its head and deadline
		}
	}
	for i, t := range s.tasks {
		if r[i] > cal.Work(org, l.est[t]) {
			if _, x, fits := cal.Advance(org, r[i]); fits && x > l.est[t] {
				l.est[t], changed = x, true
			}
		}
		if -nr[i] < d[i] {
			if _, x, fits := cal.Advance(org, -nr[i]+1); fits && x-1 < l.lct[t] {
				l.lct[t], l.dl[t], changed = x-1, min(l.dl[t], x-1), true
			}
		}
	}
	return changed, true
}

// edgeHeads raises heads (r to start with) by edge finding over the task
// intervals of releases r, deadlines d and processing times p (see above);
// false when a task interval is overloaded (a + P > b).
func edgeHeads(r, d, p, heads []int) bool {
	n := len(r)
	byR := make([]int, n)
	for i := range byR {
		byR[i] = i
	}
	sort.Slice(byR, func(x, y int) bool { return r[byR[x]] > r[byR[y]] })
	bs := make([]int, n)
	copy(bs, d)
	sort.Ints(bs)
	raised := make([]int, n)
	copy(raised, r)
	var as, ps, ects []int
	for k, b := range bs {
		if k+1 < n && bs[k+1] == b {
			continue
		}
		// the task intervals [a, b) for each head a, latest first: their work P
		// and earliest completion
		as, ps, ects = as[:0], ps[:0], ects[:0]
		P, ect := 0, MinTime
		for x, i := range byR {
			if d[i] > b {
				continue
			}
			P += p[i]
			if x+1 < n && r[byR[x+1]] == r[i] && d[byR[x+1]] <= b {
				continue // the next task has the same head: one interval
			}
			ect = max(ect, r[i]+P)
			if ect > b {
				return false
			}
			as, ps, ects = append(as, r[i]), append(ps, P), append(ects, ect)
		}
		for i := range r {
			// the widest interval first: its completion is the latest
			for k := len(as) - 1; k >= 0; k-- {
				if d[i] <= b && r[i] >= as[k] {
					continue // i is inside
				}
				if min(as[k], r[i])+ps[k]+p[i] > b {
					raised[i] = max(raised[i], ects[k])
					break
				}
			}
		}
	}
	copy(heads, raised)
	return true
}

// detectHeads raises heads (r to start with) by the detectable precedences of
// releases r, deadlines d and processing times p (see above).
func detectHeads(r, d, p, heads []int) {
	n := len(r)
	raised := make([]int, n)
	copy(raised, r)
	before := make([]int, 0, n)
	for i := range r {
		before = before[:0]
		for j := range r {
			if j != i && r[i]+p[i]+p[j] > d[j] {
				before = append(before, j)
			}
		}
		if len(before) == 0 {
			continue
		}
		sort.Slice(before, func(x, y int) bool { return r[before[x]] > r[before[y]] })
		P := 0
		for _, j := range before {
			P += p[j]
			raised[i] = max(raised[i], r[j]+P)
		}
	}
	copy(heads, raised)
}
