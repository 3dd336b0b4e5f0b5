package scheduler

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// h3NowLimited is the event that gives household H3 of rehousingProblem the
// profile P-W (2 days without water at most): its works, about five days of
// cuts, now need a stay.
func h3NowLimited(p *model.Problem) *model.Events {
	var h model.Household
	for _, x := range p.Households {
		if x.ID == "H3" {
			h = x
		}
	}
	h.Profiles = []string{"P-W"}
	h.FurnitureM3 = 15
	return &model.Events{Format: model.EventsFormat, Events: []model.Event{{ID: "ev-h3", Type: model.EventHouseholdChanged, Household: &h}}}
}

// A replan plans the stays its events make needed, as the first plan does: a
// unit, dates with the cleaning days apart from the stays booked, the removal
// crew out and back; the stays planned before stay where they were, the
// household's works keep their appointments when a unit is free around them,
// and the plan verifies against the problem as given and as the replan leaves
// it. With one unit the new stay waits for it, and the works follow.
func TestReplanPlansNewStays(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	// two weeks before the works: the notice owed is no obstacle
	now := time.Date(2027, 2, 15, 8, 0, 0, 0, loc)
	for _, tc := range []struct {
		name        string
		secondUnit  bool // a unit added after the first plan
		worksInTime bool // D3's works keep their old appointments
	}{
		{"a unit free around the works", true, true},
		{"one unit, the stay waits for it", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := rehousingProblem()
			// D3's works start on the 3rd at the soonest: a day for a move out
			// before them once its household needs one
			for i := range p.Interventions {
				if p.Interventions[i].ID == "D3/strip-out" {
					p.Interventions[i].Release = "2027-03-03T08:00"
				}
			}
			require.NoError(t, model.Validate(p))
			res, err := Solve(context.Background(), p, &Settings{WorkLimit: 20, Workers: 1})
			require.NoError(t, err)
			require.Equal(t, StatusComplete, res.Status, "%+v", res.Plan.Unplaced)
			require.Empty(t, Verify(res.Problem, res.Plan))
			require.Len(t, res.Plan.Stays, 2)
			oldAt := map[string]model.Assignment{}
			for _, a := range res.Plan.Assignments {
				oldAt[a.Intervention] = a
			}
			// H3 was told of its appointments
			an, err := Announce(p, res.Plan, AnnounceOptions{Now: now, Households: []string{"H3"}})
			require.NoError(t, err)
			require.NotEmpty(t, an.Announced)
			q := an.Problem
			if tc.secondUnit {
				// the landlord has freed another flat since
				q = q.Clone()
				q.RelocationUnits = append(q.RelocationUnits, model.RelocationUnit{ID: "U2", Building: "B1", AvailableFrom: "2027-02-01"})
				require.NoError(t, model.Validate(q))
			}

			rr, err := Replan(context.Background(), q, res.Plan, h3NowLimited(p), now, &Settings{WorkLimit: 20, Workers: 1, Check: true})
			require.NoError(t, err)
			assert.Empty(t, rr.Plan.Unplaced)
			assert.Empty(t, rr.Result.Violations)
			assert.Empty(t, Verify(rr.Problem, rr.Plan), "the problem the replan leaves")
			require.Len(t, rr.NewStays, 1)
			st := rr.NewStays[0]
			assert.Equal(t, "H3", st.Household)
			assert.Equal(t, "D3", st.Dwelling)
			assert.True(t, st.Planned)
			assert.Equal(t, model.StayForWater, st.Reason)
			assert.Equal(t, "D3/move-out", st.MoveOut)
			assert.Equal(t, "D3/move-back", st.MoveBack)
			require.Len(t, rr.Plan.Stays, 3)
			for _, old := range res.Plan.Stays {
				found := false
				for _, s := range rr.Plan.Stays {
					if s.Household == old.Household {
						found = true
						assert.Equal(t, old.Unit, s.Unit)
						assert.Equal(t, old.From, s.From, "a stay planned before stays put")
					}
				}
				assert.True(t, found, old.Household)
			}
			// the cleaning days between the new stay and the others in its unit
			for _, s := range rr.Plan.Stays {
				if s.Household == "H3" || s.Unit != st.Unit {
					continue
				}
				apart := dateOf(t, st.From).After(dateOf(t, s.To).AddDate(0, 0, 2)) || dateOf(t, s.From).After(dateOf(t, st.To).AddDate(0, 0, 2))
				assert.True(t, apart, "%+v and %+v", s, st)
			}
			at := map[string]model.Assignment{}
			for _, a := range rr.Plan.Assignments {
				at[a.Intervention] = a
			}
			from, to := dateOf(t, st.From), dateOf(t, st.To).AddDate(0, 0, 1)
			for _, id := range []string{"D3/move-out", "D3/strip-out", "D3/plumbing", "D3/sanitary", "D3/move-back"} {
				a, ok := at[id]
				require.True(t, ok, id)
				s, _ := time.Parse(time.RFC3339, a.Start)
				e, _ := time.Parse(time.RFC3339, a.End)
				assert.False(t, s.Before(from) || e.After(to), "%s %s-%s inside %s-%s", id, a.Start, a.End, st.From, st.To)
			}
			assert.Less(t, at["D3/move-out"].Start, at["D3/strip-out"].Start)
			assert.Greater(t, at["D3/move-back"].Start, at["D3/sanitary"].Start)
			// 15 m³ (the event's record): two movers, 5h (the removal rule)
			assert.Equal(t, 5*time.Hour, worked(t, at["D3/move-out"]))
			if tc.worksInTime {
				for _, id := range []string{"D3/strip-out", "D3/plumbing", "D3/tiling", "D3/sanitary", "D3/painting"} {
					assert.Equal(t, oldAt[id].Start, at[id].Start, "%s keeps its appointment", id)
				}
				assert.Zero(t, rr.Diff.Summary.AnnouncedMoved)
			} else {
				assert.Greater(t, at["D3/strip-out"].Start, oldAt["D3/strip-out"].Start, "the works wait for the unit")
			}
			// the moves are new, and say which event made them
			causes := map[string]string{}
			for _, c := range rr.Diff.Changes {
				causes[c.Intervention] = c.Kind + " " + c.Cause
			}
			assert.Equal(t, "added ev-h3", causes["D3/move-out"])
			assert.Equal(t, "added ev-h3", causes["D3/move-back"])
			// the next replan keeps the new stay, booked
			rr2, err := Replan(context.Background(), rr.Problem, rr.Plan, nil, now.Add(time.Hour), &Settings{WorkLimit: 20, Workers: 1})
			require.NoError(t, err)
			assert.Empty(t, rr2.NewStays)
			assert.Empty(t, rr2.Result.Violations)
			assert.Empty(t, Verify(rr2.Problem, rr2.Plan))
			found := false
			for _, s := range rr2.Plan.Stays {
				found = found || s.Household == "H3" && s.From == st.From && s.Unit == st.Unit
			}
			assert.True(t, found, "%+v", rr2.Plan.Stays)
		})
	}
}

// A replan whose events make no household need a stay plans none, and one
// whose household needed a stay before and got none does not look again.
func TestReplanPlansNoStayUnneeded(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	now := time.Date(2027, 3, 1, 8, 0, 0, 0, loc)
	p := rehousingProblem()
	p.RelocationUnits[0].AvailableTo = "2027-03-20" // no unit for anyone
	require.NoError(t, model.Validate(p))
	res, err := Solve(context.Background(), p, &Settings{WorkLimit: 20, Workers: 1})
	require.NoError(t, err)
	require.Empty(t, Verify(res.Problem, res.Plan))
	require.Empty(t, res.Plan.Stays)
	ev := &model.Events{Format: model.EventsFormat, Events: []model.Event{{ID: "ev-1", Type: model.EventCrewAbsent, Crew: "N-1", From: "2027-03-02", To: "2027-03-03"}}}
	rr, err := Replan(context.Background(), p, res.Plan, ev, now, &Settings{WorkLimit: 20, Workers: 1})
	require.NoError(t, err)
	assert.Empty(t, rr.NewStays)
	assert.Empty(t, rr.Plan.Stays)
	assert.Empty(t, rr.Result.Violations)
	assert.Empty(t, Verify(rr.Problem, rr.Plan))
}
