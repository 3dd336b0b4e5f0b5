package solver

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// On random tiny problems whose resources all have one unit (where edge finding
// reasons), solved by brute force: the end bound never exceeds the optimum,
// and edge finding lifts it above the bound without it on some.
func TestEdgeFindingNeverExceedsTheBruteForceOptimum(t *testing.T) {
	solved, lifted, tight := 0, 0, 0
	for seed := uint64(0); seed < 6000; seed++ {
		rng := rand.New(rand.NewPCG(seed, 97))
		p := tinyProblem(rng)
		for r := range p.Resources {
			p.Resources[r].Capacity = 1
		}
		for i := range p.Tasks {
			for k := range p.Tasks[i].Demands {
				p.Tasks[i].Demands[k].Amount = 1
			}
		}
		res, err := Solve(context.Background(), p, &Settings{WorkLimit: 5, Seed: int64(seed), Workers: 1})
		require.NoError(t, err)
		if res.Score.Unplaced > 0 {
			continue
		}
		_, opt, ok := bruteOptimum(p, res.Placements)
		require.True(t, ok)
		solved++
		b, err := ComputeBounds(p, 0)
		require.NoError(t, err)
		require.LessOrEqual(t, b.End.Value, opt, "seed %d: bound %d (%s) above the optimum", seed, b.End.Value, b.End.Binding)
		c, err := compile(p)
		require.NoError(t, err)
		if o := c.endBoundWith(0, false); o.Value < b.End.Value {
			lifted++
		}
		if b.End.Value == opt {
			tight++
		}
	}
	t.Logf("%d one-unit problems solved by brute force, bound at the optimum on %d, lifted by edge finding on %d", solved, tight, lifted)
	require.Greater(t, solved, 4000)
	require.Greater(t, lifted, 100)
}
