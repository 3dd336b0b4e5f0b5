package solver

import (
	"math/rand/v2"
	"slices"
)

// resequence orders the tasks at places lo..hi of machine r by Schrage's rule
// on the one-machine problem they make with the heads and tails of everything
// else, as the evaluated graph has them (the relaxation of the shifting
// bottleneck; no task starts before the end of the one at lo-1): at each point
// the released task of the longest tail goes next, ties to the earlier head,
// then to the current order. It reports whether the order changed; on a cycle
// it keeps the former order. The graph is evaluated after it.
func (g *dgraph) resequence(r, lo, hi int) bool {
	s := g.seq[r][lo : hi+1]
	k := len(s)
	start := 0
	if lo > 0 {
		p := g.seq[r][lo-1]
		start = g.head[p] + g.dur[p]
	}
	h, q := make([]int, k), make([]int, k)
	idx := make([]int, k)
	for i, t := range s {
		h[i], q[i], idx[i] = max(start, g.jobHead(t, r)), g.jobTail(t, r), i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return h[a] - h[b] })
	out := make([]int, 0, k)
	done := make([]bool, k)
	time, next := 0, 0
	for len(out) < k {
		for next < k && done[idx[next]] {
			next++
		}
		time = max(time, h[idx[next]])
		pick := -1
		for _, i := range idx[next:] {
			if h[i] > time {
				break
			}
			if !done[i] && (pick < 0 || q[i] > q[pick]) {
				pick = i
			}
		}
		done[pick] = true
		out = append(out, pick)
		time += g.dur[s[pick]]
	}
	changed := false
	for i, p := range out {
		changed = changed || p != i
	}
	if !changed {
		return false
	}
	old := slices.Clone(s)
	for i, p := range out {
		s[i] = old[p]
	}
	g.reseat(r)
	if _, ok := g.evaluate(); ok {
		return true
	}
	copy(s, old)
	g.reseat(r)
	g.evaluate()
	return false
}

// reseat sets the places and machine neighbours of machine r's tasks after its
// sequence changed.
func (g *dgraph) reseat(r int) {
	s := g.seq[r]
	for i, t := range s {
		g.pos[t][g.machineIndex(t, r)] = i
	}
	if g.fast != nil {
		g.relinkRange(s, 0, len(s)-1)
	}
}

// bottleneckShake re-sequences, by resequence, the machine of a random block
// of a critical path; it reports whether the schedule changed.
func (g *dgraph) bottleneckShake(mk int, rng *rand.Rand, blocks []block) bool {
	blocks = g.criticalBlocks(mk, rng, blocks)
	if len(blocks) == 0 {
		return false
	}
	r := blocks[rng.IntN(len(blocks))].r
	return g.resequence(r, 0, len(g.seq[r])-1)
}

// bottleneckEvery: every this many runs in a row without a new best, the
// next run starts from the best with a bottleneckShake before the usual
// shake (more often, or at every restart, did worse on 30 x 20 instances at
// the budgets of a 10 s search; see bench/RESULTS.md, section js22).
const bottleneckEvery = 4

// restartFrom sets the graph to the best schedule shaken for the next run of
// tabu search, and returns its makespan: with bottleneck, the machine of a
// random critical block re-sequenced first (bottleneckShake); then 3 to 7
// random moves on its critical path (one that closes a cycle undone).
func (g *dgraph) restartFrom(bestSeq [][]int, bottleneck bool, rng *rand.Rand, blocks []block, moves []tmove) int {
	g.restore(bestSeq)
	mk, _ := g.evaluate()
	if bottleneck {
		g.bottleneckShake(mk, rng, blocks)
		mk, _ = g.evaluate()
	}
	for k := 0; k < 3+rng.IntN(5); k++ {
		ms := neighbours(g.criticalBlocks(mk, rng, blocks), moves)
		if len(ms) == 0 {
			break
		}
		m := ms[rng.IntN(len(ms))]
		g.applyMove(m)
		var ok bool
		if mk, ok = g.evaluate(); !ok {
			g.applyMove(tmove{r: m.r, lo: m.lo, hi: m.hi, fwd: !m.fwd})
			mk, _ = g.evaluate()
		}
	}
	return mk
}
