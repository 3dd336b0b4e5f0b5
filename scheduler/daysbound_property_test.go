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

// The bundled example (pilots' visits before the works, acceptance visits
// after them and satisfaction surveys weeks later, which the days bound counts
// with the works): no dwelling of a verified plan is disturbed fewer days than
// its bound.
func TestDaysBoundBelowVerifiedPlansOfTheExample(t *testing.T) {
	if testing.Short() {
		t.Skip("solves the bundled example")
	}
	p := gen.Example()
	dwellings := 0
	for _, tc := range []struct {
		seed int64
		work int
	}{{1, 1}, {2, 2000}, {3, 6000}} {
		res, err := Solve(context.Background(), p, &Settings{WorkLimit: tc.work, Seed: tc.seed, Workers: 1})
		require.NoError(t, err)
		require.Empty(t, Verify(p, res.Plan), "seed %d", tc.seed)
		require.NotNil(t, res.Disturbance, "seed %d", tc.seed)
		for id, days := range res.Disturbance.Days {
			require.LessOrEqual(t, res.Disturbance.Bound[id], days, "seed %d, %d steps: dwelling %s is disturbed fewer days than its bound", tc.seed, tc.work, id)
			dwellings++
		}
	}
	require.Greater(t, dwellings, 150)
}
