package scheduler

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// waterDatesProblem: in dwelling D1, water is cut by a fixed intervention on
// Monday 1 March 2027 13:00-17:00 and by a second one that must start at least 36
// hours after it ends, so on Wednesday 3 March at 08:00 at the earliest: 43 hours
// from the first cut's start to the second's end, but three dates without water.
func waterDatesProblem(limit int) *model.Problem {
	return &model.Problem{
		Format:    model.Format,
		Operation: model.Operation{ID: "op-water", TimeZone: "Europe/Paris", Start: "2027-03-01", End: "2027-03-31"},
		Trades:    []model.Trade{{ID: "stripout", CutsWater: true}, {ID: "plumbing", CutsWater: true}},
		Profiles:  []model.Profile{{ID: "P-W", MaxWaterOutDays: limit}},
		Buildings: []model.Building{{ID: "B1", Stairwells: []model.Stairwell{{ID: "B1-A"}}}},
		Dwellings: []model.Dwelling{{ID: "D1", Building: "B1", Stairwell: "B1-A", Household: "H1"}},
		Households: []model.Household{{ID: "H1", KeysWithPilot: false, Profiles: []string{"P-W"},
			Availability: []model.Recurrence{{RRule: "FREQ=DAILY", Start: "00:00", Duration: "24h"}}}},
		Crews:     []model.Crew{{ID: "S-1", Trades: []string{"stripout"}}, {ID: "P-1", Trades: []string{"plumbing"}}},
		Sequences: []model.Sequence{{Before: "stripout", After: "plumbing", MinLag: "36h"}},
		Interventions: []model.Intervention{
			{ID: "D1/stripout", Dwelling: "D1", Trade: "stripout", Duration: "4h", Pinned: true, Crew: "S-1",
				Start: "2027-03-01T13:00", End: "2027-03-01T17:00"},
			{ID: "D1/plumbing", Dwelling: "D1", Trade: "plumbing", Duration: "4h"},
		},
	}
}

// TestWaterOutCountsDates: max_water_out_days counts the dates a household lives
// without water: with a limit of 2 the second cut cannot be placed (it would make
// three dates, though within 48 hours), and the verifier refuses a plan placing it;
// with a limit of 3 it is placed on the third date and the plan verifies.
func TestWaterOutCountsDates(t *testing.T) {
	for _, tc := range []struct {
		limit  int
		placed bool
	}{{2, false}, {3, true}} {
		p := waterDatesProblem(tc.limit)
		require.NoError(t, model.Validate(p))
		res, err := Solve(context.Background(), p, &Settings{WorkLimit: 4, Workers: 1})
		require.NoError(t, err)
		assert.Empty(t, res.Violations, "limit %d", tc.limit)
		var got *model.Assignment
		for i := range res.Plan.Assignments {
			if res.Plan.Assignments[i].Intervention == "D1/plumbing" {
				got = &res.Plan.Assignments[i]
			}
		}
		require.Equal(t, tc.placed, got != nil, "limit %d: %+v", tc.limit, res.Plan)
		if got == nil {
			require.Len(t, res.Plan.Unplaced, 1)
			assert.Contains(t, res.Plan.Unplaced[0].Reasons[0].Message, "water")
			// the plan the elapsed reading allowed: Wednesday 08:00-12:00
			plan := *res.Plan
			plan.Unplaced = nil
			plan.Assignments = append(plan.Assignments, model.Assignment{Intervention: "D1/plumbing", Crew: "P-1",
				Start: "2027-03-03T08:00:00+01:00", End: "2027-03-03T12:00:00+01:00"})
			vs := Verify(p, &plan)
			require.Len(t, vs, 1, "%v", vs)
			assert.Contains(t, vs[0].Message, "on 3 dates, more than the 2 days")
			continue
		}
		loc, _ := time.LoadLocation("Europe/Paris")
		end, err := model.ParseMoment(got.End, loc)
		require.NoError(t, err)
		assert.Equal(t, "2027-03-03", end.In(loc).Format(time.DateOnly), "the second cut is on the third date")
		assert.False(t, strings.Contains(got.Start, "2027-03-04"))
	}
}
