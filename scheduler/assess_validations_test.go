package scheduler_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// Assess validates the problem once: itself, or, when the plan plans stays it
// does not book, the copy with them booked (model.ApplyStays validates it);
// AssessValidated, for a problem already validated, only that copy. Each gives
// the same assessment.
func TestAssessValidatesOnce(t *testing.T) {
	p := gen.Example()
	res, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 2, Workers: 1, Seed: 1})
	require.NoError(t, err)
	require.Equal(t, scheduler.StatusComplete, res.Status)
	require.Empty(t, scheduler.Verify(res.Problem, res.Plan))
	require.NotEmpty(t, res.Plan.PlannedStays(), "the example's plan plans stays")
	booked, err := model.WithPlannedStays(p, res.Plan)
	require.NoError(t, err)
	require.NotSame(t, p, booked)
	want, err := scheduler.Assess(p, res.Plan)
	require.NoError(t, err)
	for _, tc := range []struct {
		name   string
		assess func(*model.Problem, *model.Plan) (*scheduler.Assessment, error)
		p      *model.Problem
		runs   int64
	}{
		{"Assess, stays to book", scheduler.Assess, p, 1},
		{"Assess, stays booked", scheduler.Assess, booked, 1},
		{"AssessValidated, stays to book", scheduler.AssessValidated, p, 1},
		{"AssessValidated, stays booked", scheduler.AssessValidated, booked, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := model.Validations()
			a, err := tc.assess(tc.p, res.Plan)
			require.NoError(t, err)
			assert.Equal(t, tc.runs, model.Validations()-before)
			assert.Equal(t, want, a)
		})
	}
	// an invalid problem is still refused by Assess
	bad := p.Clone()
	bad.Operation.End = "never"
	_, err = scheduler.Assess(bad, &model.Plan{})
	assert.Error(t, err)
}
