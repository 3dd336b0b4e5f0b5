package scheduler

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/constraints"
	"github.com/rehabplan/rehabplan/model"
)

// phProblem is a month of pilot visits (1 h, the tenant at home): household LATE is
// home only on Tuesdays from 18:00; the others, on Tuesdays from 16:30 to 19:00,
// so that the pilot's favour hours for LATE (Tuesdays 17:30-19:00) would suit them
// too.
func phProblem(others int) *model.Problem {
	p := &model.Problem{
		Format:    model.Format,
		Operation: model.Operation{ID: "op-ph", TimeZone: "Europe/Paris", Start: "2027-03-01", End: "2027-03-31"},
		Trades:    []model.Trade{{ID: "visit", PilotOnly: true, NeedsPilot: true, Access: model.AccessTenant}},
		Buildings: []model.Building{{ID: "B1", Stairwells: []model.Stairwell{{ID: "B1-A"}}}},
		Pilots: []model.Pilot{{ID: "PIL-1", Favours: []model.Favour{
			{Household: "LATE", RRule: "FREQ=WEEKLY;BYDAY=TU", Start: "17:30", Duration: "1h30m"}}}},
	}
	add := func(h string, avail model.Recurrence) {
		d := "D-" + h
		p.Dwellings = append(p.Dwellings, model.Dwelling{ID: d, Building: "B1", Stairwell: "B1-A", Household: h})
		p.Households = append(p.Households, model.Household{ID: h, Availability: []model.Recurrence{avail}})
		p.Interventions = append(p.Interventions, model.Intervention{ID: d + "/visit", Dwelling: d, Trade: "visit", Duration: "1h"})
	}
	add("LATE", model.Recurrence{RRule: "FREQ=WEEKLY;BYDAY=TU", Start: "18:00", Duration: "3h"})
	for i := range others {
		add(fmt.Sprintf("H%d", i+1), model.Recurrence{RRule: "FREQ=WEEKLY;BYDAY=TU", Start: "16:30", Duration: "2h30m"})
	}
	return p
}

func phSolve(t *testing.T, p *model.Problem) *model.Plan {
	t.Helper()
	require.NoError(t, model.Validate(p))
	res, err := Solve(context.Background(), p, &Settings{WorkLimit: 300, Workers: 1, Seed: 1, Check: true})
	require.NoError(t, err)
	require.Empty(t, res.Violations)
	require.Empty(t, Verify(res.Problem, res.Plan))
	return res.Plan
}

// TestFavourHours: the household home only after 18:00 on Tuesdays is visited in
// its favour slot, and nobody else is.
func TestFavourHours(t *testing.T) {
	p := phProblem(3)
	loc, _ := time.LoadLocation("Europe/Paris")
	plan := phSolve(t, p)
	require.Empty(t, plan.Unplaced)
	require.Len(t, plan.Assignments, 4)
	for _, a := range plan.Assignments {
		s, err := model.ParseMoment(a.Start, loc)
		require.NoError(t, err)
		e, err := model.ParseMoment(a.End, loc)
		require.NoError(t, err)
		require.Equal(t, time.Tuesday, s.Weekday(), a.Intervention)
		clock := func(t time.Time) int { return t.Hour()*60 + t.Minute() }
		if a.Intervention == "D-LATE/visit" {
			require.GreaterOrEqual(t, clock(s), 18*60, "%s starts %s", a.Intervention, a.Start)
			require.LessOrEqual(t, clock(e), 19*60, "%s ends %s", a.Intervention, a.End)
		} else {
			require.LessOrEqual(t, clock(e), 17*60+30, "%s ends %s, after office hours", a.Intervention, a.End)
		}
	}
	var term *model.ScoreTerm
	for i := range plan.Score.Terms {
		if plan.Score.Terms[i].Goal == "pilot_extra_hours" {
			term = &plan.Score.Terms[i]
		}
	}
	require.NotNil(t, term)
	require.Equal(t, 1.0, term.Value, "one hour of favour")
	require.Equal(t, 2.0, term.Weight, "the default weight")

	// the explanations say which hours the visit takes, and what they cost
	ex, err := NewExplainer(p, plan)
	require.NoError(t, err)
	for _, tc := range []struct {
		lang Lang
		want string
	}{
		{constraints.English, `D-LATE/visit takes 1h of the hours the pilot gives household "LATE", at 2 per hour`},
		{constraints.French, "D-LATE/visit prend 1\u00a0h sur les heures que le pilote accorde au ménage «\u00a0LATE\u00a0», au coût de 2 par heure"},
	} {
		e, err := ex.ExplainIn("D-LATE/visit", tc.lang)
		require.NoError(t, err)
		var msgs []string
		for _, r := range e.Reasons {
			msgs = append(msgs, r.Message)
		}
		require.Contains(t, strings.Join(msgs, "\n"), tc.want)
		e, err = ex.ExplainIn("D-H1/visit", tc.lang)
		require.NoError(t, err)
		for _, r := range e.Reasons {
			require.NotContains(t, r.Message, "policy.pilot_extra_hours", "H1 takes no extra hours")
		}
	}

	// the verifier: another household in LATE's favour hours is refused
	moved := *plan
	moved.Assignments = append([]model.Assignment(nil), plan.Assignments...)
	var late model.Assignment
	for _, a := range moved.Assignments {
		if a.Intervention == "D-LATE/visit" {
			late = a
		}
	}
	for i := range moved.Assignments {
		if moved.Assignments[i].Intervention == "D-H1/visit" {
			moved.Assignments[i].Start, moved.Assignments[i].End = late.Start, late.End
		}
	}
	for i := range moved.Assignments {
		if moved.Assignments[i].Intervention == "D-LATE/visit" {
			moved.Assignments = append(moved.Assignments[:i], moved.Assignments[i+1:]...)
			break
		}
	}
	moved.Unplaced = []model.Unplaced{{Intervention: "D-LATE/visit", Reasons: []model.Reason{{Rule: "search", Message: "left out"}}}}
	vs := Verify(p, &moved)
	require.Len(t, vs, 1, "%v", vs)
	require.Equal(t, "pilot-office-hours", vs[0].Rule)
	require.Equal(t, "D-H1/visit", vs[0].Intervention)
	require.Contains(t, vs[0].Message, "in hours the pilot gives another household as a favour")

	// without the favour, LATE cannot be visited, and the reason says the pilot's hours
	q := phProblem(3)
	q.Pilots[0].Favours = nil
	plan = phSolve(t, q)
	require.Len(t, plan.Unplaced, 1)
	require.Equal(t, "D-LATE/visit", plan.Unplaced[0].Intervention)
}

// TestPilotSessions: a dated or recurring session opens the pilot's hours for any
// household, and its weight decides whether it is worth it.
func TestPilotSessions(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Paris")
	saturdays := func() *model.Problem {
		p := phProblem(0)
		p.Pilots[0].Favours = nil
		// the operation starts on a Saturday; SAT is home on Saturdays 10:00-12:00,
		// ANY every day from 9:00 to 17:00
		p.Operation.Start = "2027-03-06"
		p.Households[0] = model.Household{ID: "LATE", Availability: []model.Recurrence{{RRule: "FREQ=WEEKLY;BYDAY=SA", Start: "10:00", Duration: "2h"}}}
		p.Dwellings = append(p.Dwellings, model.Dwelling{ID: "D-ANY", Building: "B1", Stairwell: "B1-A", Household: "ANY"})
		p.Households = append(p.Households, model.Household{ID: "ANY", Availability: []model.Recurrence{{RRule: "FREQ=DAILY", Start: "09:00", Duration: "8h"}}})
		p.Interventions = append(p.Interventions, model.Intervention{ID: "D-ANY/visit", Dwelling: "D-ANY", Trade: "visit", Duration: "1h"})
		return p
	}
	startOf := func(t *testing.T, plan *model.Plan, id string) time.Time {
		for _, a := range plan.Assignments {
			if a.Intervention == id {
				s, err := model.ParseMoment(a.Start, loc)
				require.NoError(t, err)
				return s
			}
		}
		t.Fatalf("%s not placed: %v", id, plan.Unplaced)
		return time.Time{}
	}
	t.Run("dated", func(t *testing.T) {
		p := saturdays()
		p.Pilots[0].Sessions = []model.Session{{Date: "2027-03-20", Start: "10:30", Duration: "1h30m"}}
		plan := phSolve(t, p)
		s := startOf(t, plan, "D-LATE/visit")
		require.Equal(t, "2027-03-20", s.Format("2006-01-02"))
		require.GreaterOrEqual(t, s.Hour()*60+s.Minute(), 10*60+30)
		ex, err := NewExplainer(p, plan)
		require.NoError(t, err)
		for lang, want := range map[Lang]string{constraints.English: "D-LATE/visit takes 1h of the pilot's sessions, at 2 per hour",
			constraints.French: "D-LATE/visit prend 1\u00a0h sur les permanences du pilote, au coût de 2 par heure"} {
			e, err := ex.ExplainIn("D-LATE/visit", lang)
			require.NoError(t, err)
			var msgs []string
			for _, r := range e.Reasons {
				msgs = append(msgs, r.Message)
			}
			require.Contains(t, strings.Join(msgs, "\n"), want)
		}
		// the verifier: the same visit a week later lies outside the pilot's hours
		later := *plan
		later.Assignments = append([]model.Assignment(nil), plan.Assignments...)
		for i := range later.Assignments {
			if a := &later.Assignments[i]; a.Intervention == "D-LATE/visit" {
				st, _ := model.ParseMoment(a.Start, loc)
				en, _ := model.ParseMoment(a.End, loc)
				a.Start, a.End = st.AddDate(0, 0, 7).Format(time.RFC3339), en.AddDate(0, 0, 7).Format(time.RFC3339)
			}
		}
		vs := Verify(p, &later)
		require.Len(t, vs, 1, "%v", vs)
		require.Equal(t, "pilot-office-hours", vs[0].Rule)
		require.Contains(t, vs[0].Message, "outside office hours")
	})
	for _, tc := range []struct {
		weight   float64
		saturday bool
	}{{0, true}, {2, true}, {1000, false}} {
		t.Run(fmt.Sprintf("recurring, weight %g", tc.weight), func(t *testing.T) {
			p := saturdays()
			w := tc.weight
			p.Operation.Policy.PilotExtraHours = &w
			p.Pilots[0].Sessions = []model.Session{{RRule: "FREQ=WEEKLY;BYDAY=SA", Start: "09:00", Duration: "3h"}}
			plan := phSolve(t, p)
			require.Equal(t, time.Saturday, startOf(t, plan, "D-LATE/visit").Weekday(), "only a session fits SAT")
			s := startOf(t, plan, "D-ANY/visit")
			require.Equal(t, tc.saturday, s.Weekday() == time.Saturday, "ANY's visit at %s", s)
		})
	}
}

// TestPilotHoursInvalid: the new fields' mistakes name the field and the pilot.
func TestPilotHoursInvalid(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(p *model.Problem)
		field string
		msg   string
	}{
		{"favour of an unknown household", func(p *model.Problem) { p.Pilots[0].Favours[0].Household = "NOBODY" },
			"pilots[0].favours[0].household", `unknown household "NOBODY"`},
		{"favour without a time", func(p *model.Problem) { p.Pilots[0].Favours[0].Start = "" },
			"pilots[0].favours[0].start", "missing time of day"},
		{"session both dated and recurring", func(p *model.Problem) {
			p.Pilots[0].Sessions = []model.Session{{RRule: "FREQ=WEEKLY;BYDAY=SA", Date: "2027-03-13", Start: "09:00", Duration: "3h"}}
		}, "pilots[0].sessions[0].date", "not both"},
		{"session neither", func(p *model.Problem) {
			p.Pilots[0].Sessions = []model.Session{{Start: "09:00", Duration: "3h"}}
		}, "pilots[0].sessions[0].rrule", "needs an rrule"},
		{"session on a bad date", func(p *model.Problem) {
			p.Pilots[0].Sessions = []model.Session{{Date: "2027-02-30", Start: "09:00", Duration: "3h"}}
		}, "pilots[0].sessions[0].date", "2027-02-30"},
		{"session too long", func(p *model.Problem) {
			p.Pilots[0].Sessions = []model.Session{{Date: "2027-03-13", Start: "09:00", Duration: "25h"}}
		}, "pilots[0].sessions[0].duration", "longer than a day"},
		{"negative weight", func(p *model.Problem) { w := -1.0; p.Operation.Policy.PilotExtraHours = &w },
			"operation.policy.pilot_extra_hours", "finite number >= 0"},
		{"trade notice", func(p *model.Problem) { n := 400; p.Trades[0].NoticeDays = &n },
			"trades[0].notice_days", "not between 0 and 365"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := phProblem(1)
			tc.edit(p)
			err := model.Validate(p)
			require.Error(t, err)
			var found bool
			for _, line := range strings.Split(err.Error(), "\n") {
				if strings.Contains(line, tc.field) && strings.Contains(line, tc.msg) {
					found = true
				}
			}
			require.True(t, found, "want %s: %s in\n%v", tc.field, tc.msg, err)
		})
	}
}

// TestFavoursAtTheSameHours: two households given favours at the same hours, by one
// pilot or by two, are each visited in their own, and nobody else is.
func TestFavoursAtTheSameHours(t *testing.T) {
	loc, _ := time.LoadLocation("Europe/Paris")
	for _, pilots := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d pilots", pilots), func(t *testing.T) {
			p := phProblem(3)
			late2 := model.Recurrence{RRule: "FREQ=WEEKLY;BYDAY=TU", Start: "18:00", Duration: "3h"}
			p.Dwellings = append(p.Dwellings, model.Dwelling{ID: "D-LATE2", Building: "B1", Stairwell: "B1-A", Household: "LATE2"})
			p.Households = append(p.Households, model.Household{ID: "LATE2", Availability: []model.Recurrence{late2}})
			p.Interventions = append(p.Interventions, model.Intervention{ID: "D-LATE2/visit", Dwelling: "D-LATE2", Trade: "visit", Duration: "1h"})
			fav := model.Favour{Household: "LATE2", RRule: "FREQ=WEEKLY;BYDAY=TU", Start: "17:30", Duration: "1h30m"}
			if pilots == 1 {
				p.Pilots[0].Favours = append(p.Pilots[0].Favours, fav)
			} else {
				p.Pilots = append(p.Pilots, model.Pilot{ID: "PIL-2", Favours: []model.Favour{fav}})
			}
			plan := phSolve(t, p) // the verifier accepts it
			require.Empty(t, plan.Unplaced)
			for _, a := range plan.Assignments {
				s, _ := model.ParseMoment(a.Start, loc)
				e, _ := model.ParseMoment(a.End, loc)
				clock := func(t time.Time) int { return t.Hour()*60 + t.Minute() }
				switch a.Intervention {
				case "D-LATE/visit", "D-LATE2/visit":
					require.GreaterOrEqual(t, clock(s), 18*60, a.Intervention)
					if pilots == 2 && a.Intervention == "D-LATE2/visit" {
						require.Equal(t, "PIL-2", a.Pilot)
					}
				default:
					require.LessOrEqual(t, clock(e), 17*60+30, a.Intervention)
				}
			}
		})
	}
}

// TestFavoursAreNotKeyHours: a pilot who holds a household's keys lets crews in
// during office hours and sessions, never during favour hours given to someone
// else.
func TestFavoursAreNotKeyHours(t *testing.T) {
	p := phProblem(0)
	p.Trades = append(p.Trades, model.Trade{ID: "plumbing", Access: model.AccessKeys})
	p.Crews = []model.Crew{{ID: "EVE", Trades: []string{"plumbing"},
		Calendar: []model.Recurrence{{RRule: "FREQ=WEEKLY;BYDAY=TU", Start: "17:30", Duration: "1h30m"}}}}
	p.Dwellings = append(p.Dwellings, model.Dwelling{ID: "D-K", Building: "B1", Stairwell: "B1-A", Household: "K"})
	p.Households = append(p.Households, model.Household{ID: "K", KeysWithPilot: true})
	p.Interventions = append(p.Interventions, model.Intervention{ID: "D-K/plumbing", Dwelling: "D-K", Trade: "plumbing", Duration: "1h"})
	require.NoError(t, model.Validate(p))
	res, err := Solve(context.Background(), p, &Settings{WorkLimit: 100, Workers: 1, Seed: 1})
	require.NoError(t, err)
	require.Empty(t, res.Violations)
	require.Empty(t, Verify(res.Problem, res.Plan))
	require.Len(t, res.Plan.Unplaced, 1)
	require.Equal(t, "D-K/plumbing", res.Plan.Unplaced[0].Intervention)
}
