package scheduler

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// removalProblem: household H1 moves out of D1 into unit U1 and back, with
// furniture of volume m3 and removals whose duration is left to the volume; the
// removal crews have 2 and 4 movers.
func removalProblem(m3 float64) *model.Problem {
	return &model.Problem{
		Format:    model.Format,
		Operation: model.Operation{ID: "op-removal", TimeZone: "Europe/Paris", Start: "2027-03-01", End: "2027-03-31"},
		Trades:    []model.Trade{{ID: "removal", Access: model.AccessNone}, {ID: "plumbing", CutsWater: true, Access: model.AccessNone}},
		Buildings: []model.Building{{ID: "B1", Stairwells: []model.Stairwell{{ID: "B1-A"}}}},
		Dwellings: []model.Dwelling{{ID: "D1", Building: "B1", Stairwell: "B1-A", Household: "H1"}},
		Households: []model.Household{{ID: "H1", FurnitureM3: m3,
			Availability: []model.Recurrence{{RRule: "FREQ=DAILY", Start: "08:00", Duration: "10h"}}}},
		Crews: []model.Crew{{ID: "MOV-2", Trades: []string{"removal"}, Size: 2}, {ID: "MOV-4", Trades: []string{"removal"}, Size: 4},
			{ID: "PLB-1", Trades: []string{"plumbing"}}},
		RelocationUnits: []model.RelocationUnit{{ID: "U1"}},
		Relocations:     []model.Relocation{{Household: "H1", Unit: "U1", From: "2027-03-08", To: "2027-03-19"}},
		Interventions: []model.Intervention{
			{ID: "D1/move-out", Dwelling: "D1", Trade: "removal", Relocation: model.RoleMoveOut},
			{ID: "D1/plumbing", Dwelling: "D1", Trade: "plumbing", Duration: "1d", Relocation: model.RoleDuring},
			{ID: "D1/move-back", Dwelling: "D1", Trade: "removal", Relocation: model.RoleMoveBack},
		},
	}
}

// TestRemovalsByVolume: the removals take the duration and the crew size the
// household's furniture volume needs; the plan verifies, and the same plan breaks
// rule removal-volume once the volume grows.
func TestRemovalsByVolume(t *testing.T) {
	for _, tc := range []struct {
		m3     float64
		movers int
		work   time.Duration
	}{{8, 2, 3 * time.Hour}, {20, 2, 7 * time.Hour}, {45, 4, 7*time.Hour + 30*time.Minute}} {
		p := removalProblem(tc.m3)
		require.NoError(t, model.Validate(p))
		res, err := Solve(context.Background(), p, &Settings{WorkLimit: 8, Workers: 1})
		require.NoError(t, err)
		require.Equal(t, StatusComplete, res.Status, "%g m³: %+v", tc.m3, res.Plan.Unplaced)
		assert.Empty(t, res.Violations)
		for _, a := range res.Plan.Assignments {
			if a.Intervention == "D1/plumbing" {
				continue
			}
			crew := p.Crews[0]
			if a.Crew == "MOV-4" {
				crew = p.Crews[1]
			}
			assert.GreaterOrEqual(t, crew.SizeOf(), tc.movers, "%g m³: %s by %s", tc.m3, a.Intervention, a.Crew)
			assert.Equal(t, tc.work, worked(t, a), "%g m³: %s", tc.m3, a.Intervention)
		}
		bigger := removalProblem(tc.m3 + 30)
		vs := Verify(bigger, res.Plan)
		found := false
		for _, v := range vs {
			found = found || v.Rule == "removal-volume"
		}
		assert.True(t, found, "%g m³ more: %v", tc.m3+30, vs)
	}
}

// worked is an assignment's worked time, its segments added up.
func worked(t *testing.T, a model.Assignment) time.Duration {
	segs := a.Segments
	if len(segs) == 0 {
		segs = []model.Segment{{Start: a.Start, End: a.End}}
	}
	var d time.Duration
	for _, s := range segs {
		from, err := time.Parse(time.RFC3339, s.Start)
		require.NoError(t, err)
		to, err := time.Parse(time.RFC3339, s.End)
		require.NoError(t, err)
		d += to.Sub(from)
	}
	return d
}
