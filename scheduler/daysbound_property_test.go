package scheduler

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
)

// On generated operations of a few dwellings, every plan the verifier accepts
// disturbs each occupied dwelling on at least as many days as its bound (the
// days bound, serial search included, is a lower bound), and the bounds say
// something (the plans' days are on average less than twice their bound).
func TestDaysBoundBelowVerifiedPlans(t *testing.T) {
	if testing.Short() {
		t.Skip("solves several generated operations")
	}
	dwellings, atBound, sumDays, sumBound := 0, 0, 0, 0
	for _, tc := range []struct {
		seed      int64
		dwellings int
	}{{1, 6}, {2, 8}, {3, 10}, {4, 6}, {5, 12}, {6, 30}} {
		p := gen.Generate(gen.Options{Dwellings: tc.dwellings, Seed: tc.seed})
		for _, work := range []int{1, 300} {
			res, err := Solve(context.Background(), p, &Settings{WorkLimit: work, Seed: tc.seed, Workers: 1})
			require.NoError(t, err)
			require.Empty(t, Verify(p, res.Plan), "seed %d", tc.seed)
			if res.Disturbance == nil {
				t.Logf("seed %d: no disturbance (unplaced %d)", tc.seed, len(res.Plan.Unplaced))
				continue
			}
			for id, days := range res.Disturbance.Days {
				b := res.Disturbance.Bound[id]
				require.LessOrEqual(t, b, days, "seed %d, %d steps: dwelling %s is disturbed fewer days than its bound", tc.seed, work, id)
				dwellings++
				sumDays += days
				sumBound += b
				if b == days {
					atBound++
				}
			}
		}
	}
	t.Logf("%d dwellings in verified plans, %d at their days bound; %d days against bounds of %d", dwellings, atBound, sumDays, sumBound)
	require.Greater(t, dwellings, 100)
	require.Less(t, sumDays, 2*sumBound)
}
