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
// without gain), and every schedule it returns is feasible.
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
	}{{1, 60000}, {2, 60000}, {1, 5000}}
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
