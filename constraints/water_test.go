package constraints

import (
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// TestWaterCutOverStartsANewStretch: water cut more than the profile's limit
// before now is over; the water cuts still to come are a new stretch, bound by the
// limit among themselves, for the verifier and for the compiled problem alike
// (scheduler.TestLateWaterCutIsPlanned solves and verifies such a plan).
func TestWaterCutOverStartsANewStretch(t *testing.T) {
	setup := func(now string, done bool) (*model.Problem, *model.Plan) {
		p, pl := vtProblem(), vtPlan()
		p.Trades = append(p.Trades, model.Trade{ID: "leak", CutsWater: true})
		p.Crews = append(p.Crews, model.Crew{ID: "LEAK-1", Trades: []string{"leak"}})
		p.Interventions = append(p.Interventions, model.Intervention{ID: "D1/leak", Dwelling: "D1", Trade: "leak", Duration: "2h"})
		pl.Assignments = append(pl.Assignments, vtA("D1/leak", "LEAK-1", "", "2027-03-16 13:00", "15:00"))
		if done {
			iv, a := vtIntervention(p, "D1/plumbing"), vtFind(pl, "D1/plumbing")
			iv.Status, iv.Crew, iv.Start, iv.End = model.StatusDone, a.Crew, a.Start, a.End
		}
		p.Operation.Now = now
		return p, pl
	}
	water := func(vs []Violation) bool {
		for _, v := range vs {
			if v.Rule == NameHouseholdProfile && v.Intervention == "D1/leak" && strings.Contains(v.Message, "water") {
				return true
			}
		}
		return false
	}
	spanOf := func(p *model.Problem) []string {
		cp, err := Compile(p)
		require.NoError(t, err)
		var ids []string
		for _, sp := range cp.Problem.Spans {
			for _, task := range sp.Tasks {
				ids = append(ids, cp.Interventions[task].ID)
			}
		}
		sort.Strings(ids)
		return ids
	}
	for _, tc := range []struct {
		name      string
		now       string
		done      bool
		broken    bool
		spanTasks []string
	}{
		{"no now: one stretch of 14 days", "", false, true, []string{"D1/leak", "D1/plumbing"}},
		{"plumbing done, but within 2 days of now", "2027-03-03T09:00", true, true, []string{"D1/leak", "D1/plumbing"}},
		{"plumbing done more than 2 days before now", "2027-03-10T08:00", true, false, []string{"D1/leak"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, pl := setup(tc.now, tc.done)
			require.NoError(t, model.Validate(p))
			assert.Equal(t, tc.broken, water(Verify(p, pl)), vtDump(Verify(p, pl)))
			assert.Equal(t, tc.spanTasks, spanOf(p))
		})
	}
}

// TestWaterLimitCompilesToDates: the compiled limit counts days touched, as the
// verifier counts dates (TestVerifyBrokenRules, "water out on three dates").
func TestWaterLimitCompilesToDates(t *testing.T) {
	cp, err := Compile(vtProblem())
	require.NoError(t, err)
	require.Len(t, cp.Problem.Spans, 1)
	sp := cp.Problem.Spans[0]
	assert.True(t, sp.Days, "the limit is in dates")
	assert.Equal(t, 2, sp.Max, "P-ELD allows 2 days without water")
	assert.GreaterOrEqual(t, len(cp.Problem.DayStarts), 2)
}
