package scheduler

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// TestPilotFreeInTheGapOfASplitIntervention: the electrics of D1 need the pilot and
// are pinned on Tuesday 2 March 2027, 08:00-12:00 and 13:00-17:00 (the crew's
// lunch between); the pilot, in the office 08:00-18:00, is needed only while
// present, so the visit of D2, due between 12:00 and 13:00 that day, takes the gap.
// The crew and the dwelling stay held in the gap (the verifier agrees:
// constraints.TestPilotFreeBetweenSegments).
func TestPilotFreeInTheGapOfASplitIntervention(t *testing.T) {
	p := &model.Problem{
		Format:    model.Format,
		Operation: model.Operation{ID: "op-gap", TimeZone: "Europe/Paris", Start: "2027-03-01", End: "2027-03-31"},
		Trades: []model.Trade{{ID: "electrics", NeedsPilot: true, Access: model.AccessNone},
			{ID: "visit", PilotOnly: true, Access: model.AccessNone}},
		Buildings: []model.Building{{ID: "B1", Stairwells: []model.Stairwell{{ID: "B1-A"}}}},
		Dwellings: []model.Dwelling{{ID: "D1", Building: "B1", Stairwell: "B1-A", Vacant: true},
			{ID: "D2", Building: "B1", Stairwell: "B1-A", Vacant: true}},
		Crews: []model.Crew{{ID: "ELE-1", Trades: []string{"electrics"}}},
		Pilots: []model.Pilot{{ID: "PIL-1", OfficeHours: []model.Recurrence{
			{RRule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", Start: "08:00", Duration: "10h"}}}},
		Interventions: []model.Intervention{
			{ID: "D1/electrics", Dwelling: "D1", Trade: "electrics", Duration: "8h", Pinned: true, Crew: "ELE-1", Pilot: "PIL-1",
				Start: "2027-03-02T08:00", End: "2027-03-02T17:00"},
			{ID: "D2/visit", Dwelling: "D2", Trade: "visit", Duration: "1h", Release: "2027-03-02T12:00", Deadline: "2027-03-02T13:00"},
		},
	}
	require.NoError(t, model.Validate(p))
	res, err := Solve(context.Background(), p, &Settings{WorkLimit: 4, Workers: 1})
	require.NoError(t, err)
	assert.Empty(t, res.Violations)
	assert.Empty(t, Verify(res.Problem, res.Plan))
	require.Empty(t, res.Plan.Unplaced, "the visit is not placed in the pilot's free gap")
	for _, a := range res.Plan.Assignments {
		if a.Intervention == "D2/visit" {
			assert.Equal(t, "2027-03-02T12:00:00+01:00", a.Start)
			assert.Equal(t, "PIL-1", a.Pilot)
		}
	}
}
