package solver

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomJobShop writes a random jobs x machines job shop (each job visits every
// machine once, times 1..99) in the OR-Library format and loads it.
func randomJobShop(t *testing.T, jobs, machines int, seed uint64) *Problem {
	rng := rand.New(rand.NewPCG(seed, 7))
	var sb strings.Builder
	fmt.Fprintf(&sb, "%d %d\n", jobs, machines)
	for j := 0; j < jobs; j++ {
		for _, m := range rng.Perm(machines) {
			fmt.Fprintf(&sb, "%d %d ", m, 1+rng.IntN(99))
		}
		sb.WriteByte('\n')
	}
	path := filepath.Join(t.TempDir(), "js")
	require.NoError(t, os.WriteFile(path, []byte(sb.String()), 0o644))
	p, _ := loadJobShop(t, path)
	return p
}

// The tabu search gives the same schedule for a seed and a work limit, past its
// restarts (a 15 x 15 job shop has 225 tasks: a run ends after 13,375 steps
// without gain; at 150,000, 75,000 steps a worker, past the bottleneck shake
// of the fourth run in a row without a new best), and every schedule it
// returns is feasible.
func TestTabuDeterministicPastRestarts(t *testing.T) {
	if testing.Short() {
		t.Skip("a few seconds")
	}
	p := randomJobShop(t, 15, 15, 3)
	c, err := compile(p)
	require.NoError(t, err)
	require.True(t, c.disjunctive())
	tests := []struct {
		seed int64
		work int
	}{{1, 60000}, {2, 60000}, {1, 5000}, {1, 150000}}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.seed, "_", tc.work), func(t *testing.T) {
			set := func() *Settings {
				return &Settings{WorkLimit: tc.work, Seed: tc.seed, Workers: 2, TimeLimit: 10 * 60e9, NoBound: true}
			}
			a, err := Solve(context.Background(), p, set())
			require.NoError(t, err)
			b, err := Solve(context.Background(), p, set())
			require.NoError(t, err)
			assert.Empty(t, checkSchedule(p, a.Placements))
			assert.Equal(t, StopDone, a.Stop)
			assert.Equal(t, a.Placements, b.Placements)
			assert.Equal(t, a.Iterations, b.Iterations)
		})
	}
}

// Cancelled in the middle of the tabu search, Solve returns the best schedule
// it has reported, feasible.
func TestTabuCancelledReturnsBest(t *testing.T) {
	p := randomJobShop(t, 15, 15, 5)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	best, seen := 0, 0
	res, err := Solve(ctx, p, &Settings{Seed: 1, Workers: 2, TimeLimit: 10 * 60e9, NoBound: true,
		Progress: func(pr Progress) {
			best = pr.Makespan
			if seen++; seen == 6 {
				cancel()
			}
		}})
	require.NoError(t, err)
	require.GreaterOrEqual(t, seen, 6, "the search improved fewer than 6 times")
	assert.Equal(t, StopCancelled, res.Stop)
	assert.Empty(t, checkSchedule(p, res.Placements))
	assert.Equal(t, best, res.Terms.Makespan)
}

// The tabu list of a large problem (a map rather than a flat table) forgets
// every entry on reset.
func TestTabuListReset(t *testing.T) {
	for _, n := range []int{10, 3000} {
		tl := newTabuList(n)
		tl.set(n-1, 2, 50)
		tl.set(3, n-2, 60)
		assert.Equal(t, 50, tl.get(n-1, 2))
		assert.Equal(t, 0, tl.get(2, n-1))
		tl.reset()
		assert.Equal(t, 0, tl.get(n-1, 2), "n=%d", n)
		assert.Equal(t, 0, tl.get(3, n-2), "n=%d", n)
	}
}

// estimateMoveTwoPass is the former estimate, tails along the new stretch then
// heads, kept to check the one-pass estimateMove against.
func (g *dgraph) estimateMoveTwoPass(m tmove, b block, be *blockEnds, k int) int {
	s := g.seq[m.r]
	base := be.off[k] - b.lo // the place p on the machine is at base+p
	// the moved stretch in its new order: the places of s it takes its tasks from
	n := m.hi - m.lo + 1
	from := func(i int) int { // i-th task of the new stretch, as a place in s
		if m.fwd {
			if i == n-1 {
				return m.lo
			}
			return m.lo + 1 + i
		}
		if i == 0 {
			return m.hi
		}
		return m.lo + i - 1
	}
	next := 0
	if m.hi+1 < len(s) {
		x := s[m.hi+1]
		next = g.dur[x] + g.tail[x]
	}
	var qs [64]int
	q := qs[:0]
	if n > len(qs) {
		q = make([]int, 0, n)
	}
	q = q[:n]
	for i := n - 1; i >= 0; i-- {
		p := from(i)
		q[i] = max(be.jt[base+p], next)
		next = g.dur[s[p]] + q[i]
	}
	end := 0
	if m.lo > 0 {
		p := s[m.lo-1]
		end = g.head[p] + g.dur[p]
	}
	est := 0
	for i := 0; i < n; i++ {
		p := from(i)
		end = max(be.jh[base+p], end) + g.dur[s[p]]
		est = max(est, end+q[i])
	}
	return est
}

// The one-pass estimate of a move equals the two-pass one on every N7 move of
// the critical paths met along a random walk, with and without release dates.
func TestEstimateMoveOnePass(t *testing.T) {
	for _, tc := range []struct {
		name     string
		releases bool
	}{{"12 x 8", false}, {"12 x 8 with releases", true}} {
		t.Run(tc.name, func(t *testing.T) {
			p := randomJobShop(t, 12, 8, 3)
			if tc.releases {
				rr := rand.New(rand.NewPCG(5, 6))
				for i := range p.Tasks {
					if rr.IntN(3) == 0 {
						p.Tasks[i].Release = rr.IntN(200)
					}
				}
			}
			c, err := compile(p)
			require.NoError(t, err)
			require.True(t, c.disjunctive())
			res, err := Solve(context.Background(), p, &Settings{WorkLimit: 3, Seed: 1, Workers: 1})
			require.NoError(t, err)
			g := newDGraph(c, res.Placements)
			mk, ok := g.evaluate()
			require.True(t, ok)
			rng := rand.New(rand.NewPCG(8, 9))
			var blocks []block
			var moves []tmove
			var ends blockEnds
			compared, long := 0, 0
			for step := 0; step < 2000; step++ {
				blocks = g.criticalBlocks(mk, rng, blocks)
				moves = neighbours(blocks, moves)
				if len(moves) == 0 {
					break
				}
				ends.set(g, blocks)
				for _, m := range moves {
					want := g.estimateMoveTwoPass(m, blocks[m.b], &ends, m.b)
					require.Equal(t, want, g.estimateMove(m, blocks[m.b], &ends, m.b), "step %d, move %+v", step, m)
					compared++
					if m.hi-m.lo > 1 {
						long++
					}
				}
				m := moves[rng.IntN(len(moves))]
				g.applyMove(m)
				if mk, ok = g.evaluate(); !ok {
					g.applyMove(tmove{r: m.r, lo: m.lo, hi: m.hi, fwd: !m.fwd})
					mk, _ = g.evaluate()
				}
			}
			require.Greater(t, compared, 10000, "too few moves compared")
			require.Greater(t, long, 2000, "too few moves of more than two tasks")
		})
	}
}
