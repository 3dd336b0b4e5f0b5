package solver

import "math/rand/v2"

// Tabu search on the disjunctive graph (dgraph), after the TS of Zhang et al.
// (2007) and the TS/PR of Peng, Lü and Cheng (2015):
//
//   - moves: the N7 neighbourhood of Zhang et al. (2007) on one critical path:
//     in each block (a run of critical tasks on one machine), move an inner task
//     to the block's first or last place, or the first or last task into the
//     block (the N5 swaps of Nowicki and Smutnicki are the shortest of these);
//   - each move rated by the head-and-tail estimate of Balas and Vazacopoulos,
//     carried over to a moved stretch of a machine; a tabu list on one arc per
//     move, the one between the task moved and its former neighbour (making
//     every arc an insertion reverses tabu forbade most of the neighbourhood of
//     the larger instances), with aspiration by the best; the chosen move
//     evaluated incrementally (dgraphfast.go);
//   - runs of tabu search end after a stall that grows with the instance
//     (10,000 + 15 n steps without gain); the next run starts from the best
//     schedule shaken by a few random moves on its critical path; after every
//     4 runs in a row without a new best, the machine of a random critical
//     block is first re-sequenced by Schrage's rule on its one-machine
//     relaxation (heads and tails, as in the shifting bottleneck; tabushift.go),
//     a larger step away from the best that tabu search then repairs. (Path
//     relinking between elite schedules, as in TS/PR, started most runs before:
//     at the budgets of a 10 s search it did worse than these restarts from the
//     best, see bench/RESULTS.md.)
//
// Everything depends on the seed, the worker index and the budget only.

// block is a run of critical tasks on machine r: positions lo..hi of seq[r].
type block struct{ r, lo, hi int }

// tmove moves one task of a machine's stretch lo..hi: fwd moves seq[lo] to hi
// (the others one place up), !fwd moves seq[hi] to lo.
type tmove struct {
	r, lo, hi int
	b         int // the block, in neighbours' list
	fwd       bool
	est       int
}

// criticalBlocks walks back along one critical path (from a random last task) and
// returns its blocks in path order.
func (g *dgraph) criticalBlocks(mk int, rng *rand.Rand, out []block) []block {
	out = out[:0]
	ends := g.ends[:0]
	defer func() { g.ends = ends }()
	if f := g.fast; f != nil && f.sinks != nil {
		// the same tasks, in the same order: with positive durations a tail is 0
		// only without successors
		for _, t := range f.sinks {
			if f.mn[t] < 0 && g.head[t]+g.dur[t] == mk && g.tail[t] == 0 {
				ends = append(ends, t)
			}
		}
	} else {
		for t := 0; t < g.n; t++ {
			if g.head[t]+g.dur[t] == mk && g.tail[t] == 0 {
				ends = append(ends, t)
			}
		}
	}
	if len(ends) == 0 {
		return out
	}
	t := ends[rng.IntN(len(ends))]
	cur := block{r: -1}
	for {
		next, via, k := g.criticalPred(t)
		if via >= 0 {
			i := g.pos[t][k]
			if cur.r == via && cur.lo == i {
				cur.lo = i - 1
			} else {
				if cur.r >= 0 {
					out = append(out, cur)
				}
				cur = block{r: via, lo: i - 1, hi: i}
			}
		} else if cur.r >= 0 {
			out = append(out, cur)
			cur = block{r: -1}
		}
		if next < 0 {
			break
		}
		t = next
	}
	if cur.r >= 0 {
		out = append(out, cur)
	}
	// forward order
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// criticalPred is the task before t on the critical path being walked back: its
// machine predecessor if it ends at t's start (on machine via, t's k-th),
// otherwise the first precedence predecessor that fixes t's start (via and k
// -1), otherwise -1.
func (g *dgraph) criticalPred(t int) (next, via, k int) {
	if f := g.fast; f != nil && f.jp != nil {
		// chains: the same answer from the flat arrays
		if p := f.mp[t]; p >= 0 && g.head[p]+g.dur[p] == g.head[t] {
			return p, g.res[t][0], 0
		}
		if o := f.jp[t]; o >= 0 && g.head[o]+g.dur[o]+f.jpl[t] == g.head[t] {
			return o, -1, -1
		}
		return -1, -1, -1
	}
	for kk := range g.res[t] {
		if p := g.mprev(t, kk); p >= 0 && g.head[p]+g.dur[p] == g.head[t] {
			return p, g.res[t][kk], kk
		}
	}
	for _, a := range g.c.preds[t] {
		if g.head[a.other]+g.dur[a.other]+a.minLag == g.head[t] {
			return a.other, -1, -1
		}
	}
	return -1, -1, -1
}

// neighbours lists the N7 moves of the blocks. The first block's first task and
// the last block's last task stay (moving them cannot shorten this path), unless
// the path has one block only.
func neighbours(blocks []block, out []tmove) []tmove {
	out = out[:0]
	for bi, b := range blocks {
		first, last := bi == 0 && len(blocks) > 1, bi == len(blocks)-1 && len(blocks) > 1
		if b.hi-b.lo == 1 {
			if !first || !last {
				out = append(out, tmove{b: bi, r: b.r, lo: b.lo, hi: b.hi, fwd: true})
			}
			continue
		}
		// inner tasks to the front or the back
		for i := b.lo + 1; i < b.hi; i++ {
			if !first {
				out = append(out, tmove{b: bi, r: b.r, lo: b.lo, hi: i, fwd: false})
			}
			if !last {
				out = append(out, tmove{b: bi, r: b.r, lo: i, hi: b.hi, fwd: true})
			}
		}
		// the first task further in (one place is the swap above), the last task
		// further back
		if !first {
			for j := b.lo + 2; j <= b.hi; j++ {
				if j == b.hi && last {
					break
				}
				out = append(out, tmove{b: bi, r: b.r, lo: b.lo, hi: j, fwd: true})
			}
		}
		if !last {
			for j := b.hi - 2; j >= b.lo; j-- {
				if j == b.lo && first {
					break
				}
				out = append(out, tmove{b: bi, r: b.r, lo: j, hi: b.hi, fwd: false})
			}
		}
	}
	return out
}

// jobHead is the earliest start of t from everything but its machine r.
func (g *dgraph) jobHead(t, r int) int {
	h := g.rel[t]
	if f := g.fast; f != nil {
		for j := f.in[t]; j < f.in[t+1]; j++ {
			o := f.from[j]
			h = max(h, g.head[o]+g.dur[o]+f.inLag[j])
		}
		return h
	}
	for _, a := range g.c.preds[t] {
		h = max(h, g.head[a.other]+g.dur[a.other]+a.minLag)
	}
	return max(h, g.otherMachineHead(t, r))
}

// jobTail is the tail of t from everything but its machine r.
func (g *dgraph) jobTail(t, r int) int {
	q := 0
	if f := g.fast; f != nil {
		for j := f.out[t]; j < f.out[t+1]; j++ {
			o := f.to[j]
			q = max(q, f.outLag[j]+g.dur[o]+g.tail[o])
		}
		return q
	}
	for _, a := range g.c.succs[t] {
		q = max(q, a.minLag+g.dur[a.other]+g.tail[a.other])
	}
	return max(q, g.otherMachineTail(t, r))
}

// blockEnds holds, for each task of the blocks, its head and tail from everything
// but the block's machine (they do not depend on the order within the block):
// the tasks of block k at jh[off[k]:] and jt[off[k]:], in the machine's order.
type blockEnds struct {
	off, jh, jt []int
}

// set computes the heads and tails of the blocks' tasks.
func (be *blockEnds) set(g *dgraph, blocks []block) {
	be.off, be.jh, be.jt = be.off[:0], be.jh[:0], be.jt[:0]
	for _, b := range blocks {
		be.off = append(be.off, len(be.jh))
		for _, t := range g.seq[b.r][b.lo : b.hi+1] {
			be.jh = append(be.jh, g.jobHead(t, b.r))
			be.jt = append(be.jt, g.jobTail(t, b.r))
		}
	}
}

// estimateMove rates a move by the longest path through the moved stretch, with
// the heads and tails of everything else as they stand (Balas and Vazacopoulos's
// estimate, over a stretch). b is the move's block (the stretch lies within it).
//
// One pass along the stretch in its new order: a path through the stretch
// leaves it at some task j (to j's job successor, or past the stretch's last
// task to the machine's next), and the longest such path reaching j is j's new
// head, so the estimate is the largest new head + duration + way out.
func (g *dgraph) estimateMove(m tmove, b block, be *blockEnds, k int) int {
	s := g.seq[m.r]
	base := be.off[k] - b.lo // the place p on the machine is at base+p
	jh, jt, dur := be.jh, be.jt, g.dur
	end := 0
	if m.lo > 0 {
		p := s[m.lo-1]
		end = g.head[p] + dur[p]
	}
	next := 0
	if m.hi+1 < len(s) {
		x := s[m.hi+1]
		next = dur[x] + g.tail[x]
	}
	est := 0
	// step takes the stretch's next task, from place p of s; last: the stretch's
	// last task, which may leave to the machine's next
	step := func(p int, last bool) {
		d := dur[s[p]]
		end = max(jh[base+p], end) + d
		out := jt[base+p]
		if last {
			out = max(out, next)
		}
		est = max(est, end+out)
	}
	if m.fwd {
		// s[lo+1..hi], then s[lo]
		for p := m.lo + 1; p <= m.hi; p++ {
			step(p, false)
		}
		step(m.lo, true)
		return est
	}
	// s[hi], then s[lo..hi-1]
	step(m.hi, m.hi == m.lo)
	for p := m.lo; p < m.hi; p++ {
		step(p, p == m.hi-1)
	}
	return est
}

// applyMove performs m (undo performs its inverse, tmove{r, lo, hi, !fwd}).
func (g *dgraph) applyMove(m tmove) {
	s := g.seq[m.r]
	if m.fwd {
		u := s[m.lo]
		copy(s[m.lo:m.hi], s[m.lo+1:m.hi+1])
		s[m.hi] = u
	} else {
		u := s[m.hi]
		copy(s[m.lo+1:m.hi+1], s[m.lo:m.hi])
		s[m.lo] = u
	}
	for i := m.lo; i <= m.hi; i++ {
		t := s[i]
		g.pos[t][g.machineIndex(t, m.r)] = i
	}
	if g.fast != nil {
		g.relinkRange(s, m.lo, m.hi)
	}
}

// tabuList keeps, per arc (a before b on a machine), the iteration until which
// restoring it is forbidden: in a flat table up to a few million arcs, in a map
// beyond.
type tabuList struct {
	n     int
	flat  []int32
	until map[int64]int32
}

const tabuFlatMax = 1 << 22

func newTabuList(n int) *tabuList {
	tl := &tabuList{n: n}
	if n*n <= tabuFlatMax {
		tl.flat = make([]int32, n*n)
	} else {
		tl.until = map[int64]int32{}
	}
	return tl
}

func (tl *tabuList) get(a, b int) int {
	if tl.flat != nil {
		return int(tl.flat[a*tl.n+b])
	}
	return int(tl.until[int64(a)*int64(tl.n)+int64(b)])
}

func (tl *tabuList) set(a, b, until int) {
	if tl.flat != nil {
		tl.flat[a*tl.n+b] = int32(until)
		return
	}
	tl.until[int64(a)*int64(tl.n)+int64(b)] = int32(until)
}

// reset forgets every entry.
func (tl *tabuList) reset() {
	if tl.flat != nil {
		clear(tl.flat)
	} else {
		clear(tl.until)
	}
}

// forbidden reports whether m restores an arc reversed recently.
func (tl *tabuList) forbidden(g *dgraph, m tmove, it int) bool {
	s := g.seq[m.r]
	if m.fwd {
		u := s[m.lo]
		for _, x := range s[m.lo+1 : m.hi+1] {
			if tl.get(x, u) > it {
				return true
			}
		}
		return false
	}
	u := s[m.hi]
	for _, x := range s[m.lo:m.hi] {
		if tl.get(u, x) > it {
			return true
		}
	}
	return false
}

// recordDone forbids restoring the arc between the task m has just moved and
// its former neighbour.
func (tl *tabuList) recordDone(g *dgraph, m tmove, until int) {
	// after a forward move the task moved is s[hi] and its former successor
	// s[lo]; after a backward one, the task moved is s[lo] and its former
	// predecessor s[hi]: either way the arc s[hi] -> s[lo] is the one restored
	s := g.seq[m.r]
	tl.set(s[m.hi], s[m.lo], until)
}

// tabu runs the search from a complete schedule, offering improvements. budget
// bounds the iterations of tabu search (0: until stopped).
//
// One long function: the search's loop, whose state (the graph, the tabu list,
// the run's and the search's best, the stall counter) every step reads and
// writes; the moves, their rating, their evaluation and the restart's shake are
// functions of their own or a few lines each.
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
	runBest, runSeq := mk, bestSeq
	tl := newTabuList(g.n)
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
	stallMax := 10000 + 15*g.n
	stall := 0
	fails, bestAtRestart := 0, best
	var blocks []block
	var moves []tmove
	var ends blockEnds
	for it := 1; budget == 0 || it <= budget; it++ {
		if it&255 == 0 && stop() {
			return
		}
		blocks = g.criticalBlocks(mk, rng, blocks)
		moves = neighbours(blocks, moves)
		if len(moves) == 0 {
			return // the critical path has no block: the schedule is optimal
		}
		ends.set(g, blocks)
		for i := range moves {
			moves[i].est = g.estimateMove(moves[i], blocks[moves[i].b], &ends, moves[i].b)
		}
		// the best admissible move; one that closes a cycle (an insertion can) is
		// undone and left out, and the next best tried
		nmk, ok := 0, false
		for try := 0; try < 4 && !ok; try++ {
			bi, bestEst := -1, MaxTime
			for i := range moves {
				m := &moves[i]
				if m.est > bestEst || m.est >= best && tl.forbidden(g, *m, it) {
					continue
				}
				if m.est < bestEst || rng.IntN(2) == 0 {
					bi, bestEst = i, m.est
				}
			}
			if bi < 0 {
				bi = rng.IntN(len(moves))
			}
			m := moves[bi]
			g.applyMove(m)
			if nmk, ok = g.evaluateAfter(m); ok {
				tl.recordDone(g, m, it+tenure+rng.IntN(tenure/2+1))
			} else {
				g.applyMove(tmove{r: m.r, lo: m.lo, hi: m.hi, fwd: !m.fwd})
				moves[bi].est = MaxTime + 1
			}
		}
		if ok {
			mk = nmk
		} else {
			mk, _ = g.evaluate() // every try closed a cycle: count it as a step without gain
		}
		if ok && mk < runBest {
			runBest, runSeq, stall = mk, g.snapshot(), 0
			if mk < best {
				best, bestSeq = mk, runSeq
				pl := g.placements()
				sc, tm := c.score(pl, make([]int, g.n))
				offer(&candidate{pl: pl, mode: make([]int, g.n), score: sc, terms: tm, k: 1<<40 + it*64 + wk.index})
			}
			continue
		}
		if stall++; stall <= stallMax {
			continue
		}
		// the run has stalled: start the next one near the best (fails counts
		// the runs since the last that found a new best)
		tl.reset()
		stall = 0
		if best < bestAtRestart {
			fails = 0
		} else {
			fails++
		}
		bestAtRestart = best
		mk = g.restartFrom(bestSeq, fails%bottleneckEvery == bottleneckEvery-1, rng, blocks, moves)
		runBest, runSeq = mk, g.snapshot()
		if mk < best {
			best, bestSeq = mk, runSeq
			pl := g.placements()
			sc, tm := c.score(pl, make([]int, g.n))
			offer(&candidate{pl: pl, mode: make([]int, g.n), score: sc, terms: tm, k: 1<<40 + it*64 + wk.index})
		}
	}
}
