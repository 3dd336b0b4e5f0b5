package constraints

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
)

// TestSketchFollowsTheCallersEffort: the sketch the stays are drawn from is one
// construction on one worker; under the caller's work limit no time limit cuts
// it (a slow machine would stop it elsewhere, and the stays would differ), under
// the caller's time limit it keeps that limit.
func TestSketchFollowsTheCallersEffort(t *testing.T) {
	for _, tc := range []struct {
		name   string
		effort SketchEffort
		limit  time.Duration
	}{
		{"work limit", SketchEffort{WorkLimit: 2000}, noTimeCut},
		{"work limit and a time limit", SketchEffort{WorkLimit: 2000, TimeLimit: time.Millisecond}, noTimeCut},
		{"time limit", SketchEffort{TimeLimit: 3 * time.Second}, 3 * time.Second},
		{"neither: the solver's default", SketchEffort{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := tc.effort.sketchSettings()
			assert.Equal(t, 1, set.WorkLimit)
			assert.Equal(t, 1, set.Workers)
			assert.True(t, set.NoBound)
			assert.Equal(t, tc.limit, set.TimeLimit)
		})
	}
	assert.Greater(t, noTimeCut, 100*365*24*time.Hour, "no construction reaches the sketch's limit under a work limit")
}

// TestSketchUnderAWorkLimitIsNotCutByTime: a time limit already spent (1 ns)
// stops a sketch at its first task (only the fixed appointments are placed), unless the caller runs under a work limit;
// a cancelled context stops it either way. Not timed: whether 1 ns is spent does
// not depend on the machine.
func TestSketchUnderAWorkLimitIsNotCutByTime(t *testing.T) {
	p := gen.Generate(gen.Options{Dwellings: 60, Seed: 1})
	needs := StayNeeds(p)
	require.NotEmpty(t, needs, "the operation has households that need a stay")
	full := sketch(context.Background(), p, needs, SketchEffort{}, nil)
	require.NotEmpty(t, full)
	spent := time.Nanosecond
	assert.Equal(t, full, sketch(context.Background(), p, needs, SketchEffort{WorkLimit: 2000, TimeLimit: spent}, nil))
	// cut, it has only the appointments fixed before the construction began
	assert.NotEqual(t, full, sketch(context.Background(), p, needs, SketchEffort{TimeLimit: spent}, nil), "the caller's time limit is kept")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.NotEqual(t, full, sketch(ctx, p, needs, SketchEffort{WorkLimit: 2000}, nil), "a cancelled context stops the sketch")
}
