package scheduler

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// interlocutorProblem: two stairwells of two dwellings, two pilots; each dwelling
// has a visit, plumbing and an acceptance visit. Each stairwell goes to the pilot
// with the fewest households when its first dwelling comes: H1 names P2 as its
// own, so stairwell A goes to P1 and, the load then even, stairwell B to P1 too.
func interlocutorProblem() *model.Problem {
	p := &model.Problem{
		Format:    model.Format,
		Operation: model.Operation{ID: "op-pilots", TimeZone: "Europe/Paris", Start: "2027-03-01", End: "2027-04-30"},
		Trades: []model.Trade{{ID: "visit", PilotOnly: true, Access: model.AccessTenant}, {ID: "plumbing"},
			{ID: "acceptance", PilotOnly: true, Access: model.AccessTenant}},
		Buildings: []model.Building{{ID: "B1", Stairwells: []model.Stairwell{{ID: "A"}, {ID: "B"}}}},
		Crews:     []model.Crew{{ID: "PLB-1", Trades: []string{"plumbing"}}},
		Pilots:    []model.Pilot{{ID: "P1"}, {ID: "P2"}},
		Sequences: []model.Sequence{{Before: "visit", After: "plumbing"}, {Before: "plumbing", After: "acceptance"}},
	}
	for i := 1; i <= 4; i++ {
		sw := "A"
		if i > 2 {
			sw = "B"
		}
		d, h := fmt.Sprintf("D%d", i), fmt.Sprintf("H%d", i)
		p.Dwellings = append(p.Dwellings, model.Dwelling{ID: d, Building: "B1", Stairwell: sw, Household: h})
		p.Households = append(p.Households, model.Household{ID: h,
			Availability: []model.Recurrence{{RRule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", Start: "08:00", Duration: "10h"}}})
		for _, t := range []string{"visit", "plumbing", "acceptance"} {
			dur := "1h"
			if t == "plumbing" {
				dur = "1d"
			}
			p.Interventions = append(p.Interventions, model.Intervention{ID: d + "/" + t, Dwelling: d, Trade: t, Duration: dur})
		}
	}
	p.Households[0].Pilot = "P2"
	return p
}

func pilotsOf(plan *model.Plan) map[string]string {
	out := map[string]string{}
	for _, a := range plan.Assignments {
		if a.Pilot != "" {
			out[a.Intervention] = a.Pilot
		}
	}
	return out
}

// Every visit of a household goes to its own pilot when both are free; the score
// says so, and no household is listed as seeing another pilot.
func TestOneInterlocutor(t *testing.T) {
	p := interlocutorProblem()
	require.NoError(t, model.Validate(p))
	res, err := Solve(context.Background(), p, &Settings{WorkLimit: 30, Workers: 1, Check: true})
	require.NoError(t, err)
	require.Equal(t, StatusComplete, res.Status)
	require.Empty(t, Verify(res.Problem, res.Plan))
	got := pilotsOf(res.Plan)
	want := map[string]string{"D1": "P2", "D2": "P1", "D3": "P1", "D4": "P1"}
	for d, pilot := range want {
		assert.Equal(t, pilot, got[d+"/visit"], d)
		assert.Equal(t, pilot, got[d+"/acceptance"], d)
	}
	assert.Empty(t, res.Plan.Interlocutors)
	assert.Equal(t, 0, res.Terms.OtherPilot)
	found := false
	for _, term := range res.Plan.Score.Terms {
		if term.Goal == "visits_with_another_pilot" {
			found = true
			assert.Equal(t, 0.0, term.Value)
			assert.Equal(t, 50.0, term.Weight)
		}
	}
	assert.True(t, found, "the score has the goal")
}

// When its own pilot is away, a household's visit goes to another pilot, and the
// plan says who and why, in English and in French.
func TestOneInterlocutorExplainsWhenItCannotHold(t *testing.T) {
	for _, lang := range []Lang{English, French} {
		p := interlocutorProblem()
		// P1 is away after the first days: D2's acceptance, after the plumbing
		// of the four dwellings by one crew, cannot be with P1
		p.Pilots[0].Absences = []model.Period{{From: "2027-03-03", To: "2027-04-30"}}
		require.NoError(t, model.Validate(p))
		res, err := Solve(context.Background(), p, &Settings{WorkLimit: 30, Workers: 1, Lang: lang})
		require.NoError(t, err)
		require.Equal(t, StatusComplete, res.Status)
		got := pilotsOf(res.Plan)
		assert.Equal(t, "P2", got["D2/acceptance"])
		require.NotEmpty(t, res.Plan.Interlocutors, "%s", lang)
		var h2 *model.Interlocutor
		for i := range res.Plan.Interlocutors {
			if res.Plan.Interlocutors[i].Household == "H2" {
				h2 = &res.Plan.Interlocutors[i]
			}
		}
		require.NotNil(t, h2, "%+v", res.Plan.Interlocutors)
		assert.Equal(t, "P1", h2.Pilot)
		var reason string
		for _, v := range h2.Visits {
			if v.Intervention == "D2/acceptance" {
				assert.Equal(t, "P2", v.Pilot)
				reason = v.Reason
			}
		}
		if lang == French {
			assert.Contains(t, reason, "Le pilote «\u00a0P1\u00a0», interlocuteur du ménage, n'est pas de permanence le")
		} else {
			assert.Contains(t, reason, "pilot P1, the household's own, is not on duty at")
		}
		assert.Positive(t, res.Terms.OtherPilot)
		assert.Empty(t, res.Violations)
		assert.Empty(t, Verify(res.Problem, res.Plan))
	}
}
