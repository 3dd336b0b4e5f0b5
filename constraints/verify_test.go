package constraints

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const vtWeekdays = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"

// vtProblem is a small operation in March 2027 (Europe/Paris; daylight saving starts
// on Sunday 28 March, which is also Easter; Easter Monday the 29th is a holiday):
// D1 is occupied by an elderly household with a profile, D2 by a household that left
// its keys with the pilot and is relocated for the works, D3 is vacant.
func vtProblem() *model.Problem {
	return &model.Problem{
		Format: model.Format,
		Operation: model.Operation{ID: "op-test", TimeZone: "Europe/Paris",
			Start: "2027-03-01", End: "2027-04-30"},
		Trades: []model.Trade{
			{ID: "visit", PilotOnly: true, Access: model.AccessTenant},
			{ID: "plumbing", Noisy: true, Dusty: true, CutsWater: true},
			{ID: "electrics", Noisy: true, Dusty: true, CutsPower: true, Access: model.AccessTenant},
			{ID: "painting"},
			{ID: "windows", Noisy: true, Access: model.AccessTenant},
			{ID: "moving"},
		},
		Profiles: []model.Profile{{
			ID: "P-ELD", MaxInterventionsPerDay: 1, NoWorkBefore: "09:00",
			NoisyDusty: "hours", NoisyHours: []model.Recurrence{{RRule: vtWeekdays, Start: "13:00", Duration: "4h"}},
			PowerCutWithPilot: true, MaxWaterOutDays: 2, MaxDisturbedDaysPerWeek: 3,
		}},
		Buildings: []model.Building{{ID: "B1", Stairwells: []model.Stairwell{{ID: "B1-A"}, {ID: "B1-B"}}}},
		Dwellings: []model.Dwelling{
			{ID: "D1", Building: "B1", Stairwell: "B1-A", Floor: 1, Household: "H1"},
			{ID: "D2", Building: "B1", Stairwell: "B1-A", Floor: 2, Household: "H2"},
			{ID: "D3", Building: "B1", Stairwell: "B1-B", Floor: 0, Vacant: true, MaxCrews: 2},
		},
		Households: []model.Household{
			{ID: "H1", Availability: []model.Recurrence{{RRule: vtWeekdays, Start: "09:00", Duration: "8h"}},
				Absences: []model.Period{{From: "2027-03-22", To: "2027-03-26"}}, Profiles: []string{"P-ELD"}},
			{ID: "H2", Availability: []model.Recurrence{{RRule: "FREQ=WEEKLY;BYDAY=TU,TH", Start: "13:00", Duration: "4h"}},
				KeysWithPilot: true},
		},
		Crews: []model.Crew{
			{ID: "PLB-1", Trades: []string{"plumbing"}},
			{ID: "ELE-1", Trades: []string{"electrics"}},
			{ID: "PNT-1", Trades: []string{"painting"}, Size: 2,
				Unavailable: []model.Period{{From: "2027-04-12", To: "2027-04-16"}}},
			{ID: "WIN-1", Trades: []string{"windows"}},
			{ID: "MOV-1", Trades: []string{"moving"}},
		},
		Pilots:     []model.Pilot{{ID: "PIL-1"}},
		Deliveries: []model.Delivery{{ID: "DLV-1", Expected: "2027-03-05"}},
		Sequences: []model.Sequence{
			{Before: "plumbing", After: "painting", MinLag: "24h"},
			{Before: "plumbing", After: "electrics", MinLagWorkingDays: 1},
			{Before: "electrics", After: "painting", MinLag: "24h", MaxLag: "240h"},
		},
		RelocationUnits: []model.RelocationUnit{{ID: "U1", Building: "B1"}},
		Relocations:     []model.Relocation{{Household: "H2", Unit: "U1", From: "2027-03-08", To: "2027-03-12"}},
		Interventions: []model.Intervention{
			{ID: "D1/visit", Dwelling: "D1", Trade: "visit", Duration: "1h"},
			{ID: "D1/plumbing", Dwelling: "D1", Trade: "plumbing", Duration: "0.5d"},
			{ID: "D1/electrics", Dwelling: "D1", Trade: "electrics", Duration: "3h"},
			{ID: "D1/painting", Dwelling: "D1", Trade: "painting", Duration: "1d"},
			{ID: "D2/moveout", Dwelling: "D2", Trade: "moving", Duration: "2h", Relocation: model.RoleMoveOut},
			{ID: "D2/plumbing", Dwelling: "D2", Trade: "plumbing", Duration: "1d", Relocation: model.RoleDuring, Access: model.AccessNone},
			{ID: "D2/painting", Dwelling: "D2", Trade: "painting", Duration: "0.5d", Relocation: model.RoleDuring,
				Access: model.AccessNone, Release: "2027-03-10", Deadline: "2027-03-12"},
			{ID: "D2/moveback", Dwelling: "D2", Trade: "moving", Duration: "2h", Relocation: model.RoleMoveBack},
			{ID: "D3/plumbing", Dwelling: "D3", Trade: "plumbing", Duration: "1d"},
			{ID: "D3/windows", Dwelling: "D3", Trade: "windows", Duration: "4h", Status: model.StatusAnnounced,
				Crew: "WIN-1", Start: "2027-03-03T08:00", End: "2027-03-03T12:00"},
			{ID: "D3/painting", Dwelling: "D3", Trade: "painting", Duration: "0.5d", CrewSize: 2, Deliveries: []string{"DLV-1"}},
		},
	}
}

var vtParis = func() *time.Location {
	loc, err := model.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()

// vtT writes a Paris wall time "2027-03-01 10:00" as RFC 3339 with the right offset.
func vtT(s string) string {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, vtParis)
	if err != nil {
		panic(err)
	}
	return t.Format(time.RFC3339)
}

// vtA builds an assignment from wall-time stretches "2027-03-02 13:00", "17:00"; a
// stretch's end without a date is on the stretch's start date.
func vtA(id, crew, pilot string, stretches ...string) model.Assignment {
	a := model.Assignment{Intervention: id, Crew: crew, Pilot: pilot}
	var segs []model.Segment
	for i := 0; i+1 < len(stretches); i += 2 {
		s, e := stretches[i], stretches[i+1]
		if len(e) == 5 {
			e = s[:11] + e
		}
		segs = append(segs, model.Segment{Start: vtT(s), End: vtT(e)})
	}
	a.Start, a.End = segs[0].Start, segs[len(segs)-1].End
	if len(segs) > 1 {
		a.Segments = segs
	}
	return a
}

// vtPlan is a plan of vtProblem that keeps every rule.
func vtPlan() *model.Plan {
	return &model.Plan{
		Format: model.PlanFormat, Operation: "op-test", Status: "complete",
		Assignments: []model.Assignment{
			vtA("D1/visit", "", "PIL-1", "2027-03-01 10:00", "11:00"),
			vtA("D1/plumbing", "PLB-1", "", "2027-03-02 13:00", "17:00"),
			vtA("D3/plumbing", "PLB-1", "", "2027-03-03 08:00", "12:00", "2027-03-03 13:00", "17:00"),
			vtA("D3/windows", "WIN-1", "", "2027-03-03 08:00", "12:00"),
			vtA("D1/electrics", "ELE-1", "PIL-1", "2027-03-04 14:00", "17:00"),
			vtA("D3/painting", "PNT-1", "", "2027-03-05 08:00", "12:00"),
			vtA("D1/painting", "PNT-1", "", "2027-03-08 09:00", "12:00", "2027-03-08 13:00", "17:00", "2027-03-09 09:00", "10:00"),
			vtA("D2/moveout", "MOV-1", "", "2027-03-08 09:30", "11:30"),
			vtA("D2/plumbing", "PLB-1", "", "2027-03-09 08:00", "12:00", "2027-03-09 13:00", "17:00"),
			vtA("D2/painting", "PNT-1", "", "2027-03-11 08:00", "12:00"),
			vtA("D2/moveback", "MOV-1", "", "2027-03-12 14:00", "16:00"),
		},
		Unplaced: []model.Unplaced{},
	}
}

func vtFind(pl *model.Plan, id string) *model.Assignment {
	for i := range pl.Assignments {
		if pl.Assignments[i].Intervention == id {
			return &pl.Assignments[i]
		}
	}
	panic("no assignment " + id)
}

// vtMove replaces an assignment's times, keeping its crew and pilot.
func vtMove(pl *model.Plan, id string, stretches ...string) {
	a := vtFind(pl, id)
	b := vtA(id, a.Crew, a.Pilot, stretches...)
	*a = b
}

func vtUnplace(pl *model.Plan, id string) {
	for i := range pl.Assignments {
		if pl.Assignments[i].Intervention == id {
			pl.Assignments = append(pl.Assignments[:i], pl.Assignments[i+1:]...)
			break
		}
	}
	pl.Unplaced = append(pl.Unplaced, model.Unplaced{Intervention: id,
		Reasons: []model.Reason{{Rule: NameReleaseDeadline, Message: "test"}}})
}

func vtIntervention(p *model.Problem, id string) *model.Intervention {
	for i := range p.Interventions {
		if p.Interventions[i].ID == id {
			return &p.Interventions[i]
		}
	}
	panic("no intervention " + id)
}

func vtDump(vs []Violation) string {
	var b strings.Builder
	for _, v := range vs {
		b.WriteString("\n  ")
		b.WriteString(v.String())
	}
	return b.String()
}

func TestVerifyValidPlan(t *testing.T) {
	vs := Verify(vtProblem(), vtPlan())
	assert.Empty(t, vs, "violations:%s", vtDump(vs))
}

func TestVerifyBrokenRules(t *testing.T) {
	tests := []struct {
		name    string
		problem func(p *model.Problem)
		plan    func(pl *model.Plan)
		rule    string
		iv      string // expected intervention of one violation of rule ("" : any)
		msg     string // expected in that violation's message
	}{
		// rule 1
		{name: "crew on a Sunday", plan: func(pl *model.Plan) { vtMove(pl, "D3/painting", "2027-03-07 08:00", "12:00") },
			rule: NameCrewCalendar, iv: "D3/painting", msg: "outside its calendar"},
		{name: "crew on two jobs at once", plan: func(pl *model.Plan) { vtMove(pl, "D3/painting", "2027-03-08 08:00", "12:00") },
			rule: NameCrewCalendar, iv: "D1/painting", msg: "crew PNT-1 is still on D3/painting"},
		{name: "crew of another trade", plan: func(pl *model.Plan) { vtFind(pl, "D3/painting").Crew = "PLB-1" },
			rule: NameCrewCalendar, iv: "D3/painting", msg: "cannot do trade painting"},
		{name: "crew too small",
			problem: func(p *model.Problem) {
				p.Crews = append(p.Crews, model.Crew{ID: "PNT-2", Trades: []string{"painting"}})
			},
			plan: func(pl *model.Plan) { vtFind(pl, "D3/painting").Crew = "PNT-2" },
			rule: NameCrewCalendar, iv: "D3/painting", msg: "cannot do trade painting with 2 workers"},
		{name: "unknown crew", plan: func(pl *model.Plan) { vtFind(pl, "D3/painting").Crew = "XXX" },
			rule: NameCrewCalendar, iv: "D3/painting", msg: "does not exist"},
		{name: "no crew", plan: func(pl *model.Plan) { vtFind(pl, "D3/painting").Crew = "" },
			rule: NameCrewCalendar, iv: "D3/painting", msg: "no crew"},
		{name: "crew on a pilot visit", plan: func(pl *model.Plan) { vtFind(pl, "D1/visit").Crew = "PNT-1" },
			rule: NameCrewCalendar, iv: "D1/visit", msg: "must name no crew"},
		{name: "crew on Easter Monday", plan: func(pl *model.Plan) { vtMove(pl, "D3/painting", "2027-03-29 08:00", "12:00") },
			rule: NameCrewCalendar, iv: "D3/painting", msg: "public holiday 2027-03-29"},
		{name: "crew unavailable", plan: func(pl *model.Plan) { vtMove(pl, "D3/painting", "2027-04-13 08:00", "12:00") },
			rule: NameCrewCalendar, iv: "D3/painting", msg: "while unavailable"},
		{name: "crew over lunch", plan: func(pl *model.Plan) { vtMove(pl, "D3/painting", "2027-03-05 10:00", "14:00") },
			rule: NameCrewCalendar, iv: "D3/painting", msg: "outside its calendar"},
		// rule 2
		{name: "tenant away",
			plan: func(pl *model.Plan) { vtMove(pl, "D1/visit", "2027-03-22 10:00", "11:00") },
			rule: NameTenantAvailability, iv: "D1/visit", msg: "household H1 is away"},
		{name: "tenant not at home",
			problem: func(p *model.Problem) {
				p.Households[0].Availability = []model.Recurrence{{RRule: "FREQ=WEEKLY;BYDAY=TU,TH", Start: "09:00", Duration: "8h"}}
			},
			rule: NameTenantAvailability, iv: "D1/visit", msg: "outside the availability of household H1"},
		{name: "keys with the pilot out of office hours",
			plan: func(pl *model.Plan) { vtMove(pl, "D2/moveout", "2027-03-08 08:00", "10:00") },
			rule: NameTenantAvailability, iv: "D2/moveout", msg: "no pilot is on duty"},
		{name: "keys with an absent pilot",
			problem: func(p *model.Problem) {
				p.Pilots[0].Absences = []model.Period{{From: "2027-03-12T12:00", To: "2027-03-12T18:00"}}
			},
			rule: NameTenantAvailability, iv: "D2/moveback", msg: "no pilot is on duty"},
		{name: "carer not there",
			problem: func(p *model.Problem) {
				p.Profiles[0].NeedsCarer = true
				p.Households[0].CarerAvailability = []model.Recurrence{{RRule: "FREQ=WEEKLY;BYDAY=MO", Start: "09:00", Duration: "8h"}}
			},
			rule: NameTenantAvailability, iv: "D1/plumbing", msg: "the carer of household H1"},
		// rule 3
		{name: "pilot visit at 12:30", plan: func(pl *model.Plan) { vtMove(pl, "D1/visit", "2027-03-01 12:30", "13:30") },
			rule: NamePilotOfficeHours, iv: "D1/visit", msg: "outside office hours"},
		{name: "pilot missing", plan: func(pl *model.Plan) { vtFind(pl, "D1/visit").Pilot = "" },
			rule: NamePilotOfficeHours, iv: "D1/visit", msg: "no pilot assigned"},
		{name: "pilot in two places", plan: func(pl *model.Plan) { vtMove(pl, "D1/visit", "2027-03-04 15:00", "16:00") },
			rule: NamePilotOfficeHours, iv: "D1/visit", msg: "pilot PIL-1 is still at D1/electrics"},
		{name: "unknown pilot", plan: func(pl *model.Plan) { vtFind(pl, "D3/painting").Pilot = "PIL-9" },
			rule: NamePilotOfficeHours, iv: "D3/painting", msg: "pilot PIL-9 does not exist"},
		{name: "pilot absent",
			problem: func(p *model.Problem) {
				p.Pilots[0].Absences = []model.Period{{From: "2027-03-01", To: "2027-03-01"}}
			},
			rule: NamePilotOfficeHours, iv: "D1/visit", msg: "while absent"},
		// rule 4
		{name: "successor before predecessor plus lag",
			plan: func(pl *model.Plan) {
				vtMove(pl, "D1/painting", "2027-03-05 09:00", "12:00", "2027-03-05 13:00", "17:00", "2027-03-08 09:00", "10:00")
			},
			rule: NameTradeSequence, iv: "D1/painting", msg: "before D1/electrics ends plus 24h"},
		{name: "working-day lag", plan: func(pl *model.Plan) { vtMove(pl, "D1/electrics", "2027-03-03 14:00", "17:00") },
			rule: NameTradeSequence, iv: "D1/electrics", msg: "before 1 working day of site time have elapsed after D1/plumbing ends"},
		{name: "max lag",
			plan: func(pl *model.Plan) {
				vtMove(pl, "D1/painting", "2027-03-15 09:00", "12:00", "2027-03-15 13:00", "17:00", "2027-03-16 09:00", "10:00")
			},
			rule: NameTradeSequence, iv: "D1/painting", msg: "later than 240h after D1/electrics ends"},
		{name: "predecessor unplaced", plan: func(pl *model.Plan) { vtUnplace(pl, "D1/plumbing") },
			rule: NameTradeSequence, iv: "D1/electrics", msg: "D1/plumbing, which must come before it"},
		{name: "after list",
			problem: func(p *model.Problem) { vtIntervention(p, "D3/painting").After = []string{"D2/plumbing"} },
			rule:    NameTradeSequence, iv: "D3/painting", msg: "before D2/plumbing ends"},
		{name: "stairwell scope",
			problem: func(p *model.Problem) {
				p.Sequences = append(p.Sequences, model.Sequence{Before: "moving", After: "electrics", Scope: "stairwell"})
			},
			rule: NameTradeSequence, iv: "D1/electrics", msg: "before D2/moveback ends"},
		// rule 5
		{name: "start before delivery",
			problem: func(p *model.Problem) { p.Deliveries[0].Expected = "2027-03-05T10:00" },
			rule:    NameReleaseDeadline, iv: "D3/painting", msg: "before delivery DLV-1 arrives"},
		{name: "start before release",
			problem: func(p *model.Problem) { vtIntervention(p, "D2/painting").Release = "2027-03-12" },
			rule:    NameReleaseDeadline, iv: "D2/painting", msg: "before its release date"},
		{name: "deadline missed",
			problem: func(p *model.Problem) { vtIntervention(p, "D2/painting").Deadline = "2027-03-10" },
			rule:    NameReleaseDeadline, iv: "D2/painting", msg: "after its deadline"},
		{name: "before the operation",
			problem: func(p *model.Problem) { p.Operation.Start = "2027-03-02" },
			rule:    NameReleaseDeadline, iv: "D1/visit", msg: "before the operation starts"},
		// rule 6
		{name: "two crews in a one-crew dwelling",
			problem: func(p *model.Problem) { p.Dwellings[2].MaxCrews = 1 },
			rule:    NameDwellingCapacity, iv: "D3/windows", msg: "2 crews work in dwelling D3 at once (with D3/plumbing)"},
		// rule 7
		{name: "two interventions a day for an elderly profile",
			plan: func(pl *model.Plan) { vtMove(pl, "D1/visit", "2027-03-02 10:00", "11:00") },
			rule: NameHouseholdProfile, iv: "D1/plumbing", msg: "dwelling D1 has 2 interventions on 2027-03-02 (D1/plumbing, D1/visit), profile P-ELD of household H1 allows 1"},
		{name: "work before 09:00",
			plan: func(pl *model.Plan) {
				vtMove(pl, "D1/painting", "2027-03-08 08:00", "12:00", "2027-03-08 13:00", "17:00")
			},
			rule: NameHouseholdProfile, iv: "D1/painting", msg: "outside the hours profile P-ELD of household H1 allows (09:00-24:00)"},
		{name: "no work after 16:00",
			problem: func(p *model.Problem) { p.Profiles[0].NoWorkAfter = "16:00" },
			rule:    NameHouseholdProfile, iv: "D1/plumbing", msg: "(09:00-16:00)"},
		{name: "noisy work outside the noisy hours",
			plan: func(pl *model.Plan) {
				vtMove(pl, "D1/plumbing", "2027-03-02 09:00", "12:00", "2027-03-02 13:00", "14:00")
			},
			rule: NameHouseholdProfile, iv: "D1/plumbing", msg: "outside the hours profile P-ELD of household H1 allows for it"},
		{name: "noisy work while not relocated",
			problem: func(p *model.Problem) { p.Profiles[0].NoisyDusty = "relocated" },
			rule:    NameHouseholdProfile, iv: "D1/electrics", msg: "household H1 is not relocated"},
		{name: "power cut without the pilot", plan: func(pl *model.Plan) { vtFind(pl, "D1/electrics").Pilot = "" },
			rule: NameHouseholdProfile, iv: "D1/electrics", msg: "cuts the power without the pilot"},
		{name: "water out too long",
			problem: func(p *model.Problem) { p.Trades[3].CutsWater = true },
			rule:    NameHouseholdProfile, iv: "D1/painting", msg: "water is out of use in dwelling D1"},
		{name: "water out on three dates within 48 hours",
			problem: func(p *model.Problem) {
				p.Trades = append(p.Trades, model.Trade{ID: "leak", CutsWater: true})
				p.Crews = append(p.Crews, model.Crew{ID: "LEAK-1", Trades: []string{"leak"}})
				p.Interventions = append(p.Interventions, model.Intervention{ID: "D1/leak", Dwelling: "D1", Trade: "leak", Duration: "1h"})
			},
			plan: func(pl *model.Plan) {
				pl.Assignments = append(pl.Assignments, vtA("D1/leak", "LEAK-1", "", "2027-03-04 09:00", "10:00"))
			},
			rule: NameHouseholdProfile, iv: "D1/leak", msg: "on 3 dates, more than the 2 days"},
		{name: "bathroom out too long",
			problem: func(p *model.Problem) {
				p.Profiles[0].MaxBathroomOutDays = 2
				p.Trades[1].CutsBathroom, p.Trades[3].CutsBathroom = true, true
			},
			rule: NameHouseholdProfile, iv: "D1/painting", msg: "the bathroom is out of use in dwelling D1"},
		{name: "too many disturbed days in a week",
			problem: func(p *model.Problem) { p.Profiles[0].MaxDisturbedDaysPerWeek = 2 },
			rule:    NameHouseholdProfile, iv: "D1/electrics", msg: "disturbed on 3 days in ISO week 2027-W09"},
		// rule 8
		{name: "move back after the stay", plan: func(pl *model.Plan) { vtMove(pl, "D2/moveback", "2027-03-15 14:00", "16:00") },
			rule: NameRelocation, iv: "D2/moveback", msg: "outside every relocation stay of household H2"},
		{name: "works before moving out", plan: func(pl *model.Plan) { vtMove(pl, "D2/moveout", "2027-03-10 09:30", "11:30") },
			rule: NameRelocation, iv: "D2/plumbing", msg: "before D2/moveout ends"},
		{name: "heavy works while moving out is unplaced", plan: func(pl *model.Plan) { vtUnplace(pl, "D2/moveout") },
			rule: NameRelocation, iv: "D2/plumbing", msg: "placed although D2/moveout (move_out), which must come before it"},
		{name: "moving back while moving out is unplaced", plan: func(pl *model.Plan) { vtUnplace(pl, "D2/moveout") },
			rule: NameRelocation, iv: "D2/moveback", msg: "placed although D2/moveout (move_out)"},
		{name: "moving back while the works are unplaced", plan: func(pl *model.Plan) { vtUnplace(pl, "D2/painting") },
			rule: NameRelocation, iv: "D2/moveback", msg: "placed although D2/painting (during)"},
		{name: "two households in one unit",
			problem: func(p *model.Problem) {
				p.Relocations = append(p.Relocations, model.Relocation{Household: "H1", Unit: "U1", From: "2027-03-12", To: "2027-03-20"})
			},
			rule: NameRelocation, msg: "unit U1: household H2 in unit U1"},
		{name: "one household in two units",
			problem: func(p *model.Problem) {
				p.RelocationUnits = append(p.RelocationUnits, model.RelocationUnit{ID: "U2"})
				p.Relocations = append(p.Relocations, model.Relocation{Household: "H2", Unit: "U2", From: "2027-03-10", To: "2027-03-20"})
			},
			rule: NameRelocation, msg: "household H2:"},
		// rule 9
		{name: "announced appointment moved", plan: func(pl *model.Plan) { vtMove(pl, "D3/windows", "2027-03-03 13:00", "17:00") },
			rule: NameFrozen, iv: "D3/windows", msg: "announced to start 2027-03-03 08:00, the plan moves it to 2027-03-03 13:00"},
		{name: "announced appointment given another crew",
			problem: func(p *model.Problem) {
				p.Crews = append(p.Crews, model.Crew{ID: "WIN-2", Trades: []string{"windows"}})
			},
			plan: func(pl *model.Plan) { vtFind(pl, "D3/windows").Crew = "WIN-2" },
			rule: NameFrozen, iv: "D3/windows", msg: "with crew WIN-1"},
		{name: "pinned intervention unplaced",
			problem: func(p *model.Problem) {
				iv := vtIntervention(p, "D3/painting")
				iv.Pinned, iv.Crew, iv.Start, iv.End = true, "PNT-1", "2027-03-05T08:00", "2027-03-05T12:00"
			},
			plan: func(pl *model.Plan) { vtUnplace(pl, "D3/painting") },
			rule: NameFrozen, iv: "D3/painting", msg: "pinned but not placed"},
		// rule 10
		{name: "UTC offset instead of +01:00",
			plan: func(pl *model.Plan) { vtFind(pl, "D3/painting").Start = "2027-03-05T07:00:00+00:00" },
			rule: NameLocalTime, iv: "D3/painting", msg: "has offset +00:00, the local offset then is +01:00"},
		{name: "Z time", plan: func(pl *model.Plan) { vtFind(pl, "D3/painting").End = "2027-03-05T11:00:00Z" },
			rule: NameLocalTime, iv: "D3/painting", msg: "has offset +00:00"},
		{name: "time without offset", plan: func(pl *model.Plan) { vtFind(pl, "D3/painting").End = "2027-03-05T12:00" },
			rule: NameLocalTime, iv: "D3/painting", msg: "is not an RFC 3339 time"},
		{name: "garbage segment",
			plan: func(pl *model.Plan) { vtFind(pl, "D1/painting").Segments[1].End = "five o'clock" },
			rule: NameLocalTime, iv: "D1/painting", msg: "segment 2 end"},
		// rule 11
		{name: "removal shorter than its volume needs",
			problem: func(p *model.Problem) {
				p.Households[1].FurnitureM3 = 5
				p.Crews[4].Size = 2
				vtIntervention(p, "D2/moveout").Duration = ""
			},
			plan: func(pl *model.Plan) { vtMove(pl, "D2/moveout", "2027-03-08 09:30", "11:00") },
			rule: NameRemovalVolume, iv: "D2/moveout", msg: "worked for 1h30, the 5 m³ of furniture of household H2 need 2h with 2 movers"},
		{name: "removal with too few movers",
			problem: func(p *model.Problem) {
				p.Households[1].FurnitureM3 = 5
				vtIntervention(p, "D2/moveout").Duration = ""
			},
			rule: NameRemovalVolume, iv: "D2/moveout", msg: "crew MOV-1 has 1 mover, the 5 m³ of furniture of household H2 need 2 movers"},
		// rule 12
		{name: "stay after the unit is available",
			problem: func(p *model.Problem) { p.RelocationUnits[0].AvailableTo = "2027-03-11" },
			rule:    NameRehousing, msg: "household H2 stays in unit U1 until 2027-03-12, after the unit is available (2027-03-11)"},
		{name: "stay before the unit is available",
			problem: func(p *model.Problem) { p.RelocationUnits[0].AvailableFrom = "2027-03-09" },
			rule:    NameRehousing, msg: "before the unit is available (2027-03-09)"},
		{name: "no cleaning days between two households",
			problem: func(p *model.Problem) {
				p.Operation.Rehousing = &model.Rehousing{}
				p.Relocations = append(p.Relocations, model.Relocation{Household: "H1", Unit: "U1", From: "2027-03-14", To: "2027-03-20"})
			},
			rule: NameRehousing, msg: "unit U1: household H1 moves in on 2027-03-14, 1 days after household H2 left on 2027-03-12; the unit needs 2 days of cleaning"},
		{name: "planned stay in another household's dwelling",
			plan: func(pl *model.Plan) {
				pl.Stays = []model.Stay{{Household: "H1", Dwelling: "D2", Unit: "U1", From: "2027-04-01", To: "2027-04-09", Planned: true,
					MoveOut: "D1/move-out", MoveBack: "D1/move-back"}}
			},
			rule: NameRehousing, msg: "the plan's stays cannot be booked"},
		{name: "planned stay naming a move that is not one",
			plan: func(pl *model.Plan) {
				pl.Stays = []model.Stay{{Household: "H2", Dwelling: "D2", Unit: "U1", From: "2027-03-08", To: "2027-03-12", Planned: true,
					MoveOut: "D2/plumbing", MoveBack: "D2/moveback"}}
			},
			rule: NameRehousing, iv: "D2/plumbing", msg: "names \"D2/plumbing\" as its move_out, which is not a move_out of dwelling D2"},
		{name: "planned stay before the operation",
			problem: func(p *model.Problem) { p.Relocations[0].From = "2027-02-26" }, // the stay as the problem books it
			plan: func(pl *model.Plan) {
				pl.Stays = []model.Stay{{Household: "H2", Dwelling: "D2", Unit: "U1", From: "2027-02-26", To: "2027-03-12", Planned: true,
					MoveOut: "D2/moveout", MoveBack: "D2/moveback"}}
			},
			rule: NameRehousing, iv: "D2/moveout", msg: "the plan's stay of household H2 starts on 2027-02-26, before the operation starts (2027-03-01)"},
		{name: "planned stay after the operation",
			problem: func(p *model.Problem) { p.Relocations[0].To = "2027-05-01" },
			plan: func(pl *model.Plan) {
				pl.Stays = []model.Stay{{Household: "H2", Dwelling: "D2", Unit: "U1", From: "2027-03-08", To: "2027-05-01", Planned: true,
					MoveOut: "D2/moveout", MoveBack: "D2/moveback"}}
			},
			rule: NameRehousing, iv: "D2/moveback", msg: "the plan's stay of household H2 ends on 2027-05-01, after the operation ends (2027-04-30)"},
		// rule 0
		{name: "plan of another operation", plan: func(pl *model.Plan) { pl.Operation = "op-other" },
			rule: NamePlanStructure, msg: `the plan is for operation "op-other"`},
		{name: "intervention dropped from the plan",
			plan: func(pl *model.Plan) { pl.Assignments = pl.Assignments[:len(pl.Assignments)-1] },
			rule: NamePlanStructure, iv: "D2/moveback", msg: "missing from the plan"},
		{name: "unknown intervention",
			plan: func(pl *model.Plan) {
				pl.Assignments = append(pl.Assignments, vtA("D9/x", "PNT-1", "", "2027-04-01 08:00", "09:00"))
			},
			rule: NamePlanStructure, iv: "D9/x", msg: "does not have"},
		{name: "placed twice",
			plan: func(pl *model.Plan) { pl.Assignments = append(pl.Assignments, *vtFind(pl, "D1/visit")) },
			rule: NamePlanStructure, iv: "D1/visit", msg: "placed more than once"},
		{name: "placed and unplaced",
			plan: func(pl *model.Plan) {
				pl.Unplaced = append(pl.Unplaced, model.Unplaced{Intervention: "D1/visit", Reasons: []model.Reason{{Rule: "x", Message: "y"}}})
			},
			rule: NamePlanStructure, iv: "D1/visit", msg: "both placed and listed as unplaced"},
		{name: "unplaced without a reason",
			plan: func(pl *model.Plan) {
				vtUnplace(pl, "D2/moveback")
				pl.Unplaced[len(pl.Unplaced)-1].Reasons = nil
			},
			rule: NamePlanStructure, iv: "D2/moveback", msg: "without a reason"},
		{name: "too little work", plan: func(pl *model.Plan) { vtMove(pl, "D3/painting", "2027-03-05 08:00", "11:00") },
			rule: NamePlanStructure, iv: "D3/painting", msg: "worked time is 3h, its duration is 4h"},
		{name: "short intervention split",
			plan: func(pl *model.Plan) { vtMove(pl, "D1/visit", "2027-03-01 09:30", "10:00", "2027-03-01 10:30", "11:00") },
			rule: NamePlanStructure, iv: "D1/visit", msg: "must be done in one stretch"},
		{name: "segments not matching the bounds",
			plan: func(pl *model.Plan) { vtFind(pl, "D1/painting").End = vtT("2027-03-09 11:00") },
			rule: NamePlanStructure, iv: "D1/painting", msg: "the last segment ends at 2027-03-09 10:00"},
		{name: "segments overlapping",
			plan: func(pl *model.Plan) { vtFind(pl, "D1/painting").Segments[1].Start = vtT("2027-03-08 11:00") },
			rule: NamePlanStructure, iv: "D1/painting", msg: "segment 2 starts before segment 1 ends"},
		{name: "end before start",
			plan: func(pl *model.Plan) {
				a := vtFind(pl, "D3/painting")
				a.Start, a.End = a.End, a.Start
			},
			rule: NamePlanStructure, iv: "D3/painting", msg: "no later than it starts"},
		// rule 11
		{name: "without heating beyond the limit in the season",
			problem: func(p *model.Problem) {
				p.Trades[3].CutsHeating = true // painting: D1's runs 25 hours, Monday 09:00 to Tuesday 10:00
				h := 24
				p.Operation.Policy.MaxHeatingCutHours = &h
			},
			rule: NameHeating, iv: "D1/painting", msg: "without heating from"},
		// rule 12
		{name: "works before the diagnostic meeting",
			problem: func(p *model.Problem) { p.Trades[0].Stage = model.StageDiagnostic },
			plan:    func(pl *model.Plan) { vtMove(pl, "D1/visit", "2027-03-03 10:00", "11:00") },
			rule:    NamePilotVisits, iv: "D1/plumbing", msg: "works come after the diagnostic meeting"},
		{name: "survey too soon after the works",
			problem: func(p *model.Problem) {
				p.Trades = append(p.Trades, model.Trade{ID: "survey", PilotOnly: true, Stage: model.StageSurvey})
				p.Interventions = append(p.Interventions, model.Intervention{ID: "D1/survey", Dwelling: "D1", Trade: "survey", Duration: "30m"})
			},
			plan: func(pl *model.Plan) {
				pl.Assignments = append(pl.Assignments, vtA("D1/survey", "", "PIL-1", "2027-04-15 10:00", "10:30"))
			},
			rule: NamePilotVisits, iv: "D1/survey", msg: "the survey comes 6 weeks after the acceptance"},
		// rule 13
		{name: "snag cleared after the deadline",
			problem: vtSnags, plan: func(pl *model.Plan) { vtMove(pl, "D1/snag", "2027-04-20 09:00", "11:00") },
			rule: NameSnags, iv: "D1/snag", msg: "more than the 30 days to clear a snag"},
		{name: "pilot's check before the return visit",
			problem: vtSnags, plan: func(pl *model.Plan) { vtMove(pl, "D1/snag-check", "2027-03-23 09:00", "09:30") },
			rule: NameSnags, iv: "D1/snag-check", msg: "before the return visit D1/snag ends"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, pl := vtProblem(), vtPlan()
			if tc.problem != nil {
				tc.problem(p)
			}
			if vtIntervention(p, "D1/painting") != nil && len(p.Interventions) > 11 && p.Interventions[11].ID == "D1/acceptance" {
				vtSnagPlan(pl)
			}
			if tc.plan != nil {
				tc.plan(pl)
			}
			vs := Verify(p, pl)
			found := false
			for _, v := range vs {
				if v.Rule == tc.rule && (tc.iv == "" || v.Intervention == tc.iv) && strings.Contains(v.Message, tc.msg) {
					found = true
				}
				assert.NotContains(t, v.Message, "internal error")
			}
			assert.True(t, found, "want %s on %q containing %q; got:%s", tc.rule, tc.iv, tc.msg, vtDump(vs))
			assert.True(t, sort.SliceIsSorted(vs, func(i, j int) bool { return vtLess(vs[i], vs[j]) }), "not sorted:%s", vtDump(vs))
		})
	}
}

// A stay booked in the problem may begin before the operation (a household
// already in a rotation flat when the works begin); a stay the planner chose may
// not: its move out is an intervention of the operation.
func TestVerifyStaysBeforeTheOperation(t *testing.T) {
	for _, planned := range []bool{false, true} {
		p, pl := vtProblem(), vtPlan()
		p.Relocations[0].From = "2027-02-26"
		if planned {
			pl.Stays = []model.Stay{{Household: "H2", Dwelling: "D2", Unit: "U1", From: "2027-02-26", To: "2027-03-12", Planned: true,
				MoveOut: "D2/moveout", MoveBack: "D2/moveback"}}
		}
		vs := Verify(p, pl)
		if !planned {
			assert.Empty(t, vs, "a booked stay from before the operation:%s", vtDump(vs))
			continue
		}
		require.Len(t, vs, 1, vtDump(vs))
		assert.Equal(t, NameRehousing, vs[0].Rule)
		assert.Equal(t, "D2/moveout", vs[0].Intervention)
	}
}

// vtSnags adds to vtProblem D1's acceptance visit, a snag's return visit by the
// painters and the pilot's check; the plan keeps them apart (vtSnagPlan).
func vtSnags(p *model.Problem) {
	p.Trades = append(p.Trades, model.Trade{ID: "acceptance", PilotOnly: true, Access: model.AccessTenant, Stage: model.StageAcceptance})
	p.Interventions = append(p.Interventions,
		model.Intervention{ID: "D1/acceptance", Dwelling: "D1", Trade: "acceptance", Duration: "1h"},
		model.Intervention{ID: "D1/snag", Dwelling: "D1", Trade: "painting", Duration: "2h", SnagOf: "D1/acceptance"},
		model.Intervention{ID: "D1/snag-check", Dwelling: "D1", Trade: "acceptance", Duration: "30m", CheckOf: "D1/snag"})
}

// vtSnagPlan places vtSnags' visits in vtPlan, keeping every rule: accepted on
// 10 March, the snag cleared on the 30 days' last date (9 April), checked on the 19th.
func vtSnagPlan(pl *model.Plan) {
	pl.Assignments = append(pl.Assignments,
		vtA("D1/acceptance", "", "PIL-1", "2027-03-10 10:00", "11:00"),
		vtA("D1/snag", "PNT-1", "", "2027-04-09 09:00", "11:00"),
		vtA("D1/snag-check", "", "PIL-1", "2027-04-19 10:00", "10:30"))
}

func vtLess(a, b Violation) bool {
	n := map[string]int{}
	for _, r := range All() {
		n[r.Name()] = r.Number()
	}
	if n[a.Rule] != n[b.Rule] {
		return n[a.Rule] < n[b.Rule]
	}
	if a.Intervention != b.Intervention {
		return a.Intervention < b.Intervention
	}
	return a.Message < b.Message
}

// The week of the daylight-saving change (Sunday 28 March 2027): after it, local
// times carry +02:00.
func TestVerifyDaylightSaving(t *testing.T) {
	t.Run("after the switch with +02:00", func(t *testing.T) {
		pl := vtPlan()
		a := vtFind(pl, "D3/painting")
		a.Start, a.End = "2027-03-30T08:00:00+02:00", "2027-03-30T12:00:00+02:00"
		vs := Verify(vtProblem(), pl)
		assert.Empty(t, vs, "violations:%s", vtDump(vs))
	})
	t.Run("segments across the switch and Easter Monday", func(t *testing.T) {
		pl := vtPlan()
		a := vtFind(pl, "D3/painting")
		a.Start, a.End = "2027-03-26T15:00:00+01:00", "2027-03-30T10:00:00+02:00"
		a.Segments = []model.Segment{
			{Start: "2027-03-26T15:00:00+01:00", End: "2027-03-26T17:00:00+01:00"},
			{Start: "2027-03-30T08:00:00+02:00", End: "2027-03-30T10:00:00+02:00"},
		}
		vs := Verify(vtProblem(), pl)
		assert.Empty(t, vs, "violations:%s", vtDump(vs))
	})
	t.Run("same instant written with the winter offset", func(t *testing.T) {
		pl := vtPlan()
		a := vtFind(pl, "D3/painting")
		a.Start, a.End = "2027-03-30T07:00:00+01:00", "2027-03-30T11:00:00+01:00"
		vs := Verify(vtProblem(), pl)
		require.Len(t, vs, 2, "violations:%s", vtDump(vs))
		for _, v := range vs {
			assert.Equal(t, NameLocalTime, v.Rule)
			assert.Equal(t, "D3/painting", v.Intervention)
			assert.Contains(t, v.Message, "the local offset then is +02:00 (CEST)")
		}
	})
	t.Run("wall time with the winter offset is an hour late", func(t *testing.T) {
		pl := vtPlan()
		a := vtFind(pl, "D3/painting")
		a.Start, a.End = "2027-03-30T08:00:00+01:00", "2027-03-30T12:00:00+01:00"
		rules := map[string]bool{}
		for _, v := range Verify(vtProblem(), pl) {
			rules[v.Rule] = true
		}
		assert.True(t, rules[NameLocalTime])
		assert.True(t, rules[NameCrewCalendar], "09:00-13:00 CEST runs over lunch")
	})
	t.Run("household windows keep their wall time after the switch", func(t *testing.T) {
		pl := vtPlan()
		// the visit at 09:00-10:00 CEST on Tuesday 30 March: H1 is at home from 09:00
		// local, the pilot's office opens at 09:00 local.
		a := vtFind(pl, "D1/visit")
		a.Start, a.End = "2027-03-30T09:00:00+02:00", "2027-03-30T10:00:00+02:00"
		vs := Verify(vtProblem(), pl)
		assert.Empty(t, vs, "violations:%s", vtDump(vs))
	})
	t.Run("an hour early across the switch", func(t *testing.T) {
		pl := vtPlan()
		a := vtFind(pl, "D1/visit")
		a.Start, a.End = "2027-03-30T08:00:00+02:00", "2027-03-30T09:00:00+02:00"
		rules := map[string]bool{}
		for _, v := range Verify(vtProblem(), pl) {
			rules[v.Rule] = true
		}
		assert.True(t, rules[NamePilotOfficeHours])
		assert.True(t, rules[NameTenantAvailability])
		assert.True(t, rules[NameHouseholdProfile])
	})
}

// An announced appointment keeps its given times even when they differ from its
// nominal duration (it was announced for longer).
func TestVerifyFixedTimesStandOverDuration(t *testing.T) {
	p := vtProblem()
	vtIntervention(p, "D3/windows").Duration = "3h"
	vs := Verify(p, vtPlan())
	assert.Empty(t, vs, "violations:%s", vtDump(vs))
	// a planned one of the same length is held to its duration
	iv := vtIntervention(p, "D3/windows")
	iv.Status, iv.Start, iv.End = "", "", ""
	vs = Verify(p, vtPlan())
	require.Len(t, vs, 1, "violations:%s", vtDump(vs))
	assert.Equal(t, Violation{Rule: NamePlanStructure, Intervention: "D3/windows", Message: "worked time is 4h, its duration is 3h"}, vs[0])
}

func TestVerifyDeterministicAndSorted(t *testing.T) {
	p, pl := vtProblem(), vtPlan()
	vtMove(pl, "D3/painting", "2027-03-07 08:00", "12:00")
	vtMove(pl, "D1/visit", "2027-03-02 12:30", "13:30")
	vtFind(pl, "D3/windows").Start = "2027-03-03T07:00:00Z"
	pl.Assignments = append(pl.Assignments, *vtFind(pl, "D1/plumbing"))
	first := Verify(p, pl)
	require.NotEmpty(t, first)
	for i := 0; i < 5; i++ {
		assert.Equal(t, first, Verify(p, pl))
	}
	assert.True(t, sort.SliceIsSorted(first, func(i, j int) bool { return vtLess(first[i], first[j]) }))
	for i := 1; i < len(first); i++ {
		assert.NotEqual(t, first[i-1], first[i], "duplicates")
	}
}

func TestVerifyNeverPanics(t *testing.T) {
	garbage := []string{"", "x", "2027-03-01", "2027-03-01T10:00", "9999-12-31T23:59:59+01:00",
		"0001-01-01T00:00:00Z", "2027-03-01T10:00:00+14:00", "2027-13-45T99:00:00+01:00"}
	for _, g := range garbage {
		for _, field := range []string{"start", "end", "seg"} {
			t.Run(fmt.Sprintf("%s=%q", field, g), func(t *testing.T) {
				pl := vtPlan()
				a := vtFind(pl, "D1/painting")
				switch field {
				case "start":
					a.Start = g
				case "end":
					a.End = g
				case "seg":
					a.Segments[0].Start = g
				}
				var vs []Violation
				require.NotPanics(t, func() { vs = Verify(vtProblem(), pl) })
				require.NotEmpty(t, vs)
				for _, v := range vs {
					assert.NotContains(t, v.Message, "internal error")
				}
			})
		}
	}
	t.Run("empty and nil", func(t *testing.T) {
		assert.NotPanics(t, func() {
			assert.NotEmpty(t, Verify(nil, vtPlan()))
			assert.NotEmpty(t, Verify(vtProblem(), nil))
			vs := Verify(vtProblem(), &model.Plan{})
			assert.Len(t, vs, len(vtProblem().Interventions)+1, "each intervention missing, plus the announced one not placed:%s", vtDump(vs))
			assert.NotEmpty(t, Verify(&model.Problem{}, &model.Plan{}))
		})
	})
	t.Run("malformed problem data", func(t *testing.T) {
		p := vtProblem()
		p.Crews[0].Calendar = []model.Recurrence{{RRule: "FREQ=SOMETIMES", Start: "25:00", Duration: "-1h"}}
		p.Households[0].Availability = []model.Recurrence{{RRule: "", Start: "09:00", Duration: "8h"}}
		p.Pilots[0].Absences = []model.Period{{From: "soon", To: "later"}}
		p.Sequences[0].MinLag = "1d"
		p.Deliveries[0].Expected = "when it comes"
		vtIntervention(p, "D3/windows").Start = "someday"
		p.Relocations[0].To = "?"
		p.Profiles[0].NoWorkBefore = "9h"
		var vs []Violation
		require.NotPanics(t, func() { vs = Verify(p, vtPlan()) })
		for _, v := range vs {
			assert.NotContains(t, v.Message, "internal error")
		}
		assert.NotEmpty(t, vs)
	})
}

// Messages name households and profiles by id, nothing of the diagnosis.
func TestVerifyMessagesNameOnlyIDs(t *testing.T) {
	p, pl := vtProblem(), vtPlan()
	p.Profiles[0].MaxDisturbedDaysPerWeek = 1
	p.Profiles[0].NoisyDusty = "relocated"
	p.Profiles[0].MaxWaterOutDays = 0
	p.Trades[3].CutsWater = true
	vtMove(pl, "D1/visit", "2027-03-02 08:00", "09:00")
	vs := Verify(p, pl)
	require.NotEmpty(t, vs)
	for _, v := range vs {
		if v.Rule == NameHouseholdProfile {
			assert.Contains(t, v.Message, "profile P-ELD of household H1")
		}
		for _, word := range []string{"elderly", "illness", "medical", "disabled", "carer"} {
			if v.Rule == NameHouseholdProfile {
				assert.NotContains(t, strings.ToLower(v.Message), word)
			}
		}
	}
}

// vtRead is recs read in p's operation, as its typed view reads its site hours.
func vtRead(p *model.Problem, recs ...model.Recurrence) []model.TypedRecurrence {
	q := *p
	q.Operation.SiteHours = recs
	return q.Typed().SiteHours()
}

func TestInsideMergesTouchingOccurrences(t *testing.T) {
	p := vtProblem()
	v, err := NewVerification(p, vtPlan())
	require.NoError(t, err)
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, vtParis)
		require.NoError(t, err)
		return tm
	}
	touching := []model.Recurrence{
		{RRule: vtWeekdays, Start: "08:00", Duration: "4h"},
		{RRule: vtWeekdays, Start: "12:00", Duration: "4h"},
	}
	tests := []struct {
		name string
		recs []model.Recurrence
		a, b string
		want bool
	}{
		{"across touching windows", touching, "2027-03-02 10:00", "2027-03-02 14:00", true},
		{"whole union", touching, "2027-03-02 08:00", "2027-03-02 16:00", true},
		{"past the union", touching, "2027-03-02 15:00", "2027-03-02 16:01", false},
		{"site hours over lunch", model.DefaultSiteHours, "2027-03-02 11:00", "2027-03-02 13:30", false},
		{"Saturday", touching, "2027-03-06 10:00", "2027-03-06 11:00", false},
		{"after the switch, local wall time", touching, "2027-03-30 08:00", "2027-03-30 16:00", true},
		{"exdate", []model.Recurrence{{RRule: vtWeekdays, Start: "08:00", Duration: "4h", ExDates: []string{"2027-03-03"}}},
			"2027-03-03 09:00", "2027-03-03 10:00", false},
		{"exdate leaves other days", []model.Recurrence{{RRule: vtWeekdays, Start: "08:00", Duration: "4h", ExDates: []string{"2027-03-03"}}},
			"2027-03-04 09:00", "2027-03-04 10:00", true},
		{"before from", []model.Recurrence{{RRule: vtWeekdays, Start: "08:00", Duration: "4h", From: "2027-03-10"}},
			"2027-03-09 09:00", "2027-03-09 10:00", false},
		{"from onwards", []model.Recurrence{{RRule: vtWeekdays, Start: "08:00", Duration: "4h", From: "2027-03-10"}},
			"2027-03-10 09:00", "2027-03-10 10:00", true},
		{"overnight", []model.Recurrence{{RRule: "FREQ=DAILY", Start: "22:00", Duration: "10h"}},
			"2027-03-05 23:00", "2027-03-06 07:00", true},
		{"count", []model.Recurrence{{RRule: "FREQ=DAILY;COUNT=2", Start: "08:00", Duration: "1h"}},
			"2027-03-03 08:00", "2027-03-03 09:00", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := v.Inside(vtRead(p, tc.recs...), at(tc.a), at(tc.b))
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	_, err = v.Inside(vtRead(p, model.Recurrence{RRule: "FREQ=NEVER", Start: "08:00", Duration: "1h"}), at("2027-03-02 08:00"), at("2027-03-02 09:00"))
	assert.Error(t, err)
}

func TestWindowArithmetic(t *testing.T) {
	base := time.Date(2027, 3, 1, 0, 0, 0, 0, vtParis)
	h := func(n int) time.Time { return base.Add(time.Duration(n) * time.Hour) }
	w := vfMerge([]vfSpan{{h(8), h(12)}, {h(13), h(17)}, {h(12), h(12)}, {h(32), h(36)}, {h(10), h(11)}})
	require.Equal(t, vfWindows{{h(8), h(12)}, {h(13), h(17)}, {h(32), h(36)}}, w)
	assert.Equal(t, vfWindows{{h(8), h(9)}, {h(11), h(12)}, {h(33), h(36)}},
		w.subtract([]vfSpan{{h(9), h(11)}, {h(12), h(17)}, {h(30), h(33)}}))
	end, ok := w.addWork(h(11), 3*time.Hour)
	assert.True(t, ok)
	assert.Equal(t, h(15), end)
	end, ok = w.addWork(h(11), 5*time.Hour)
	assert.True(t, ok)
	assert.Equal(t, h(17), end, "the earliest instant: the end of the window")
	_, ok = w.addWork(h(11), 10*time.Hour)
	assert.False(t, ok)
	assert.Equal(t, []string{"2027-03-27", "2027-03-28", "2027-03-29"},
		vfDates(time.Date(2027, 3, 27, 22, 0, 0, 0, vtParis), time.Date(2027, 3, 29, 1, 0, 0, 0, vtParis), vtParis))
	assert.Equal(t, []string{"2027-03-27"},
		vfDates(time.Date(2027, 3, 27, 22, 0, 0, 0, vtParis), time.Date(2027, 3, 28, 0, 0, 0, 0, vtParis), vtParis))
}

// The working-day lag counts site hours without holidays: Easter Monday does not
// count, the weekend does not count.
func TestWorkingDayLagSkipsHolidays(t *testing.T) {
	p, pl := vtProblem(), vtPlan()
	// plumbing ends Friday 26 March 17:00; the weekend and Easter Monday 29 March
	// are not working time, so the 8h of one working day are Tuesday 30 March
	// 08:00-12:00 and 13:00-17:00: the lag ends Tuesday 17:00.
	vtMove(pl, "D1/plumbing", "2027-03-26 13:00", "17:00")
	vtMove(pl, "D1/electrics", "2027-03-30 14:00", "17:00")
	vtMove(pl, "D1/painting", "2027-03-31 09:00", "12:00", "2027-03-31 13:00", "17:00", "2027-04-01 09:00", "10:00")
	var seq []Violation
	for _, v := range Verify(p, pl) {
		if v.Rule == NameTradeSequence {
			seq = append(seq, v)
		}
	}
	require.Len(t, seq, 2, "%s", vtDump(seq))
	assert.Contains(t, seq[0].Message, "before 1 working day of site time have elapsed after D1/plumbing ends (2027-03-30 17:00")
	assert.Equal(t, "D1/electrics", seq[0].Intervention)
	assert.Contains(t, seq[1].Message, "before D1/electrics ends plus 24h")
}

func TestCheckersCoverAllRules(t *testing.T) {
	cs := Checkers()
	require.Len(t, cs, len(All()))
	for i, r := range All() {
		assert.Equal(t, r.Name(), cs[i].Name())
	}
}

// TestVerifyFactsAreNotJudgedByTodaysCalendars: done work, and fixed work begun
// before operation.now, are facts: the calendar rules and the counts they exceed on
// their own do not flag them; the same times as a plan are flagged.
func TestVerifyFactsAreNotJudgedByTodaysCalendars(t *testing.T) {
	p := vtProblem()
	pl := vtPlan()
	// both on one day for an elderly profile (one a day), the plumbing before 09:00
	// and outside the noisy hours
	vtMove(pl, "D1/visit", "2027-03-02 13:00", "14:00")
	vtMove(pl, "D1/plumbing", "2027-03-02 08:00", "12:00")
	asPlanned := Verify(p, pl)
	require.NotEmpty(t, asPlanned)
	for _, id := range []string{"D1/visit", "D1/plumbing"} {
		iv := vtIntervention(p, id)
		a := vtFind(pl, id)
		iv.Status, iv.Crew, iv.Pilot, iv.Start, iv.End = model.StatusDone, a.Crew, a.Pilot, a.Start, a.End
	}
	vs := Verify(p, pl)
	for _, v := range vs {
		if v.Intervention == "D1/visit" || v.Intervention == "D1/plumbing" {
			t.Errorf("a fact was judged: %s", v)
		}
	}

	// an announced appointment begun before now, outside the crew's hours
	p = vtProblem()
	pl = vtPlan()
	iv := vtIntervention(p, "D3/windows")
	iv.Start, iv.End = "2027-03-03T07:00", "2027-03-03T11:00"
	vtMove(pl, "D3/windows", "2027-03-03 07:00", "11:00")
	has := func(vs []Violation) bool {
		for _, v := range vs {
			if v.Rule == NameCrewCalendar && v.Intervention == "D3/windows" {
				return true
			}
		}
		return false
	}
	require.True(t, has(Verify(p, pl)), "without now, the crew's hours judge it")
	p.Operation.Now = "2027-03-03T09:00"
	require.False(t, has(Verify(p, pl)), "begun before now, it is a fact")
	p.Operation.Now = "2027-03-03T06:00"
	require.True(t, has(Verify(p, pl)), "not begun at now, it is a plan")
}

// Calendars expanded ahead change nothing: the same violations, on plans inside
// the horizon (where they are used) and outside it (where they are not), and
// with calendars of another problem (lists are matched by content).
func TestVerifyWithPreparedCalendars(t *testing.T) {
	plans := map[string]func(pl *model.Plan){
		"valid":        func(pl *model.Plan) {},
		"sunday":       func(pl *model.Plan) { vtMove(pl, "D3/painting", "2027-03-07 08:00", "12:00") },
		"overlap":      func(pl *model.Plan) { vtMove(pl, "D3/painting", "2027-03-08 08:00", "12:00") },
		"evening":      func(pl *model.Plan) { vtMove(pl, "D1/plumbing", "2027-03-02 19:00", "23:00") },
		"easter":       func(pl *model.Plan) { vtMove(pl, "D2/painting", "2027-03-29 08:00", "12:00") },
		"pilot night":  func(pl *model.Plan) { vtMove(pl, "D1/visit", "2027-03-01 21:00", "22:00") },
		"after end":    func(pl *model.Plan) { vtMove(pl, "D3/painting", "2027-06-07 08:00", "12:00") },
		"before start": func(pl *model.Plan) { vtMove(pl, "D3/windows", "2027-01-04 08:00", "12:00") },
		"garbage":      func(pl *model.Plan) { vtFind(pl, "D3/windows").End = "soon" },
	}
	other := vtProblem()
	for i := range other.Households {
		other.Households[i].Availability = []model.Recurrence{{RRule: "FREQ=DAILY", Start: "07:00", Duration: "2h"}}
	}
	used := 0
	for name, change := range plans {
		p, pl := vtProblem(), vtPlan()
		change(pl)
		want := Verify(p, pl)
		for _, cals := range []*Calendars{PrepareCalendars(p), PrepareCalendars(other), PrepareCalendars(vtProblem()), nil} {
			assert.Equal(t, want, VerifyWith(p, pl, cals), name)
		}
		v, err := newVerification(p, pl, PrepareCalendars(p))
		require.NoError(t, err)
		used += len(v.cache)
	}
	assert.Greater(t, used, 0, "the prepared calendars are never used")
	assert.Nil(t, PrepareCalendars(&model.Problem{}))
}

// holidayIn skips the dates of stretches far from every holiday: it finds what
// reading every date of vfDates finds, in zones with odd days too.
func TestHolidayInAsEveryDate(t *testing.T) {
	ref := func(v *Verification, a, b time.Time) string {
		if len(v.Holidays) == 0 || b.Before(a) {
			return ""
		}
		for _, d := range vfDates(a, b, v.Loc) {
			if v.Holidays[d] {
				return d
			}
		}
		return ""
	}
	r := rand.New(rand.NewPCG(3, 4))
	for _, zone := range []string{"Europe/Paris", "Pacific/Apia", "America/Sao_Paulo", "Asia/Kathmandu"} {
		p, pl := vtProblem(), vtPlan()
		p.Operation.TimeZone, p.Operation.Start, p.Operation.End = zone, "2011-01-01", "2028-12-31"
		p.Operation.ExtraHolidays = []string{"2011-12-29", "2011-12-30", "2011-12-31", "2018-11-04", "2027-03-28", "2027-10-31", "2027-03-01"}
		v, err := NewVerification(p, pl)
		require.NoError(t, err)
		require.NotEmpty(t, v.holidayAt)
		for range 20000 {
			a := time.Date(2011+r.IntN(18), time.Month(1+r.IntN(12)), 1+r.IntN(31), r.IntN(24), r.IntN(60), 0, 0, v.Loc)
			b := a.Add(time.Duration(r.IntN(5*24*60)-60) * time.Minute)
			require.Equal(t, ref(v, a, b), v.holidayIn(a, b), "%s %v %v", zone, a, b)
		}
		for _, h := range p.Operation.ExtraHolidays {
			a, err := model.ParseDate(h, v.Loc)
			require.NoError(t, err)
			for _, d := range []time.Duration{-25 * time.Hour, -time.Hour, 0, time.Hour, 23 * time.Hour} {
				require.Equal(t, ref(v, a.Add(d), a.Add(d+2*time.Hour)), v.holidayIn(a.Add(d), a.Add(d+2*time.Hour)), "%s %s %v", zone, h, d)
			}
		}
	}
}

// TestProfileRulesStayOutOfCompileErrors: a profile's noisy hours that validate but
// cannot be expanded (too many occurrences from a date long past) fail the
// compilation without their rule in the message.
func TestProfileRulesStayOutOfCompileErrors(t *testing.T) {
	p := vtProblem()
	p.Profiles[0].NoisyHours = []model.Recurrence{{RRule: "FREQ=HOURLY", Start: "13:00", Duration: "1h", From: "1900-01-01"}}
	require.NoError(t, model.Validate(p))
	_, err := Compile(p)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `profile "P-ELD"`)
	assert.NotContains(t, err.Error(), "FREQ")
	assert.NotContains(t, err.Error(), "HOURLY")
}
