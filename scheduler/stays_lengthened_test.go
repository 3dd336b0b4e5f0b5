package scheduler_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// TestSolveLengthensShortStays: generated operations whose first construction
// (work limit 1, one worker) left a planned stay's move back, or a work during
// it, unplaced, the stay drawn from a sketch without the moves being too short
// (issue 17, point 5). Solve lengthens such a stay and searches again: every
// intervention is placed and the verifier finds nothing.
func TestSolveLengthensShortStays(t *testing.T) {
	for _, tc := range []struct {
		dwellings int
		seed      int64
		long      bool
		// timeLimit: a time-limited search (which uses its whole limit) instead
		// of one construction
		timeLimit time.Duration
	}{
		{100, 52, false, 0}, // B5-A-05/kitchen and what follows it, its move back with them
		{100, 52, false, 2 * time.Second},
		{380, 170, true, 0}, // B4-A-09/move-back
		{702, 60, true, 0},  // B34-A-08/move-back
		// B7-B-05/move-back: H130's stay could not end later, the next
		// household's planned stay in its unit following it; that stay starts later
		{340, 77, true, 0},
	} {
		t.Run(fmt.Sprintf("gen-%d-seed-%d-limit-%s", tc.dwellings, tc.seed, tc.timeLimit), func(t *testing.T) {
			if tc.long && testing.Short() {
				t.Skip("a large operation: not with -short")
			}
			p := gen.Generate(gen.Options{Dwellings: tc.dwellings, Seed: tc.seed})
			require.NoError(t, model.Validate(p))
			set := &scheduler.Settings{WorkLimit: 1, Workers: 1, Seed: tc.seed}
			if tc.timeLimit > 0 {
				set = &scheduler.Settings{TimeLimit: tc.timeLimit, Workers: 1, Seed: tc.seed}
			}
			res, err := scheduler.Solve(context.Background(), p, set)
			require.NoError(t, err)
			var unplaced []string
			for _, u := range res.Plan.Unplaced {
				unplaced = append(unplaced, u.Intervention)
			}
			assert.Empty(t, unplaced)
			assert.Equal(t, scheduler.StatusComplete, res.Status)
			assert.Empty(t, scheduler.Verify(res.Problem, res.Plan))
			assert.Empty(t, scheduler.Verify(p, res.Plan), "the problem given, the stays read from the plan")
			assert.NotEmpty(t, res.Plan.PlannedStays())
		})
	}
}
