package scheduler

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// rehousingProblem: three dwellings whose works cut water for about five days
// back to back (strip-out, plumbing, 36 hours of drying, tiling, sanitary);
// the households of D1 and D2 may go without water 2 days at most, D3's have no
// limit. One relocation unit, operation.rehousing with 2 cleaning days.
func rehousingProblem() *model.Problem {
	cleaning := 2
	p := &model.Problem{
		Format: model.Format,
		Operation: model.Operation{ID: "op-rehousing", TimeZone: "Europe/Paris", Start: "2027-03-01", End: "2027-06-30",
			Rehousing: &model.Rehousing{CleaningDays: &cleaning}},
		Trades: []model.Trade{
			{ID: "strip-out", CutsWater: true, CutsBathroom: true},
			{ID: "plumbing", CutsWater: true, CutsBathroom: true},
			{ID: "tiling", CutsBathroom: true},
			{ID: "sanitary", CutsWater: true, CutsBathroom: true},
			{ID: "painting"},
			{ID: "removal", Access: model.AccessTenant},
		},
		Profiles:  []model.Profile{{ID: "P-W", MaxWaterOutDays: 2}},
		Buildings: []model.Building{{ID: "B1", Stairwells: []model.Stairwell{{ID: "B1-A"}}}},
		Crews: []model.Crew{{ID: "S-1", Trades: []string{"strip-out"}}, {ID: "P-1", Trades: []string{"plumbing", "sanitary"}},
			{ID: "T-1", Trades: []string{"tiling"}}, {ID: "N-1", Trades: []string{"painting"}}, {ID: "M-1", Trades: []string{"removal"}, Size: 3}},
		Sequences: []model.Sequence{{Before: "strip-out", After: "plumbing"}, {Before: "plumbing", After: "tiling", MinLag: "36h"},
			{Before: "tiling", After: "sanitary"}, {Before: "sanitary", After: "painting"}},
		RelocationUnits: []model.RelocationUnit{{ID: "U1", Building: "B1", AvailableFrom: "2027-03-08"}},
	}
	for i := 1; i <= 3; i++ {
		d, h := fmt.Sprintf("D%d", i), fmt.Sprintf("H%d", i)
		p.Dwellings = append(p.Dwellings, model.Dwelling{ID: d, Building: "B1", Stairwell: "B1-A", Floor: i, Household: h})
		hh := model.Household{ID: h, Availability: []model.Recurrence{{RRule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", Start: "08:00", Duration: "10h"}}}
		if i < 3 {
			hh.Profiles = []string{"P-W"}
			hh.FurnitureM3 = float64(10 * i)
		}
		p.Households = append(p.Households, hh)
		for _, t := range []string{"strip-out", "plumbing", "tiling", "sanitary", "painting"} {
			dur := "1d"
			if t == "strip-out" {
				dur = "0.5d"
			}
			p.Interventions = append(p.Interventions, model.Intervention{ID: d + "/" + t, Dwelling: d, Trade: t, Duration: dur})
		}
	}
	return p
}

func dateOf(t *testing.T, s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	require.NoError(t, err)
	return d
}

// The planner gives a stay to each household that the works would leave
// without water beyond its limit, one after the other in the one unit with the
// cleaning days between them; the plan says who moves when, the moves are sized
// by volume, the works that cut water lie inside the stays, and the plan
// verifies against the problem as given.
func TestRehousingPlanned(t *testing.T) {
	p := rehousingProblem()
	require.NoError(t, model.Validate(p))
	res, err := Solve(context.Background(), p, &Settings{WorkLimit: 40, Workers: 1, Check: true})
	require.NoError(t, err)
	require.Equal(t, StatusComplete, res.Status, "%+v", res.Plan.Unplaced)
	assert.Empty(t, res.Violations)
	assert.Empty(t, Verify(p, res.Plan), "the problem as given")
	assert.Empty(t, Verify(res.Problem, res.Plan), "the problem the stays make")
	require.Len(t, res.Plan.Stays, 2, "%+v", res.Plan.Stays)
	a, b := res.Plan.Stays[0], res.Plan.Stays[1]
	assert.Equal(t, []string{"H1", "H2"}, []string{a.Household, b.Household})
	for _, st := range res.Plan.Stays {
		assert.True(t, st.Planned)
		assert.Equal(t, "U1", st.Unit)
		assert.Equal(t, model.StayForWater, st.Reason)
		assert.Equal(t, st.Dwelling+"/move-out", st.MoveOut)
		assert.Equal(t, st.Dwelling+"/move-back", st.MoveBack)
		assert.False(t, dateOf(t, st.From).Before(dateOf(t, "2027-03-08")), "the unit's availability")
	}
	gap := dateOf(t, b.From).Sub(dateOf(t, a.To)).Hours()/24 - 1
	assert.GreaterOrEqual(t, gap, 2.0, "two cleaning days between %s and %s", a.To, b.From)
	at := map[string]model.Assignment{}
	for _, as := range res.Plan.Assignments {
		at[as.Intervention] = as
	}
	for _, st := range res.Plan.Stays {
		from, to := dateOf(t, st.From), dateOf(t, st.To).AddDate(0, 0, 1)
		for _, id := range []string{st.MoveOut, st.Dwelling + "/plumbing", st.Dwelling + "/sanitary", st.MoveBack} {
			as, ok := at[id]
			require.True(t, ok, id)
			s, _ := time.Parse(time.RFC3339, as.Start)
			e, _ := time.Parse(time.RFC3339, as.End)
			assert.False(t, s.Before(from) || e.After(to), "%s %s-%s inside %s-%s", id, as.Start, as.End, st.From, st.To)
		}
		assert.Less(t, at[st.MoveOut].Start, at[st.Dwelling+"/strip-out"].Start)
		assert.Greater(t, at[st.MoveBack].Start, at[st.Dwelling+"/sanitary"].Start)
	}
	// H1 has 10 m³ (2 movers, 3h30), H2 20 m³ (7h)
	assert.Equal(t, 3*time.Hour+30*time.Minute, worked(t, at["D1/move-out"]))
	assert.Equal(t, 7*time.Hour, worked(t, at["D2/move-back"]))
	// who moves when, in French, in the summary
	var sum strings.Builder
	require.NoError(t, Summarize(p, res.Plan).WriteText(&sum))
	assert.Contains(t, sum.String(), "who moves when (relocation stays, in French as the households read them):\n  H1 (D1) : logement tiroir U1 du lundi 8 mars 2027")
	assert.Contains(t, sum.String(), "(relogé par le planning : coupures d'eau trop longues), déménagement le lundi 8 mars 2027 à 08:00")
	// the plan's stays checked: a stay moved into the cleaning days breaks rule 12
	broken := *res.Plan
	broken.Stays = append([]model.Stay(nil), res.Plan.Stays...)
	broken.Stays[1].From = dateOf(t, a.To).AddDate(0, 0, 1).Format(time.DateOnly)
	found := false
	for _, v := range Verify(p, &broken) {
		found = found || v.Rule == "rehousing"
	}
	assert.True(t, found, "cleaning days")
}

// A household with a stay booked keeps it (typed-in stays keep working): the
// planner plans none for it.
func TestRehousingKeepsTypedStays(t *testing.T) {
	p := rehousingProblem()
	p.Relocations = []model.Relocation{{Household: "H2", Unit: "U1", From: "2027-04-05", To: "2027-04-30"}}
	for i := range p.Interventions {
		if iv := &p.Interventions[i]; iv.Dwelling == "D2" && iv.Trade != "painting" {
			iv.Relocation, iv.Access = model.RoleDuring, model.AccessNone
		}
	}
	p.Interventions = append(p.Interventions,
		model.Intervention{ID: "D2/out", Dwelling: "D2", Trade: "removal", Relocation: model.RoleMoveOut},
		model.Intervention{ID: "D2/back", Dwelling: "D2", Trade: "removal", Relocation: model.RoleMoveBack})
	require.NoError(t, model.Validate(p))
	res, err := Solve(context.Background(), p, &Settings{WorkLimit: 40, Workers: 1})
	require.NoError(t, err)
	require.Equal(t, StatusComplete, res.Status, "%+v", res.Plan.Unplaced)
	require.Len(t, res.Plan.Stays, 2)
	for _, st := range res.Plan.Stays {
		if st.Household == "H2" {
			assert.False(t, st.Planned)
			assert.Equal(t, "D2/out", st.MoveOut)
		} else {
			assert.True(t, st.Planned)
			// H1's stay keeps the cleaning days clear of H2's
			assert.True(t, st.To < "2027-04-03" || st.From > "2027-05-02", "%+v", st)
		}
	}
	assert.Empty(t, res.Violations)
	assert.Empty(t, Verify(res.Problem, res.Plan))
}

// A household that needs a stay when no unit is free long enough: its works
// that cut water are left unplaced, and the reason says why, in both languages.
func TestRehousingNoUnitFree(t *testing.T) {
	for _, lang := range []Lang{English, French} {
		p := rehousingProblem()
		p.RelocationUnits[0].AvailableTo = "2027-03-20"
		require.NoError(t, model.Validate(p))
		res, err := Solve(context.Background(), p, &Settings{WorkLimit: 20, Workers: 1, Lang: lang})
		require.NoError(t, err)
		assert.Empty(t, res.Violations)
		assert.Empty(t, Verify(res.Problem, res.Plan))
		require.NotEmpty(t, res.Plan.Unplaced)
		msg := ""
		for _, u := range res.Plan.Unplaced {
			for _, r := range u.Reasons {
				if r.Rule == "rehousing" {
					msg = r.Message
				}
			}
		}
		if msg == "" {
			t.Logf("%+v", res.Plan.Unplaced)
		}
		if lang == French {
			assert.Contains(t, msg, "aucun logement tiroir n'est libre assez longtemps")
		} else {
			assert.Contains(t, msg, "no relocation unit is free long enough to rehouse it")
		}
	}
}

// A replan keeps the planned stays (booked from then on), extends those not
// begun as their unit allows, and its plan verifies against the problem as
// given and as the replan leaves it.
func TestRehousingReplan(t *testing.T) {
	p := rehousingProblem()
	res, err := Solve(context.Background(), p, &Settings{WorkLimit: 20, Workers: 1})
	require.NoError(t, err)
	require.Equal(t, StatusComplete, res.Status)
	require.Len(t, res.Plan.Stays, 2)
	first := res.Plan.Stays[0]
	from := dateOf(t, first.From)
	// the plumber is away the first week of the first stay
	ev := &model.Events{Format: model.EventsFormat, Events: []model.Event{{ID: "ev-1", Type: model.EventCrewAbsent, Crew: "P-1",
		From: from.Format(time.DateOnly), To: from.AddDate(0, 0, 6).Format(time.DateOnly)}}}
	loc, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(2027, 3, 1, 8, 0, 0, 0, loc)
	rr, err := Replan(context.Background(), p, res.Plan, ev, now, &Settings{WorkLimit: 20, Workers: 1})
	require.NoError(t, err)
	assert.Empty(t, rr.Plan.Unplaced)
	assert.Empty(t, rr.Result.Violations)
	assert.Empty(t, Verify(rr.Problem, rr.Plan))
	assert.Empty(t, Verify(p, rr.Plan), "the problem as given")
	require.Len(t, rr.Plan.Stays, 2)
	for k, st := range rr.Plan.Stays {
		assert.True(t, st.Planned)
		assert.Equal(t, res.Plan.Stays[k].From, st.From)
		assert.GreaterOrEqual(t, st.To, res.Plan.Stays[k].To)
	}
	assert.Len(t, rr.Problem.Relocations, 2, "booked")
}

// Works at the very start of the operation that need the household away: its
// stay cannot begin before the operation's first day (its move out is an
// intervention of the operation), so it begins that day and the works wait for
// the move out; the plan verifies. The same plan from elsewhere with the stay,
// or the stay and its move out, before the operation breaks the rules.
func TestRehousingStayAtTheOperationStart(t *testing.T) {
	p := rehousingProblem()
	p.RelocationUnits[0].AvailableFrom = "" // the unit is free from the start
	res, err := Solve(context.Background(), p, &Settings{WorkLimit: 40, Workers: 1, Check: true})
	require.NoError(t, err)
	require.Equal(t, StatusComplete, res.Status, "%+v", res.Plan.Unplaced)
	require.Empty(t, Verify(p, res.Plan))
	require.NotEmpty(t, res.Plan.Stays)
	st := res.Plan.Stays[0]
	require.Equal(t, "H1", st.Household)
	assert.Equal(t, p.Operation.Start, st.From, "the stay begins on the operation's first day")
	at := map[string]model.Assignment{}
	for _, as := range res.Plan.Assignments {
		at[as.Intervention] = as
	}
	assert.Equal(t, "2027-03-01T08:00:00+01:00", at[st.MoveOut].Start, "the move out first thing")
	for _, id := range []string{"D1/strip-out", "D1/plumbing", "D1/sanitary"} {
		assert.GreaterOrEqual(t, at[id].Start, at[st.MoveOut].End, "%s after the move out", id)
	}

	early := *res.Plan
	early.Stays = append([]model.Stay(nil), res.Plan.Stays...)
	early.Stays[0].From = "2027-02-26"
	rules := func(vs []Violation) map[string]string {
		out := map[string]string{}
		for _, v := range vs {
			out[v.Rule] += v.Intervention + ": " + v.Message + "\n"
		}
		return out
	}
	got := rules(Verify(p, &early))
	assert.Contains(t, got["rehousing"], "D1/move-out: the plan's stay of household H1 starts on 2027-02-26, before the operation starts (2027-03-01)")
	early.Assignments = append([]model.Assignment(nil), res.Plan.Assignments...)
	for i := range early.Assignments {
		if a := &early.Assignments[i]; a.Intervention == st.MoveOut {
			a.Start, a.End = "2027-02-26T08:00:00+01:00", "2027-02-26T11:30:00+01:00"
		}
	}
	got = rules(Verify(p, &early))
	assert.Contains(t, got["rehousing"], "before the operation starts")
	assert.Contains(t, got["release-delivery-deadline"], "D1/move-out: starts 2027-02-26 08:00, before the operation starts (2027-03-01)")
}
