package solver

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// resequence orders a machine's stretch by Schrage's rule on its one-machine
// relaxation (the heads and tails of everything else, as they stood): each
// task goes next when it is released by the time the machine is free (or by
// the earliest head left, if none is) and no released task left has a longer
// tail. The stretch keeps its tasks, the rest of the machine its order, and
// the schedule stays feasible.
func TestResequenceIsSchrage(t *testing.T) {
	p := randomJobShop(t, 12, 8, 4)
	g, _ := twoGraphsOf(t, p)
	_, ok := g.evaluate()
	require.True(t, ok)
	changed := 0
	for r := range g.seq {
		for _, w := range [][2]int{{0, len(g.seq[r]) - 1}, {2, 7}} {
			lo, hi := w[0], w[1]
			before := slices.Clone(g.seq[r])
			start := 0
			if lo > 0 {
				start = g.head[before[lo-1]] + g.dur[before[lo-1]]
			}
			h, q := map[int]int{}, map[int]int{}
			for _, x := range before[lo : hi+1] {
				h[x], q[x] = max(start, g.jobHead(x, r)), g.jobTail(x, r)
			}
			if !g.resequence(r, lo, hi) {
				assert.Equal(t, before, g.seq[r], "machine %d: reported unchanged", r)
				continue
			}
			changed++
			after := g.seq[r]
			assert.Equal(t, before[:lo], after[:lo])
			assert.Equal(t, before[hi+1:], after[hi+1:])
			assert.ElementsMatch(t, before[lo:hi+1], after[lo:hi+1])
			time := 0
			for i, x := range after[lo : hi+1] {
				left := after[lo+i : hi+1]
				earliest := MaxTime
				for _, y := range left {
					earliest = min(earliest, h[y])
				}
				time = max(time, earliest)
				assert.LessOrEqual(t, h[x], time, "machine %d place %d: not released", r, lo+i)
				for _, y := range left {
					if h[y] <= time {
						assert.LessOrEqual(t, q[y], q[x], "machine %d place %d: a longer tail was released", r, lo+i)
					}
				}
				time += g.dur[x]
			}
			mk, ok := g.evaluate()
			require.True(t, ok)
			assert.Empty(t, checkSchedule(p, g.placements()))
			pl := g.placements()
			end := 0
			for _, x := range pl {
				end = max(end, x.End)
			}
			assert.Equal(t, mk, end)
		}
	}
	assert.Greater(t, changed, 3, "the first schedule's machines were already in Schrage's order")
}

// A restart from the best with the bottleneck shake differs from one without
// it (the same random draws otherwise), and both leave a feasible schedule
// whose makespan restartFrom returns.
func TestRestartFromBottleneck(t *testing.T) {
	p := randomJobShop(t, 15, 10, 6)
	g, _ := twoGraphsOf(t, p)
	_, ok := g.evaluate()
	require.True(t, ok)
	best := g.snapshot()
	differ := 0
	for seed := uint64(1); seed <= 10; seed++ {
		var seqs [2][][]int
		for i, bottleneck := range []bool{false, true} {
			mk := g.restartFrom(best, bottleneck, rand.New(rand.NewPCG(seed, 1)), nil, nil)
			pl := g.placements()
			assert.Empty(t, checkSchedule(p, pl))
			end := 0
			for _, x := range pl {
				end = max(end, x.End)
			}
			assert.Equal(t, end, mk)
			seqs[i] = g.snapshot()
		}
		if !slices.EqualFunc(seqs[0], seqs[1], slices.Equal) {
			differ++
		}
	}
	assert.Greater(t, differ, 5, "the bottleneck shake changed too few restarts")
}
