package solver

// The tasks of a group off the searched resource (a pilot's acceptance visit, a
// survey weeks later) that the precedences order with every searched task, and
// with each other, cannot overlap any of them either: every plan runs them one
// after the other too, so the serial search takes them in as it takes the
// tasks on the resource, and their days, which the search would otherwise
// leave out ("their days only add"), count. Ordered means a path of
// precedences (end to start, lags at least 0) through the group's tasks that
// are not fixed, one way or the other; the search is told the order a path
// gives when no precedence says it directly (a lag of 0: a relaxation of the
// path's, never above). A task that comes after all the others past a lag
// that alone starts a new day (the survey) shares none of their days: it is
// not searched, its fewest days are added to what the search proves (less
// the fixed days it may fall on), which costs no node and is as strong (the
// search's aggregates of later starts would blur it).

// serialOrder is the order the precedences put on a group's tasks: reach[t]
// holds the tasks a path of precedences leads to from t.
type serialOrder struct {
	reach  map[int]map[int]bool
	joined []int // the tasks off the resource joined to the search
}

// join adds to the search the tasks of ts off the resource that are ordered
// with every searched task and with those joined before them (in the order of
// ts), while the search has at most serialMax tasks; idx takes their indices.
// Those that come after all the others, past a precedence whose lag alone
// starts a new day (dayCounter.newDay), touch none of their days: they are
// not searched but kept apart as tails (serialSearch.tailDays).
func (s *serialSearch) join(ts []int, idx map[int]int, dc *dayCounter, need, est []int) *serialOrder {
	c := s.c
	p := c.p
	o := &serialOrder{reach: map[int]map[int]bool{}}
	member := map[int]bool{}
	for _, t := range ts {
		if !p.Tasks[t].Fixed {
			member[t] = true
		}
	}
	for _, t := range ts {
		if member[t] {
			o.reach[t] = c.reachAlong(t, member)
		}
	}
	in := map[int]bool{}
	for t := range idx {
		in[t] = true
	}
	var joinable []int
	for _, u := range ts {
		task := &p.Tasks[u]
		if in[u] || !member[u] || task.Duration == 0 || !o.orderedWithAll(u, in) || !c.lagsNonNegative(u, in) {
			continue
		}
		if w := dc.measure(dc.envelope(u)); w.open || w.max == 0 {
			continue
		}
		in[u] = true
		joinable = append(joinable, u)
	}
	for _, u := range joinable {
		if o.isTail(u, in, member, dc) {
			s.tails = append(s.tails, u)
			continue
		}
		if len(s.tasks) == serialMax {
			continue
		}
		task := &p.Tasks[u]
		cs := dc.envelope(u)
		s.union = mergeWindows(s.union, dc.walked(dc.key(cs), cs).pieces)
		idx[u] = len(s.tasks)
		s.tasks = append(s.tasks, serialTask{t: u, ready: max(est[u], task.Release), work: task.Duration, need: need[u], cals: distinctCals(c.modes[u])})
		o.joined = append(o.joined, u)
	}
	return o
}

// isTail reports whether u comes after every other task of in past a
// precedence whose lag alone starts a new day: one from a task w that every
// other task of in is, or precedes along a path.
func (o *serialOrder) isTail(u int, in, member map[int]bool, dc *dayCounter) bool {
	for _, a := range dc.c.preds[u] {
		w := a.other
		if !member[w] || !dc.newDay(a) {
			continue
		}
		all := true
		for v := range in {
			if v != u && v != w && !o.reach[v][w] {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// tailDays is the fewest days the tails add to the searched tasks': each
// touches its fewest days after the last day of theirs, less the fixed days
// from its earliest start on; 0 when a tail has no start by the horizon.
func (s *serialSearch) tailDays(need, est []int) int {
	add := 0
	for _, u := range s.tails {
		task := &s.c.p.Tasks[u]
		r := max(est[u], task.Release)
		placed := false
		for _, cal := range distinctCals(s.c.modes[u]) {
			if _, e, ok := s.place(cal, task, r); ok && e <= s.limit {
				placed = true
			}
		}
		if !placed {
			return 0
		}
		from := min(max(0, s.c.dayOf(r)), len(s.fixed))
		add = max(add, need[u]-s.fixedAfter[from])
	}
	return add
}

// reachAlong is the tasks of member a path of precedences with lags at least
// 0 leads to from t, through tasks of member.
func (c *compiled) reachAlong(t int, member map[int]bool) map[int]bool {
	seen := map[int]bool{}
	stack := []int{t}
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, a := range c.succs[u] {
			if v := a.other; a.minLag >= 0 && member[v] && !seen[v] {
				seen[v] = true
				stack = append(stack, v)
			}
		}
	}
	return seen
}

// orderedWithAll reports whether a path of precedences orders u with each task
// of idx, one way or the other.
func (o *serialOrder) orderedWithAll(u int, in map[int]bool) bool {
	for v := range in {
		if !o.reach[v][u] && !o.reach[u][v] {
			return false
		}
	}
	return true
}

// lagsNonNegative reports whether no precedence between u and a task of idx
// has a negative lag (the search reads each as an order).
func (c *compiled) lagsNonNegative(u int, in map[int]bool) bool {
	for _, arcs := range [][]arc{c.preds[u], c.succs[u]} {
		for _, a := range arcs {
			if in[a.other] && a.minLag < 0 {
				return false
			}
		}
	}
	return true
}

// impliedPreds gives each joined task, and each searched task a joined one
// precedes, the searched tasks a path of precedences puts before it where no
// precedence does directly (a lag of 0).
func (s *serialSearch) impliedPreds(o *serialOrder, idx map[int]int) {
	if o == nil || len(o.joined) == 0 {
		return
	}
	joined := map[int]bool{}
	for _, u := range o.joined {
		joined[u] = true
	}
	for i := range s.tasks {
		w := s.tasks[i].t
		for _, st := range s.tasks {
			v := st.t
			if v == w || !o.reach[v][w] || !joined[v] && !joined[w] || s.hasPred(i, idx[v]) {
				continue
			}
			s.tasks[i].preds = append(s.tasks[i].preds, serialPred{from: idx[v]})
		}
	}
}

// hasPred reports whether searched task i has a precedence from searched task j.
func (s *serialSearch) hasPred(i, j int) bool {
	for _, a := range s.tasks[i].preds {
		if a.from == j {
			return true
		}
	}
	return false
}
