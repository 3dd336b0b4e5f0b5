package solver

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The paced construction (construction 2 toward the days bound, from
// pacedMinGroups groups on): on operations of that many dwellings whose crews, one or two a trade, go from one dwelling to the
// next at their own pace, it disturbs the dwellings on fewer days than
// construction 0 (dwelling by dwelling, each task at its earliest, the same
// fewest-days placement) in each operation, places every task, and its
// schedule passes the checker.
func TestPacedConstructionFewerDays(t *testing.T) {
	never := func() bool { return false }
	for seed := uint64(1); seed <= 4; seed++ {
		p := trainProblem(pacedMinGroups, rand.New(rand.NewPCG(seed, 9)))
		c, err := compile(p)
		require.NoError(t, err)
		require.True(t, c.towardBounds())
		first := newWorker(c, int64(seed), 0).build(0, never)
		paced := newWorker(c, int64(seed), 0).build(2, never)
		requireFewerDays(t, p, first, paced, fmt.Sprintf("seed %d, construction 0 -> paced", seed))
	}
}

// The paced construction's line-of-balance step (paceToBottleneck: each
// group's train placed again from releases on and before its slowest crew's
// first free day): on operations of 200, 250 and 300 dwellings whose crews go
// from one dwelling to the next, it disturbs the dwellings on fewer days, at a
// lower score, than the same paced construction without that step, places
// every task, and its schedule passes the checker.
func TestPacedToBottleneckFewerDays(t *testing.T) {
	never := func() bool { return false }
	for i, n := range []int{200, 250, 300} {
		seed := uint64(i + 1)
		p := trainProblem(n, rand.New(rand.NewPCG(seed, 11)))
		c, err := compile(p)
		require.NoError(t, err)
		wk := newWorker(c, int64(seed), 0)
		wk.st.noBottleneck = true
		shifts := wk.build(2, never)
		train := newWorker(c, int64(seed), 0).build(2, never)
		requireFewerDays(t, p, shifts, train, fmt.Sprintf("%d dwellings, shifts alone -> to the bottleneck", n))
	}
}

// requireFewerDays: both constructions of p place every task, the second's
// schedule passes the checker, and it has fewer days beyond each group's first
// and a lower score than the first.
func requireFewerDays(t *testing.T, p *Problem, before, after *candidate, label string) {
	t.Helper()
	require.Zero(t, before.score.Unplaced, label)
	require.Zero(t, after.score.Unplaced, label)
	require.Empty(t, checkSchedule(p, after.pl), label)
	t.Logf("%s: days beyond each group's first %d -> %d; end %d -> %d",
		label, before.terms.GroupDays, after.terms.GroupDays, before.terms.Makespan, after.terms.Makespan)
	assert.Less(t, after.terms.GroupDays, before.terms.GroupDays, label)
	assert.Less(t, after.score.Soft, before.score.Soft, label)
}
