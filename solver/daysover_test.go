package solver

import (
	"context"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGroupDaysOver: on random problems, the days each group touches beyond its
// limit are counted as a recomputation from the placements says (in check mode,
// the incremental score is also held to the full one), only for the groups that
// have a limit, and weighted in the score.
func TestGroupDaysOver(t *testing.T) {
	crossed := 0
	for seed := uint64(1); seed <= 30; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		p := randomProblem(rng)
		groups := 0
		for _, task := range p.Tasks {
			groups = max(groups, task.Group+1)
		}
		p.Objective.GroupDaysOver = 50
		p.Objective.GroupDaysLimit = make([]int, groups)
		for g := range groups {
			p.Objective.GroupDaysLimit[g] = rng.IntN(4) // 0: no limit
		}
		res, err := Solve(context.Background(), p, &Settings{WorkLimit: 30, Workers: 1, Seed: 1, Check: true})
		require.NoError(t, err, "seed %d", seed)
		days := make([]map[int]bool, groups)
		for ti, pl := range res.Placements {
			if !pl.Placed || p.Tasks[ti].Group < 0 {
				continue
			}
			g := p.Tasks[ti].Group
			if days[g] == nil {
				days[g] = map[int]bool{}
			}
			for _, w := range p.Stretches(ti, pl) {
				for m := w.Start; m < w.End; m++ {
					days[g][sort.SearchInts(p.DayStarts, m+1)-1] = true
				}
			}
		}
		want := 0
		for g := range groups {
			if l := p.Objective.GroupDaysLimit[g]; l > 0 {
				want += max(0, len(days[g])-l)
			}
		}
		assert.Equal(t, want, res.Terms.GroupDaysOver, "seed %d", seed)
		if want > 0 {
			crossed++
		}
	}
	assert.Positive(t, crossed, "some problems cross their limits")
}
