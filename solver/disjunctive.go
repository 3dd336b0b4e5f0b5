package solver

import (
	"math/rand/v2"
)

// Tabu search on the disjunctive graph, for problems where every task runs on
// fixed unary resources with no calendar (job-shop and its kin): the N5
// neighbourhood of Nowicki & Smutnicki (swap the first two or the last two tasks
// of a block of the critical path), moves rated by the head-and-tail estimate of
// Balas & Vazacopoulos, a tabu list on reversed arcs with aspiration, and restarts
// from the best schedule after a long stall.

// disjunctive reports whether the tabu search applies to the problem.
func (c *compiled) disjunctive() bool {
	p := c.p
	if len(p.Spans) > 0 || len(p.DayLimits) > 0 || p.Horizon > 0 {
		return false
	}
	o := p.Objective
	if o.Makespan <= 0 || o.GroupEnd != 0 || o.GroupDays != 0 || o.Tardiness != 0 || o.Preference != 0 {
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

// move swaps adjacent u, v (u before v) on machine r.
type move struct {
	u, v, r int
	est     int
}

// criticalMoves lists the N5 moves of one critical path: for each block (a run of
// critical tasks on one machine), swap its first two tasks unless it is the first
// block, and its last two unless it is the last block.
func (g *dgraph) criticalMoves(mk int, rng *rand.Rand, out []move) []move {
	out = out[:0]
	var ends []int
	for t := 0; t < g.n; t++ {
		if g.head[t]+g.dur[t] == mk && g.tail[t] == 0 {
			ends = append(ends, t)
		}
	}
	if len(ends) == 0 {
		return out
	}
	// walk back along a critical path; arc[i] is the machine of the arc into
	// path[i] from path[i+1], or -1 for a precedence
	t := ends[rng.IntN(len(ends))]
	path := []int{t}
	var arc []int
	for {
		next, via := -1, -1
		for k := range g.res[t] {
			if p := g.mprev(t, k); p >= 0 && g.head[p]+g.dur[p] == g.head[t] {
				next, via = p, g.res[t][k]
				break
			}
		}
		if next < 0 {
			for _, a := range g.c.preds[t] {
				if g.head[a.other]+g.dur[a.other]+a.minLag == g.head[t] {
					next = a.other
					break
				}
			}
		}
		if next < 0 {
			break
		}
		arc = append(arc, via)
		path = append(path, next)
		t = next
	}
	// forward order
	L := len(path)
	cp := make([]int, L)
	for i := range path {
		cp[L-1-i] = path[i]
	}
	mach := make([]int, L-1) // mach[i]: machine of the arc cp[i] -> cp[i+1]
	for i := range arc {
		mach[L-2-i] = arc[i]
	}
	type block struct{ a, b, r int }
	var blocks []block
	for i := 0; i < L-1; {
		if mach[i] < 0 {
			i++
			continue
		}
		j := i
		for j+1 < L-1 && mach[j+1] == mach[i] {
			j++
		}
		blocks = append(blocks, block{i, j + 1, mach[i]})
		i = j + 1
	}
	for bi, bl := range blocks {
		if bi > 0 {
			out = append(out, move{u: cp[bl.a], v: cp[bl.a+1], r: bl.r})
		}
		if bi < len(blocks)-1 && (bi == 0 || bl.b-1 != bl.a) {
			out = append(out, move{u: cp[bl.b-1], v: cp[bl.b], r: bl.r})
		}
	}
	if len(out) == 0 {
		// one block only: every adjacent swap inside it (N1); none at all means
		// the path is a chain of precedences and the schedule is optimal
		for _, bl := range blocks {
			for i := bl.a; i < bl.b; i++ {
				out = append(out, move{u: cp[i], v: cp[i+1], r: bl.r})
			}
		}
	}
	return out
}

// estimate rates swapping adjacent u, v on machine r (Balas & Vazacopoulos).
func (g *dgraph) estimate(m move) int {
	c := g.c
	u, v := m.u, m.v
	ku, kv := g.machineIndex(u, m.r), g.machineIndex(v, m.r)
	// heads
	hv := g.rel[v]
	for _, a := range c.preds[v] {
		hv = max(hv, g.head[a.other]+g.dur[a.other]+a.minLag)
	}
	if p := g.mprev(u, ku); p >= 0 {
		hv = max(hv, g.head[p]+g.dur[p])
	}
	hv = max(hv, g.otherMachineHead(v, m.r))
	hu := g.rel[u]
	for _, a := range c.preds[u] {
		hu = max(hu, g.head[a.other]+g.dur[a.other]+a.minLag)
	}
	hu = max(hu, hv+g.dur[v])
	hu = max(hu, g.otherMachineHead(u, m.r))
	// tails
	qu := 0
	for _, a := range c.succs[u] {
		qu = max(qu, a.minLag+g.dur[a.other]+g.tail[a.other])
	}
	if s := g.mnext(v, kv); s >= 0 {
		qu = max(qu, g.dur[s]+g.tail[s])
	}
	qu = max(qu, g.otherMachineTail(u, m.r))
	qv := 0
	for _, a := range c.succs[v] {
		qv = max(qv, a.minLag+g.dur[a.other]+g.tail[a.other])
	}
	qv = max(qv, g.dur[u]+qu)
	qv = max(qv, g.otherMachineTail(v, m.r))
	return max(hv+g.dur[v]+qv, hu+g.dur[u]+qu)
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

func (g *dgraph) apply(m move) {
	ku, kv := g.machineIndex(m.u, m.r), g.machineIndex(m.v, m.r)
	i, j := g.pos[m.u][ku], g.pos[m.v][kv]
	s := g.seq[m.r]
	s[i], s[j] = s[j], s[i]
	g.pos[m.u][ku], g.pos[m.v][kv] = j, i
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
}

// tabu runs the search from a complete schedule, offering improvements.
func (wk *worker) tabu(from *candidate, budget int, stop func() bool, offer func(*candidate)) {
	c := wk.c
	if from.score.Unplaced > 0 {
		return
	}
	g := newDGraph(c, from.pl)
	mk, ok := g.evaluate()
	if !ok {
		return
	}
	rng := rand.New(rand.NewPCG(uint64(wk.seed), uint64(2<<32+wk.index)))
	best, bestSeq := mk, g.snapshot()
	tabuUntil := map[[2]int]int{} // arc (a before b) forbidden until iteration
	machines := 0
	for _, s := range g.seq {
		if len(s) > 0 {
			machines++
		}
	}
	// a short tenure, growing slowly with the number of tasks per machine
	tenure := 4 + g.n/max(1, machines)/4
	if wk.index%2 == 1 {
		// a portfolio: the odd workers search with a longer memory
		tenure += tenure / 2
	}
	stallMax := 4000 + 20*g.n
	stall := 0
	var moves []move
	for it := 1; budget == 0 || it <= budget; it++ {
		if it&255 == 0 && stop() {
			return
		}
		moves = g.criticalMoves(mk, rng, moves)
		if len(moves) == 0 {
			return // the critical path has no block: the schedule is optimal
		}
		bi, bestEst := -1, MaxTime
		for i := range moves {
			m := &moves[i]
			m.est = g.estimate(*m)
			forbidden := tabuUntil[[2]int{m.v, m.u}] > it
			if forbidden && m.est >= best {
				continue
			}
			if m.est < bestEst || m.est == bestEst && rng.IntN(2) == 0 {
				bi, bestEst = i, m.est
			}
		}
		if bi < 0 {
			bi = rng.IntN(len(moves))
		}
		m := moves[bi]
		g.apply(m)
		tabuUntil[[2]int{m.u, m.v}] = it + tenure + rng.IntN(tenure/2+1)
		nmk, ok := g.evaluate()
		if !ok { // cannot happen with N5 moves; undo to be safe
			g.apply(move{u: m.v, v: m.u, r: m.r})
			mk, _ = g.evaluate()
			continue
		}
		mk = nmk
		if mk < best {
			best, bestSeq, stall = mk, g.snapshot(), 0
			pl := g.placements()
			sc, tm := c.score(pl, make([]int, g.n))
			offer(&candidate{pl: pl, mode: make([]int, g.n), score: sc, terms: tm, k: 1<<40 + it*64 + wk.index})
			continue
		}
		if stall++; stall > stallMax {
			// restart from the best schedule, shaken by a few random moves
			g.restore(bestSeq)
			mk, _ = g.evaluate()
			clear(tabuUntil)
			for k := 0; k < 3+rng.IntN(5); k++ {
				ms := g.criticalMoves(mk, rng, moves)
				if len(ms) == 0 {
					break
				}
				g.apply(ms[rng.IntN(len(ms))])
				mk, _ = g.evaluate()
			}
			stall = 0
		}
	}
}
