package solver

import (
	"fmt"
	"math"
)

// The iterated greedy of a pure permutation flow shop (flowshop.go says when a
// problem is one). It works on the permutation alone, with Taillard's heads and
// tails for every insertion, and decodes an order only to offer it:
//
//   - start: NEH on the chains sorted by decreasing total time (worker 0) or by a
//     noisy total (the other workers), then the local search;
//   - each iteration takes flowDestroyed chains out at random, improves the
//     partial order by the local search (Dubois-Lacoste, Pagnozzi and Stützle,
//     2017: "local search on partial solutions"), reinserts the chains taken out
//     one by one where best (NEH), and improves the result by the local search;
//   - the local search takes every chain out in turn, in random order, and puts it
//     back where the makespan is least, ties drawn at random (so the search moves
//     on plateaus: a chain moves to another position of the same makespan), until
//     a whole round improves nothing;
//   - the result replaces the current order when better, or when worse with the
//     probability exp(-Δ/T) at Ruiz and Stützle's constant temperature
//     T = 0.4·Σp/(n·m·10).
//
// The local search reuses the heads and tails of the whole order: taking the chain
// at position k out leaves the heads before k and the tails after k as they were,
// so only the other halves are computed again.
//
// Work is counted as the generic search counts it (an insertion among k chains
// counts k+1 decodes), so a run with a work limit and a seed gives the same order
// every time; each worker runs its own chain of iterations with its own random
// source.

// flowDestroyed is how many chains an iteration takes out.
const flowDestroyed = 3

// noFlowShopIG makes a pure flow shop use the generic order search (tests compare
// the generic search's two evaluations).
var noFlowShopIG = false

// flowPlateau lets the local search move a chain to another position of the same
// makespan (tests turn it off to check that the search ends in a local optimum).
var flowPlateau = true

// flowIG is one worker's iterated greedy over a pure flow shop.
type flowIG struct {
	o    *orderSearch
	n, m int
	p    []int32 // p[chain*m+stage]
	// e, q: heads and tails of the order being searched, row i for its i-th
	// chain; e2, q2 the halves computed again when a chain is taken out
	e, q, e2, q2 []int32
	f            []int32
	ties         []int
	order        []int32
	out          bool // stopped or out of budget
}

func newFlowIG(o *orderSearch) *flowIG {
	fs := o.fs
	n, m := len(fs.p), fs.stages
	g := &flowIG{o: o, n: n, m: m, p: make([]int32, n*m)}
	for k := range fs.p {
		for j, d := range fs.p[k] {
			g.p[k*m+j] = int32(d)
		}
	}
	size := (n + 1) * m
	g.e, g.q, g.e2, g.q2 = make([]int32, size), make([]int32, size), make([]int32, size), make([]int32, size)
	g.f = make([]int32, m)
	g.order = make([]int32, 0, n)
	return g
}

// charge counts an insertion among k chains (k+1 decodes) and reports whether
// the search may go on.
func (g *flowIG) charge(k int) bool {
	o := g.o
	if g.out || o.budget >= 0 && o.budget < k+1 || o.stop() {
		g.out = true
		return false
	}
	o.decodes += k + 1
	if o.budget > 0 {
		o.budget -= k + 1
	}
	return true
}

// headRows fills rows from..to-1 of e with the heads of seq[from:to]; prev is the
// head row of seq[from-1] (nil when from = 0).
func (g *flowIG) headRows(e []int32, seq []int32, from, to int, prev []int32) {
	m := g.m
	for i := from; i < to; i++ {
		row := e[i*m : i*m+m]
		pi := g.p[int(seq[i])*m:]
		pi = pi[:len(row)]
		var left int32
		if prev == nil {
			for j := range row {
				left += pi[j]
				row[j] = left
			}
		} else {
			prev = prev[:len(row)]
			for j := range row {
				left = max(prev[j], left) + pi[j]
				row[j] = left
			}
		}
		prev = row
	}
}

// tailRows fills rows to-1 down to from of q with the tails of seq[from:to]; next
// is the tail row of seq[to] (nil when to = len(seq)).
func (g *flowIG) tailRows(q []int32, seq []int32, from, to int, next []int32) {
	m := g.m
	for i := to - 1; i >= from; i-- {
		row := q[i*m : i*m+m]
		pi := g.p[int(seq[i])*m:]
		pi = pi[:len(row)]
		var right int32
		if next == nil {
			for j := len(row) - 1; j >= 0; j-- {
				right += pi[j]
				row[j] = right
			}
		} else {
			next = next[:len(row)]
			for j := len(row) - 1; j >= 0; j-- {
				right = max(next[j], right) + pi[j]
				row[j] = right
			}
		}
		next = row
	}
}

// makespan of seq (its heads are left in e).
func (g *flowIG) makespan(seq []int32) int32 {
	if len(seq) == 0 {
		return 0
	}
	g.headRows(g.e, seq, 0, len(seq), nil)
	return g.e[len(seq)*g.m-1]
}

// row i of the matrix a (nil when i is out of 0..k-1).
func (g *flowIG) row(a []int32, i, k int) []int32 {
	if i < 0 || i >= k {
		return nil
	}
	return a[i*g.m : (i+1)*g.m]
}

// bestAt evaluates chain x at every position i of an order of k chains and
// returns a best position (ties drawn at random) and its makespan. The heads of
// the chains before position i are row i-1 of e1 when i-1 < at, of e2 otherwise;
// the tails of the chains from position i on are row i of q1 when i < at, row i+1
// of q2 otherwise (the local search's order with one chain taken out at at; an
// insertion into a whole order passes at > k).
func (g *flowIG) bestAt(seq []int32, x int32, at int, e1, e2, q1, q2 []int32) (int, int32) {
	m, k := g.m, len(seq)
	px := g.p[int(x)*m : int(x)*m+m]
	g.ties = g.ties[:0]
	best := int32(math.MaxInt32)
	for i := 0; i <= k; i++ {
		var prev, tail []int32
		switch {
		case i == 0:
		case i-1 < at:
			prev = e1[(i-1)*m : i*m]
		default:
			prev = e2[(i-1)*m : i*m]
		}
		switch {
		case i == k:
		case i < at:
			tail = q1[i*m : i*m+m]
		default:
			tail = q2[(i+1)*m : (i+2)*m]
		}
		// x's completion at each stage, and the makespan through it; a position
		// is left as soon as it cannot tie the best
		var left, mk int32
		switch {
		case prev == nil && tail == nil:
			for j := range px {
				left += px[j]
			}
			mk = left
		case prev == nil:
			tail = tail[:len(px)]
			for j := range px {
				left += px[j]
				mk = max(mk, left+tail[j])
				if mk > best {
					break
				}
			}
		case tail == nil:
			prev = prev[:len(px)]
			for j := range px {
				left = max(prev[j], left) + px[j]
			}
			mk = left
		default:
			prev, tail = prev[:len(px)], tail[:len(px)]
			for j := range px {
				left = max(prev[j], left) + px[j]
				mk = max(mk, left+tail[j])
				if mk > best {
					break
				}
			}
		}
		if mk < best {
			best = mk
			g.ties = g.ties[:0]
		}
		if mk == best {
			g.ties = append(g.ties, i)
		}
	}
	pos := g.ties[0]
	if len(g.ties) > 1 && g.o.rng != nil {
		pos = g.ties[g.o.rng.IntN(len(g.ties))]
	}
	return pos, best
}

// insert puts chain x where the makespan of seq is least and returns the longer
// order and its makespan; ok is false (seq unchanged) when the search must end.
func (g *flowIG) insert(seq []int32, x int32) ([]int32, int32, bool) {
	k := len(seq)
	if !g.charge(k) {
		return seq, 0, false
	}
	g.headRows(g.e, seq, 0, k, nil)
	g.tailRows(g.q, seq, 0, k, nil)
	pos, mk := g.bestAt(seq, x, k+1, g.e, nil, g.q, nil)
	return insertAt32(seq, pos, x), mk, true
}

// localSearch improves seq (makespan mk) by reinsertion until a whole round
// improves nothing; ok is false when the search must end (seq is then a valid
// order with makespan mk).
func (g *flowIG) localSearch(seq []int32, mk int32) ([]int32, int32, bool) {
	k := len(seq)
	if k < 2 {
		return seq, mk, true
	}
	g.headRows(g.e, seq, 0, k, nil)
	g.tailRows(g.q, seq, 0, k, nil)
	g.order = append(g.order[:0], seq...)
	for improved := true; improved; {
		improved = false
		g.o.rng.Shuffle(k, func(a, b int) { g.order[a], g.order[b] = g.order[b], g.order[a] })
		for _, x := range g.order {
			if !g.charge(k - 1) {
				return seq, mk, false
			}
			at := indexOf32(seq, x)
			copy(seq[at:], seq[at+1:])
			short := seq[:k-1]
			// heads of short: rows before at are e's; from at on, e2's
			// tails of short: rows from at on are q's rows i+1; before at, q2's
			g.headRows(g.e2, short, at, k-1, g.row(g.e, at-1, k))
			g.tailRows(g.q2, short, 0, at, g.row(g.q, at+1, k))
			pos, v := g.bestAt(short, x, at, g.e, g.e2, g.q2, g.q)
			if v > mk || v == mk && (pos == at || !flowPlateau) {
				copy(seq[at+1:], seq[at:k-1])
				seq[at] = x
				continue
			}
			copy(seq[pos+1:], seq[pos:k-1])
			seq[pos] = x
			if v < mk {
				improved = true
			}
			mk = v
			lo, hi := min(at, pos), max(at, pos)+1
			g.headRows(g.e, seq, lo, k, g.row(g.e, lo-1, k))
			g.tailRows(g.q, seq, 0, hi, g.row(g.q, hi, k))
		}
	}
	return seq, mk, true
}

func insertAt32(seq []int32, pos int, x int32) []int32 {
	seq = append(seq, 0)
	copy(seq[pos+1:], seq[pos:])
	seq[pos] = x
	return seq
}

func indexOf32(seq []int32, x int32) int {
	for i, y := range seq {
		if y == x {
			return i
		}
	}
	return -1
}

// offer decodes seq and offers it as candidate k; in check mode the decoder's
// makespan must be mk.
func (g *flowIG) offer(seq []int32, mk int32, k int, offer func(*candidate)) {
	ps := [][]int{make([]int, len(seq))}
	for i, x := range seq {
		ps[0][i] = int(x)
	}
	o := g.o
	budget, decodes := o.budget, o.decodes
	o.decode(ps)
	o.budget, o.decodes = budget, decodes
	st := o.wk.st
	if st.check {
		if _, tm := st.scoreTerms(); tm.Makespan != int(mk) && st.drift == nil {
			st.drift = fmt.Errorf("solver: the flow-shop search gives an order a makespan of %d where the decoder gives %d", mk, tm.Makespan)
		}
	}
	offer(o.candidate(k))
}

// runFlow is the iterated greedy of a pure flow shop, until stopped or out of
// budget, offering each better order.
func (o *orderSearch) runFlow(offer func(*candidate)) {
	g := newFlowIG(o)
	noise := 0.0
	if o.wk.index > 0 {
		noise = 0.5
	}
	start := o.initialOrders(noise)[0]
	cur := make([]int32, 0, g.n)
	var curMk int32
	for _, x := range start {
		var ok bool
		if cur, curMk, ok = g.insert(cur, int32(x)); !ok {
			return
		}
	}
	k := 1<<40 + o.wk.index
	g.offer(cur, curMk, k, offer)
	cur, curMk, ok := g.localSearch(cur, curMk)
	best := append([]int32(nil), cur...)
	bestMk := curMk
	g.offer(cur, curMk, k+32, offer)
	if !ok || g.n < 2 {
		return
	}
	temp := o.c.temperature() / o.c.p.Objective.Makespan // in units of makespan
	next := make([]int32, 0, g.n)
	var taken [flowDestroyed]int32
	for iter := 1; ; iter++ {
		next = append(next[:0], cur...)
		d := min(flowDestroyed, g.n-1)
		for i := range d {
			at := o.rng.IntN(len(next))
			taken[i] = next[at]
			next = append(next[:at], next[at+1:]...)
		}
		mk := g.makespan(next)
		if next, mk, ok = g.localSearch(next, mk); !ok {
			return
		}
		for _, x := range taken[:d] {
			if next, mk, ok = g.insert(next, x); !ok {
				return
			}
		}
		next, mk, ok = g.localSearch(next, mk)
		switch {
		case mk < curMk:
			cur, next, curMk = next, cur, mk
		case temp > 0 && o.rng.Float64() < math.Exp(-float64(mk-curMk)/temp):
			cur, next, curMk = next, cur, mk
		}
		if curMk < bestMk {
			best, bestMk = append(best[:0], cur...), curMk
			g.offer(best, bestMk, k+iter*64, offer)
		}
		if !ok {
			return
		}
	}
}
