package solver

import "slices"

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
	// the topological order of the last evaluation and each task's place in it;
	// valid tells whether they (and the heads and tails) are those of the
	// current sequences
	opos       []int
	valid      bool
	mark       []int // visit stamps of the reordering's searches
	stamp      int
	fwd, bwd   []int // the reordering's searches: tasks found
	stack, buf []int
	// when every task has at most one precedence predecessor and one successor
	// (the job shop's chains): jp, js that predecessor and successor (-1: none),
	// jpl, jsl their lags; nil otherwise
	jp, js, jpl, jsl []int
	// the same links packed per task for chainHeadsTails' two walks (one load
	// and one bounds check a task instead of four), kept with mp and mn
	hl []headLinks
	tl []tailLinks
	// the tasks without precedence successors, in index order, when every
	// duration is positive (nil otherwise): the schedule's last tasks are among
	// them, the last of their machines
	sinks []int
}

// initFast sets up the fast path when every task uses exactly one machine.
func (g *dgraph) initFast() {
	for t := 0; t < g.n; t++ {
		if len(g.res[t]) != 1 {
			return
		}
	}
	c := g.c
	f := &fastGraph{mp: make([]int, g.n), mn: make([]int, g.n), out: make([]int, g.n+1), in: make([]int, g.n+1),
		opos: make([]int, g.n), mark: make([]int, g.n)}
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
	for t := 0; t < g.n; t++ {
		if g.dur[t] <= 0 {
			f.sinks = nil
			break
		}
		if f.out[t+1] == f.out[t] {
			f.sinks = append(f.sinks, t)
		}
	}
	f.setChains(g.n, g.rel)
	g.fast = f
	g.relinkAll()
}

// headLinks are what a task's head is computed from on chains: its release,
// its job predecessor jp with the lag jpl and its machine predecessor mp (-1:
// none).
type headLinks struct {
	rel, jpl int
	jp, mp   int32
}

// tailLinks are what a task's tail is computed from on chains: its job
// successor js with the lag jsl and its machine successor mn (-1: none).
type tailLinks struct {
	jsl    int
	js, mn int32
}

// setChains sets jp, js, jpl and jsl (and hl, tl) when every task has at most
// one precedence predecessor and one successor.
func (f *fastGraph) setChains(n int, rel []int) {
	for t := 0; t < n; t++ {
		if f.out[t+1]-f.out[t] > 1 || f.in[t+1]-f.in[t] > 1 {
			return
		}
	}
	f.jp, f.js, f.jpl, f.jsl = make([]int, n), make([]int, n), make([]int, n), make([]int, n)
	for t := 0; t < n; t++ {
		f.jp[t], f.js[t] = -1, -1
		if f.in[t+1] > f.in[t] {
			f.jp[t], f.jpl[t] = f.from[f.in[t]], f.inLag[f.in[t]]
		}
		if f.out[t+1] > f.out[t] {
			f.js[t], f.jsl[t] = f.to[f.out[t]], f.outLag[f.out[t]]
		}
	}
	f.hl, f.tl = make([]headLinks, n), make([]tailLinks, n)
	for t := 0; t < n; t++ {
		f.hl[t] = headLinks{rel: rel[t], jp: int32(f.jp[t]), jpl: f.jpl[t], mp: -1}
		f.tl[t] = tailLinks{js: int32(f.js[t]), jsl: f.jsl[t], mn: -1}
	}
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
		if f.hl != nil {
			f.hl[t].mp, f.tl[t].mn = int32(f.mp[t]), int32(f.mn[t])
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
		f.valid = false
		return 0, false
	}
	for i, t := range order {
		f.opos[t] = i
	}
	f.valid = true
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

// evaluateAfter is evaluate after applyMove(m) on a graph evaluated before it:
// on the fast path it repairs the topological order where the move broke it
// (Pearce and Kelly's reordering of the affected region, which finds a cycle
// the move closes) and recomputes only the heads after the moved stretch's
// first place in the order and the tails before its last. It computes exactly
// what evaluate computes; on a cycle it changes nothing, so that undoing the
// move leaves the graph evaluated.
func (g *dgraph) evaluateAfter(m tmove) (int, bool) {
	f := g.fast
	if f == nil || !f.valid {
		return g.evaluate()
	}
	s := g.seq[m.r]
	// the one arc of the new stretch that the order may contradict
	var x, y int
	if m.fwd {
		x, y = s[m.hi-1], s[m.hi]
	} else {
		x, y = s[m.lo], s[m.lo+1]
	}
	if f.opos[y] < f.opos[x] && !g.reorder(x, y) {
		return 0, false
	}
	lo, hi := g.n, -1
	for _, t := range s[m.lo : m.hi+1] {
		lo, hi = min(lo, f.opos[t]), max(hi, f.opos[t])
	}
	if f.jp != nil {
		g.chainHeadsTails(lo, hi)
		return g.fastMakespan(), true
	}
	head, tail, dur, order := g.head, g.tail, g.dur, g.order
	for _, t := range order[lo:] {
		h := g.rel[t]
		for j := f.in[t]; j < f.in[t+1]; j++ {
			o := f.from[j]
			h = max(h, head[o]+dur[o]+f.inLag[j])
		}
		if p := f.mp[t]; p >= 0 {
			h = max(h, head[p]+dur[p])
		}
		head[t] = h
	}
	for i := hi; i >= 0; i-- {
		t := order[i]
		q := 0
		for j := f.out[t]; j < f.out[t+1]; j++ {
			o := f.to[j]
			q = max(q, f.outLag[j]+dur[o]+tail[o])
		}
		if sc := f.mn[t]; sc >= 0 {
			q = max(q, dur[sc]+tail[sc])
		}
		tail[t] = q
	}
	return g.fastMakespan(), true
}

// chainHeadsTails is evaluateAfter's recomputation when the precedences are
// chains: the heads of order[lo:] and the tails of order[:hi+1].
func (g *dgraph) chainHeadsTails(lo, hi int) {
	f := g.fast
	head, tail, dur, order, hl, tl := g.head, g.tail, g.dur, g.order, f.hl, f.tl
	for _, t := range order[lo:] {
		l := hl[t]
		h := l.rel
		if o := l.jp; o >= 0 {
			h = max(h, head[o]+dur[o]+l.jpl)
		}
		if p := l.mp; p >= 0 {
			h = max(h, head[p]+dur[p])
		}
		head[t] = h
	}
	for i := hi; i >= 0; i-- {
		t := order[i]
		l := tl[t]
		q := 0
		if o := l.js; o >= 0 {
			q = l.jsl + dur[o] + tail[o]
		}
		if sc := l.mn; sc >= 0 {
			q = max(q, dur[sc]+tail[sc])
		}
		tail[t] = q
	}
}

// fastMakespan is the latest end of the evaluated schedule on the fast path.
// With positive durations every path ends at a sink without machine successor,
// and each task lies on a path to one; otherwise it takes every task's head and
// tail.
func (g *dgraph) fastMakespan() int {
	f := g.fast
	mk := 0
	if f.sinks != nil {
		for _, t := range f.sinks {
			if f.mn[t] < 0 {
				mk = max(mk, g.head[t]+g.dur[t])
			}
		}
		return mk
	}
	for t := range g.n {
		mk = max(mk, g.head[t]+g.dur[t]+g.tail[t])
	}
	return mk
}

// reorder repairs the topological order for the new arc x->y, y placed before x:
// the tasks between them that y reaches go after those that reach x, each group
// in its former order. It reports false, changing nothing, when y reaches x.
func (g *dgraph) reorder(x, y int) bool {
	f := g.fast
	lb, ub := f.opos[y], f.opos[x]
	f.stamp++
	st := f.stamp
	// forward from y within the region
	f.fwd, f.stack = f.fwd[:0], append(f.stack[:0], y)
	f.mark[y] = st
	for len(f.stack) > 0 {
		w := f.stack[len(f.stack)-1]
		f.stack = f.stack[:len(f.stack)-1]
		f.fwd = append(f.fwd, w)
		visit := func(o int) bool {
			if o == x {
				return false
			}
			if f.mark[o] != st && f.opos[o] <= ub {
				f.mark[o] = st
				f.stack = append(f.stack, o)
			}
			return true
		}
		for j := f.out[w]; j < f.out[w+1]; j++ {
			if !visit(f.to[j]) {
				return false
			}
		}
		if o := f.mn[w]; o >= 0 && !visit(o) {
			return false
		}
	}
	// backward from x within the region
	f.bwd, f.stack = f.bwd[:0], append(f.stack[:0], x)
	f.mark[x] = st
	for len(f.stack) > 0 {
		w := f.stack[len(f.stack)-1]
		f.stack = f.stack[:len(f.stack)-1]
		f.bwd = append(f.bwd, w)
		visit := func(o int) {
			if f.mark[o] != st && f.opos[o] >= lb {
				f.mark[o] = st
				f.stack = append(f.stack, o)
			}
		}
		for j := f.in[w]; j < f.in[w+1]; j++ {
			visit(f.from[j])
		}
		if o := f.mp[w]; o >= 0 {
			visit(o)
		}
	}
	byPlace := func(a, b int) int { return f.opos[a] - f.opos[b] }
	slices.SortFunc(f.fwd, byPlace)
	slices.SortFunc(f.bwd, byPlace)
	// the places the two groups held, in order, now taken by bwd then fwd
	f.buf = f.buf[:0]
	i, j := 0, 0
	for i < len(f.bwd) || j < len(f.fwd) {
		if j == len(f.fwd) || i < len(f.bwd) && f.opos[f.bwd[i]] < f.opos[f.fwd[j]] {
			f.buf = append(f.buf, f.opos[f.bwd[i]])
			i++
		} else {
			f.buf = append(f.buf, f.opos[f.fwd[j]])
			j++
		}
	}
	k := 0
	for _, grp := range [2][]int{f.bwd, f.fwd} {
		for _, t := range grp {
			g.order[f.buf[k]] = t
			k++
		}
	}
	for _, p := range f.buf {
		f.opos[g.order[p]] = p
	}
	return true
}
