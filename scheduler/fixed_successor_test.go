package scheduler

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// TestPredecessorOfAPinnedAppointmentEndsBeforeIt: the acceptance of D1 is pinned
// on Wednesday 3 March 2027 at 09:00 (a household took that slot); its painting,
// not begun, may start from Tuesday 2 March, and the one painter also has two days
// of painting in D2 from Monday. Painting D2 first ends the works soonest but puts
// D1's painting on Wednesday, after its acceptance: the plan must paint D1 on
// Tuesday, before the pinned acceptance (the solver once placed a predecessor of a
// fixed task from the predecessor's side only: the plan broke the trade sequence).
func TestPredecessorOfAPinnedAppointmentEndsBeforeIt(t *testing.T) {
	p := &model.Problem{
		Format:    model.Format,
		Operation: model.Operation{ID: "op-pinned-successor", TimeZone: "Europe/Paris", Start: "2027-03-01", End: "2027-03-31"},
		Trades: []model.Trade{{ID: "painting", Access: model.AccessNone},
			{ID: "acceptance", PilotOnly: true, Access: model.AccessNone}},
		Buildings: []model.Building{{ID: "B1", Stairwells: []model.Stairwell{{ID: "B1-A"}}}},
		Dwellings: []model.Dwelling{{ID: "D1", Building: "B1", Stairwell: "B1-A", Vacant: true},
			{ID: "D2", Building: "B1", Stairwell: "B1-A", Vacant: true}},
		Crews:     []model.Crew{{ID: "PNT-1", Trades: []string{"painting"}}},
		Pilots:    []model.Pilot{{ID: "PIL-1"}},
		Sequences: []model.Sequence{{Before: "painting", After: "acceptance"}},
		Interventions: []model.Intervention{
			{ID: "D1/painting", Dwelling: "D1", Trade: "painting", Duration: "1d", Release: "2027-03-02"},
			{ID: "D1/acceptance", Dwelling: "D1", Trade: "acceptance", Duration: "1h", Status: model.StatusConfirmed, Pinned: true,
				Pilot: "PIL-1", Start: "2027-03-03T09:00", End: "2027-03-03T10:00"},
			{ID: "D2/painting", Dwelling: "D2", Trade: "painting", Duration: "2d"},
		},
	}
	require.NoError(t, model.Validate(p))
	for _, seed := range []int64{1, 2, 3} {
		res, err := Solve(context.Background(), p, &Settings{WorkLimit: 50, Workers: 1, Seed: seed})
		require.NoError(t, err)
		vs := Verify(p, res.Plan)
		assert.Empty(t, vs, "seed %d: the verifier finds the plan broken", seed)
		assert.Empty(t, res.Violations, "seed %d", seed)
		assert.Empty(t, res.Plan.Unplaced, "seed %d: D1's painting fits on Tuesday", seed)
	}
}
