package solver

// The fast path of the disjunctive graph when every task runs on exactly one
// machine (the job shop): machine neighbours kept in arrays, precedences in flat
// arrays, so that evaluating a schedule walks no slices of slices. It computes
// exactly what evaluate computes.

// fastGraph holds the arrays of the fast path.
type fastGraph struct {
	mp, mn []int // machine predecessor and successor of each task (-1: none)
	// precedences in compressed rows: the arcs out of t are to[out[t]:out[t+1]]
	// with their lags, those into t from[in[t]:in[t+1]]
	out, to, outLag []int
	in, from, inLag []int
}

// initFast sets up the fast path when every task uses exactly one machine.
func (g *dgraph) initFast() {
	for t := 0; t < g.n; t++ {
		if len(g.res[t]) != 1 {
			return
		}
	}
	c := g.c
	f := &fastGraph{mp: make([]int, g.n), mn: make([]int, g.n), out: make([]int, g.n+1), in: make([]int, g.n+1)}
	for t := 0; t < g.n; t++ {
		for _, a := range c.succs[t] {
			f.to = append(f.to, a.other)
			f.outLag = append(f.outLag, a.minLag)
		}
		f.out[t+1] = len(f.to)
		for _, a := range c.preds[t] {
			f.from = append(f.from, a.other)
			f.inLag = append(f.inLag, a.minLag)
		}
		f.in[t+1] = len(f.from)
	}
	g.fast = f
	g.relinkAll()
}

// relinkAll sets every task's machine neighbours from the sequences.
func (g *dgraph) relinkAll() {
	if g.fast == nil {
		return
	}
	for _, s := range g.seq {
		g.relinkRange(s, 0, len(s)-1)
	}
}

// relinkRange sets the machine neighbours of s[lo..hi] (and of the tasks just
// outside, whose neighbours may have changed).
func (g *dgraph) relinkRange(s []int, lo, hi int) {
	f := g.fast
	for i := max(0, lo-1); i <= min(len(s)-1, hi+1); i++ {
		t := s[i]
		f.mp[t], f.mn[t] = -1, -1
		if i > 0 {
			f.mp[t] = s[i-1]
		}
		if i+1 < len(s) {
			f.mn[t] = s[i+1]
		}
	}
}

// evaluateFast is evaluate on the fast path.
func (g *dgraph) evaluateFast() (int, bool) {
	f := g.fast
	n := g.n
	head, tail, dur, indeg := g.head, g.tail, g.dur, g.indeg
	order := g.order[:0]
	for t := 0; t < n; t++ {
		d := f.in[t+1] - f.in[t]
		if f.mp[t] >= 0 {
			d++
		}
		indeg[t] = d
		head[t] = g.rel[t]
		if d == 0 {
			order = append(order, t)
		}
	}
	for i := 0; i < len(order); i++ {
		t := order[i]
		end := head[t] + dur[t]
		for j := f.out[t]; j < f.out[t+1]; j++ {
			o := f.to[j]
			if v := end + f.outLag[j]; v > head[o] {
				head[o] = v
			}
			if indeg[o]--; indeg[o] == 0 {
				order = append(order, o)
			}
		}
		if s := f.mn[t]; s >= 0 {
			if end > head[s] {
				head[s] = end
			}
			if indeg[s]--; indeg[s] == 0 {
				order = append(order, s)
			}
		}
	}
	g.order = order
	if len(order) < n {
		return 0, false
	}
	mk := 0
	for i := n - 1; i >= 0; i-- {
		t := order[i]
		q := 0
		for j := f.out[t]; j < f.out[t+1]; j++ {
			o := f.to[j]
			if v := f.outLag[j] + dur[o] + tail[o]; v > q {
				q = v
			}
		}
		if s := f.mn[t]; s >= 0 {
			if v := dur[s] + tail[s]; v > q {
				q = v
			}
		}
		tail[t] = q
		if v := head[t] + dur[t] + q; v > mk {
			mk = v
		}
	}
	return mk, true
}
