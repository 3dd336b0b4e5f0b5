package scheduler

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// TestCheckModeChangesNothing: with a work limit and a seed, Solve and Replan give
// the same plan, score, search account and diff with the solver's check mode on
// (every incremental score derived again and compared) as on the production path.
func TestCheckModeChangesNothing(t *testing.T) {
	p, plan, loc := basePlan(t)
	now := time.Date(2027, 2, 1, 12, 0, 0, 0, loc)
	evs := &model.Events{Format: model.EventsFormat, Events: []model.Event{
		{ID: "slip-windows", Type: model.EventDeliverySlipped, Delivery: "L-windows-1", Expected: "2027-03-09T08:00"},
		{ID: "paint-out", Type: model.EventContractorWithdrawn, Contractor: "Peintures Fournier"}}}
	require.Empty(t, evs.Check())
	solves := []struct {
		name string
		p    *model.Problem
		work int
	}{
		{"bundled example", p, 6},
		{"random operation 1", randomOperation(rand.New(rand.NewPCG(1, 2027))), 40},
		{"random operation 2", randomOperation(rand.New(rand.NewPCG(2, 2027))), 40},
	}
	for _, tc := range solves {
		t.Run("solve "+tc.name, func(t *testing.T) {
			var res [2]*Result
			for k, check := range []bool{false, true} {
				var err error
				res[k], err = Solve(context.Background(), tc.p, &Settings{TimeLimit: time.Minute, WorkLimit: tc.work, Seed: 11, Workers: 2, Check: check})
				require.NoError(t, err, "check %v", check)
				require.Empty(t, res[k].Violations, "check %v", check)
				require.Empty(t, Verify(res[k].Problem, res[k].Plan), "check %v", check)
			}
			off, on := res[0], res[1]
			require.Equal(t, on.Plan, off.Plan)
			require.Equal(t, on.Terms, off.Terms)
			require.Equal(t, on.Iterations, off.Iterations)
			require.Equal(t, on.Status, off.Status)
		})
	}
	t.Run("replan", func(t *testing.T) {
		var rr [2]*ReplanResult
		for k, check := range []bool{false, true} {
			var err error
			rr[k], err = Replan(context.Background(), p, plan, evs, now, &Settings{TimeLimit: time.Minute, WorkLimit: 8, Seed: 3, Workers: 2, Check: check})
			require.NoError(t, err, "check %v", check)
			require.Empty(t, rr[k].Result.Violations, "check %v", check)
			require.Empty(t, Verify(rr[k].Problem, rr[k].Plan), "check %v", check)
		}
		off, on := rr[0], rr[1]
		require.NotEmpty(t, off.Diff.Changes, "the events move something")
		require.Equal(t, on.Plan, off.Plan)
		require.Equal(t, on.Diff, off.Diff)
		require.Equal(t, on.Released, off.Released)
		require.Equal(t, on.Rounds, off.Rounds)
		require.Equal(t, on.Result.Terms, off.Result.Terms)
	})
}
