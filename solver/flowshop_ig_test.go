package solver

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// permMakespan is the makespan of a permutation, computed from the definition.
func permMakespan(jobs [][]int, seq []int32) int32 {
	m := len(jobs[0])
	c := make([]int, m)
	for _, x := range seq {
		for j := 0; j < m; j++ {
			if j > 0 {
				c[j] = max(c[j], c[j-1])
			}
			c[j] += jobs[x][j]
		}
	}
	return int32(c[m-1])
}

// newTestFlowIG is the iterated greedy of a random flow shop, with no bound on
// its work.
func newTestFlowIG(t *testing.T, jobs [][]int, seed uint64) *flowIG {
	c, err := compile(flowShop(jobs))
	require.NoError(t, err)
	require.NotNil(t, c.flow)
	wk := newWorker(c, 1, 0)
	o := newOrderSearch(wk, rand.New(rand.NewPCG(seed, 1)), -1, func() bool { return false })
	return newFlowIG(o)
}

func toPerm32(perm []int) []int32 {
	out := make([]int32, len(perm))
	for i, x := range perm {
		out[i] = int32(x)
	}
	return out
}

// TestFlowIGInsertMatchesFullEvaluation: the accelerated insertion gives the least
// makespan over every position, each computed from the definition, and the order
// it returns has that makespan.
func TestFlowIGInsertMatchesFullEvaluation(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 21))
	for trial := 0; trial < 200; trial++ {
		n, m := 1+rng.IntN(12), 1+rng.IntN(7)
		jobs := randomJobs(rng, n, m, 1+rng.IntN(50))
		g := newTestFlowIG(t, jobs, uint64(trial))
		perm := toPerm32(rng.Perm(n))
		k := rng.IntN(n)
		seq, x := append([]int32(nil), perm[:k]...), perm[k]
		want := int32(-1)
		for i := 0; i <= k; i++ {
			v := permMakespan(jobs, slices.Insert(slices.Clone(seq), i, x))
			if want < 0 || v < want {
				want = v
			}
		}
		got, mk, ok := g.insert(slices.Clone(seq), x)
		require.True(t, ok)
		assert.Equal(t, want, mk, "trial %d", trial)
		assert.Equal(t, want, permMakespan(jobs, got), "trial %d", trial)
		assert.Equal(t, mk, g.makespan(got), "trial %d", trial)
		assert.ElementsMatch(t, append(seq, x), got, "trial %d", trial)
	}
}

// TestFlowIGLocalSearch: the local search, which reuses the heads and tails of the
// whole order, ends on an order whose makespan is the one it reports, no worse
// than the start; without the plateau moves (a round of them can open an
// improving move for a chain tried before), no single reinsertion improves it
// (checked from the definition).
func TestFlowIGLocalSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 22))
	defer func() { flowPlateau = true }()
	for trial := 0; trial < 200; trial++ {
		flowPlateau = trial%2 == 0
		n, m := 2+rng.IntN(14), 1+rng.IntN(7)
		jobs := randomJobs(rng, n, m, 1+rng.IntN(50))
		g := newTestFlowIG(t, jobs, uint64(trial))
		seq := toPerm32(rng.Perm(n))
		start := permMakespan(jobs, seq)
		got, mk, ok := g.localSearch(slices.Clone(seq), start)
		require.True(t, ok)
		require.ElementsMatch(t, seq, got, "trial %d", trial)
		require.Equal(t, permMakespan(jobs, got), mk, "trial %d", trial)
		assert.LessOrEqual(t, mk, start, "trial %d", trial)
		if flowPlateau {
			continue
		}
		for a := range got {
			for b := range got {
				moved := slices.Insert(slices.Delete(slices.Clone(got), a, a+1), b, got[a])
				assert.GreaterOrEqual(t, permMakespan(jobs, moved), mk, "trial %d: move %d to %d", trial, a, b)
			}
		}
	}
}

// TestFlowIGSolve: the flow-shop search, in check mode (the decoder's makespan
// must be the search's), gives plans the checkers accept, the same plan for the
// same seed and work limit, Johnson's optimum on two machines, and never worse
// than its first NEH order.
func TestFlowIGSolve(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 23))
	for trial := 0; trial < 12; trial++ {
		n, m := 2+rng.IntN(25), 1+rng.IntN(6)
		if trial%3 == 0 {
			m = 2
		}
		jobs := randomJobs(rng, n, m, rng.IntN(60)) // zero durations too
		p := flowShop(jobs)
		set := &Settings{WorkLimit: 20000, Seed: int64(trial), Workers: 2, Check: true}
		a, err := Solve(context.Background(), p, set)
		require.NoError(t, err, "trial %d", trial)
		b, err := Solve(context.Background(), p, set)
		require.NoError(t, err, "trial %d", trial)
		for _, res := range []*Result{a, b} {
			require.Empty(t, checkSchedule(p, res.Placements), "trial %d", trial)
			require.Empty(t, checkSameOrder(p, res.Placements), "trial %d", trial)
			require.Zero(t, res.Score.Unplaced, "trial %d", trial)
		}
		assert.Equal(t, a.Placements, b.Placements, "trial %d: same seed, same plan", trial)
		if m == 2 {
			assert.Equal(t, johnson(jobs), a.Terms.Makespan, "trial %d", trial)
		}
		first, err := Solve(context.Background(), p, &Settings{WorkLimit: 1, Workers: 1, Check: true})
		require.NoError(t, err)
		assert.LessOrEqual(t, a.Terms.Makespan, first.Terms.Makespan, "trial %d", trial)
	}
}
