package solver

// The disjunctive graph of a schedule, for problems where every task runs on
// fixed unary resources with no calendar (job-shop and its kin), searched by the
// tabu search of tabu.go.

// disjunctive reports whether the tabu search applies to the problem.
func (c *compiled) disjunctive() bool {
	p := c.p
	if len(p.Spans) > 0 || len(p.DayLimits) > 0 || p.Horizon > 0 {
		return false
	}
	o := p.Objective
	if o.Makespan <= 0 || o.GroupEnd != 0 || o.GroupDays != 0 || o.GroupDaysOver != 0 || o.Tardiness != 0 || o.Preference != 0 {
		return false
	}
	for _, r := range p.Resources {
		if r.Capacity != 1 || r.Calendar != nil {
			return false
		}
	}
	for t := range p.Tasks {
		task := &p.Tasks[t]
		if task.Fixed || task.Anchored || task.Deadline > 0 || task.Calendar != nil || task.Discouraged != nil || len(c.modes[t]) != 1 {
			return false
		}
	}
	for _, pr := range p.Precedences {
		if pr.LagCalendar != nil || pr.MaxLag >= 0 || pr.MinLag < 0 {
			return false
		}
	}
	return true
}

// dgraph is the disjunctive graph of a schedule: fixed arcs (precedences) and, per
// machine, a sequence of tasks.
type dgraph struct {
	c     *compiled
	n     int
	dur   []int
	rel   []int
	res   [][]int // machines of each task
	seq   [][]int // tasks of each machine, in order
	pos   [][]int // pos[t][k]: index of t in seq[res[t][k]]
	head  []int
	tail  []int
	order []int
	indeg []int
	fast  *fastGraph // nil unless every task runs on one machine
	ends  []int      // criticalBlocks' scratch
}

func newDGraph(c *compiled, pl []Placement) *dgraph {
	n := len(c.p.Tasks)
	g := &dgraph{c: c, n: n, dur: make([]int, n), rel: make([]int, n), res: make([][]int, n), pos: make([][]int, n),
		seq: make([][]int, len(c.p.Resources)), head: make([]int, n), tail: make([]int, n), order: make([]int, 0, n), indeg: make([]int, n)}
	for t := range c.p.Tasks {
		g.dur[t] = c.p.Tasks[t].Duration
		g.rel[t] = c.p.Tasks[t].Release
		for _, u := range c.modes[t][0].use {
			g.res[t] = append(g.res[t], u.r)
		}
	}
	// machine sequences in the order of the given schedule
	byStart := make([]int, 0, n)
	for t := 0; t < n; t++ {
		byStart = append(byStart, t)
	}
	sortByStart(byStart, pl)
	for _, t := range byStart {
		for _, r := range g.res[t] {
			g.seq[r] = append(g.seq[r], t)
		}
	}
	g.reindex()
	g.initFast()
	return g
}

func sortByStart(ts []int, pl []Placement) {
	// insertion-friendly: a stable sort by (start, end, index)
	less := func(a, b int) bool {
		if pl[a].Start != pl[b].Start {
			return pl[a].Start < pl[b].Start
		}
		if pl[a].End != pl[b].End {
			return pl[a].End < pl[b].End
		}
		return a < b
	}
	quickSort(ts, less)
}

func quickSort(a []int, less func(x, y int) bool) {
	for len(a) > 12 {
		p := a[len(a)/2]
		i, j := 0, len(a)-1
		for i <= j {
			for less(a[i], p) {
				i++
			}
			for less(p, a[j]) {
				j--
			}
			if i <= j {
				a[i], a[j] = a[j], a[i]
				i++
				j--
			}
		}
		if j+1 < len(a)-i {
			quickSort(a[:j+1], less)
			a = a[i:]
		} else {
			quickSort(a[i:], less)
			a = a[:j+1]
		}
	}
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && less(a[j], a[j-1]); j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

func (g *dgraph) reindex() {
	for t := range g.pos {
		g.pos[t] = g.pos[t][:0]
	}
	for t := 0; t < g.n; t++ {
		g.pos[t] = g.pos[t][:0]
		for range g.res[t] {
			g.pos[t] = append(g.pos[t], 0)
		}
	}
	for r, s := range g.seq {
		for i, t := range s {
			for k, rr := range g.res[t] {
				if rr == r {
					g.pos[t][k] = i
				}
			}
		}
	}
}

// machine neighbours of t on its k-th machine
func (g *dgraph) mprev(t, k int) int {
	if i := g.pos[t][k]; i > 0 {
		return g.seq[g.res[t][k]][i-1]
	}
	return -1
}

func (g *dgraph) mnext(t, k int) int {
	s := g.seq[g.res[t][k]]
	if i := g.pos[t][k]; i+1 < len(s) {
		return s[i+1]
	}
	return -1
}

// evaluate computes heads, tails and the makespan; ok is false on a cycle.
func (g *dgraph) evaluate() (int, bool) {
	if g.fast != nil {
		return g.evaluateFast()
	}
	c := g.c
	for t := 0; t < g.n; t++ {
		g.indeg[t] = len(c.preds[t])
		for k := range g.res[t] {
			if g.mprev(t, k) >= 0 {
				g.indeg[t]++
			}
		}
	}
	g.order = g.order[:0]
	for t := 0; t < g.n; t++ {
		if g.indeg[t] == 0 {
			g.order = append(g.order, t)
		}
		g.head[t] = g.rel[t]
	}
	for i := 0; i < len(g.order); i++ {
		t := g.order[i]
		end := g.head[t] + g.dur[t]
		for _, a := range c.succs[t] {
			g.head[a.other] = max(g.head[a.other], end+a.minLag)
			if g.indeg[a.other]--; g.indeg[a.other] == 0 {
				g.order = append(g.order, a.other)
			}
		}
		for k := range g.res[t] {
			if s := g.mnext(t, k); s >= 0 {
				g.head[s] = max(g.head[s], end)
				if g.indeg[s]--; g.indeg[s] == 0 {
					g.order = append(g.order, s)
				}
			}
		}
	}
	if len(g.order) < g.n {
		return 0, false
	}
	mk := 0
	for i := g.n - 1; i >= 0; i-- {
		t := g.order[i]
		q := 0
		for _, a := range c.succs[t] {
			q = max(q, a.minLag+g.dur[a.other]+g.tail[a.other])
		}
		for k := range g.res[t] {
			if s := g.mnext(t, k); s >= 0 {
				q = max(q, g.dur[s]+g.tail[s])
			}
		}
		g.tail[t] = q
		mk = max(mk, g.head[t]+g.dur[t]+q)
	}
	return mk, true
}

func (g *dgraph) machineIndex(t, r int) int {
	for k, rr := range g.res[t] {
		if rr == r {
			return k
		}
	}
	return -1
}

// otherMachineHead/Tail: contributions of t's other machines (tasks on several machines).
func (g *dgraph) otherMachineHead(t, r int) int {
	h := 0
	for k, rr := range g.res[t] {
		if rr != r {
			if p := g.mprev(t, k); p >= 0 {
				h = max(h, g.head[p]+g.dur[p])
			}
		}
	}
	return h
}

func (g *dgraph) otherMachineTail(t, r int) int {
	q := 0
	for k, rr := range g.res[t] {
		if rr != r {
			if s := g.mnext(t, k); s >= 0 {
				q = max(q, g.dur[s]+g.tail[s])
			}
		}
	}
	return q
}

func (g *dgraph) placements() []Placement {
	pl := make([]Placement, g.n)
	for t := 0; t < g.n; t++ {
		pl[t] = Placement{Placed: true, Start: g.head[t], End: g.head[t] + g.dur[t], Choice: g.c.modes[t][0].choice, Blocker: -1}
	}
	return pl
}

func (g *dgraph) snapshot() [][]int {
	out := make([][]int, len(g.seq))
	for r, s := range g.seq {
		out[r] = append([]int(nil), s...)
	}
	return out
}

func (g *dgraph) restore(seq [][]int) {
	for r := range seq {
		g.seq[r] = append(g.seq[r][:0], seq[r]...)
	}
	g.reindex()
	g.relinkAll()
}
