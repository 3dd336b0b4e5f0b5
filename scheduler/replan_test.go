package scheduler

import (
	"bytes"
	"context"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
)

// basePlan solves the bundled example once for the replan tests.
func basePlan(t *testing.T) (*model.Problem, *model.Plan, *time.Location) {
	t.Helper()
	p := gen.Example()
	// return visits after acceptance (snags) are their own trade, outside the sequences
	p.Trades = append(p.Trades, model.Trade{ID: "snag", Access: model.AccessTenant, NeedsPilot: true})
	p.Crews = append(p.Crews, model.Crew{ID: "snag-1", Contractor: "Reprises Martin", Trades: []string{"snag"}})
	res, err := Solve(context.Background(), p, &Settings{WorkLimit: 6, Workers: 2})
	require.NoError(t, err)
	require.Empty(t, res.Violations)
	require.Empty(t, Verify(res.Problem, res.Plan))
	require.Empty(t, res.Plan.Unplaced)
	loc, err := model.LoadLocation(p.Operation.TimeZone)
	require.NoError(t, err)
	// the problem the plan is for: the example's home-care household rehoused,
	// its stay booked with its moves (the tests look its interventions up)
	return res.Problem, res.Plan, loc
}

type oldAppt struct {
	a          model.Assignment
	start, end time.Time
}

func appointments(t *testing.T, plan *model.Plan, loc *time.Location) []oldAppt {
	var out []oldAppt
	for _, a := range plan.Assignments {
		s, err := model.ParseMoment(a.Start, loc)
		require.NoError(t, err)
		e, err := model.ParseMoment(a.End, loc)
		require.NoError(t, err)
		out = append(out, oldAppt{a, s, e})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].start.Before(out[j].start) })
	return out
}

func ivByID(p *model.Problem, id string) *model.Intervention {
	for i := range p.Interventions {
		if p.Interventions[i].ID == id {
			return &p.Interventions[i]
		}
	}
	return nil
}

// checkReplan asserts what every replan must keep: the new plan passes the
// verifier against the new problem; nothing that was done or under way at now
// moved unless an event about that very intervention says so; nothing inside the
// notice period moved unless an event forced it (directly, or by leaving it no
// room); new and moved appointments in occupied dwellings respect the notice.
func checkReplan(t *testing.T, name string, p *model.Problem, old *model.Plan, rr *ReplanResult, now time.Time, loc *time.Location, evs *model.Events) {
	t.Helper()
	require.Empty(t, Verify(rr.Problem, rr.Plan), name)
	require.Empty(t, rr.Result.Violations, name)
	floor := p.NoticeFloor(now, loc)
	aboutIv := map[string]bool{}
	for _, e := range evs.Events {
		aboutIv[e.Intervention] = true
	}
	newAt := map[string]model.Assignment{}
	for _, a := range rr.Plan.Assignments {
		newAt[a.Intervention] = a
	}
	change := map[string]model.Change{}
	for _, c := range rr.Diff.Changes {
		change[c.Intervention] = c
	}
	for _, o := range appointments(t, old, loc) {
		id := o.a.Intervention
		n, placed := newAt[id]
		if ivByID(rr.Problem, id) == nil {
			require.True(t, aboutIv[id], "%s: %s vanished without an event", name, id)
			continue
		}
		same := placed && sameInstant(t, n.Start, o.a.Start, loc) && sameInstant(t, n.End, o.a.End, loc)
		switch {
		case o.start.Before(now):
			if !same {
				require.True(t, aboutIv[id], "%s: %s started %s, before now, and moved with no event about it", name, id, o.a.Start)
			}
		case o.start.Before(floor):
			if !same {
				_, released := rr.Released[id]
				require.True(t, change[id].Cause != "" || released, "%s: %s inside the notice period moved with nothing forcing it", name, id)
			}
		}
	}
	for _, a := range rr.Plan.Assignments {
		iv := ivByID(rr.Problem, a.Intervention)
		require.NotNil(t, iv)
		if iv.Fixed() {
			continue
		}
		s, err := model.ParseMoment(a.Start, loc)
		require.NoError(t, err)
		require.False(t, s.Before(now), "%s: %s starts before now", name, a.Intervention)
		for _, d := range rr.Problem.Dwellings {
			if d.ID == iv.Dwelling && d.Occupied() {
				require.False(t, s.Before(floor), "%s: %s starts inside the notice period", name, a.Intervention)
			}
		}
	}
}

func sameInstant(t *testing.T, a, b string, loc *time.Location) bool {
	x, err := model.ParseMoment(a, loc)
	require.NoError(t, err)
	y, err := model.ParseMoment(b, loc)
	require.NoError(t, err)
	return x.Equal(y)
}

func TestReplanEveryEventType(t *testing.T) {
	p, plan, loc := basePlan(t)
	now := time.Date(2027, 2, 1, 12, 0, 0, 0, loc)
	appts := appointments(t, plan, loc)
	var ongoing, past, future, inNotice oldAppt
	for _, o := range appts {
		switch {
		// under way, the one that ends last (see eventFixture.ongoing)
		case o.start.Before(now) && o.end.After(now) && o.a.Crew != "" && (ongoing.a.Intervention == "" || o.end.After(ongoing.end)):
			ongoing = o
		case o.end.Before(now) && o.end.After(now.Add(-72*time.Hour)) && o.a.Crew != "":
			past = o
		case o.start.After(now.Add(30*24*time.Hour)) && future.a.Intervention == "":
			future = o
		case o.start.After(now.Add(48*time.Hour)) && o.start.Before(now.Add(5*24*time.Hour)) && inNotice.a.Intervention == "" && o.a.Crew != "" && !busyAtNow(t, plan, loc, now)[o.a.Crew]:
			inNotice = o
		}
	}
	require.NotEmpty(t, ongoing.a.Intervention)
	require.NotEmpty(t, past.a.Intervention)
	require.NotEmpty(t, future.a.Intervention)
	require.NotEmpty(t, inNotice.a.Intervention)
	dw := ivByID(p, future.a.Intervention).Dwelling
	hh := p.Households[4]
	hh.Availability = []model.Recurrence{{RRule: "FREQ=WEEKLY;BYDAY=TU", Start: "08:00", Duration: "9h"}}
	stamp := func(t time.Time) string { return t.In(loc).Format("2006-01-02T15:04") }
	cases := []struct {
		name string
		ev   model.Event
	}{
		{"none", model.Event{}},
		{"delivery slipped", model.Event{Type: model.EventDeliverySlipped, Delivery: "L-windows-1", Expected: "2027-03-09T08:00"}},
		{"delivery early", model.Event{Type: model.EventDeliveryEarly, Delivery: "L-kitchens", Expected: "2027-02-03"}},
		{"appointment missed", model.Event{Type: model.EventAppointmentMissed, Intervention: past.a.Intervention}},
		{"crew absent", model.Event{Type: model.EventCrewAbsent, Crew: inNotice.a.Crew, From: "2027-02-02", To: stamp(now.Add(10 * 24 * time.Hour))}},
		{"contractor withdrawn", model.Event{Type: model.EventContractorWithdrawn, Contractor: "Peintures Fournier"}},
		{"overran", model.Event{Type: model.EventInterventionOverran, Intervention: ongoing.a.Intervention, End: stamp(ongoing.end.Add(24 * time.Hour))}},
		{"partly done", model.Event{Type: model.EventInterventionPartlyDone, Intervention: ongoing.a.Intervention, Remaining: "4h"}},
		{"snag", model.Event{Type: model.EventSnagFound, Dwelling: dw, Add: &model.Intervention{ID: dw + "/snag-1", Trade: "snag", Duration: "2h"}}},
		{"household changed", model.Event{Type: model.EventHouseholdChanged, Household: &hh}},
		{"added", model.Event{Type: model.EventInterventionAdded, Add: &model.Intervention{ID: dw + "/extra", Dwelling: dw, Trade: "painting", Duration: "3h"}}},
		{"cancelled", model.Event{Type: model.EventInterventionCancelled, Intervention: future.a.Intervention}},
		{"vacant", model.Event{Type: model.EventDwellingVacant, Dwelling: dw}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			evs := &model.Events{Format: model.EventsFormat, Events: []model.Event{}}
			if tc.ev.Type != "" {
				tc.ev.ID = "ev-1"
				evs.Events = append(evs.Events, tc.ev)
			}
			require.Empty(t, evs.Check())
			rr, err := Replan(context.Background(), p, plan, evs, now, &Settings{WorkLimit: 8, Workers: 2, Check: true})
			require.NoError(t, err)
			checkReplan(t, tc.name, p, plan, rr, now, loc, evs)
			require.Empty(t, rr.Plan.Unplaced, "%s: %v", tc.name, rr.Plan.Unplaced)
			switch tc.name {
			case "none":
				require.Empty(t, rr.Released)
				require.Zero(t, rr.Diff.Summary.AnnouncedMoved)
			case "appointment missed":
				require.Equal(t, model.ChangeMoved, changeOf(rr, past.a.Intervention).Kind)
				require.Equal(t, "ev-1", changeOf(rr, past.a.Intervention).Cause)
			case "crew absent":
				c := changeOf(rr, inNotice.a.Intervention)
				n := newSlot(rr, inNotice.a.Intervention)
				if n.Crew == inNotice.a.Crew {
					require.True(t, n.Start >= stamp(now.Add(10*24*time.Hour)), "the absent crew still has %s at %s", inNotice.a.Intervention, n.Start)
				}
				require.Equal(t, "ev-1", c.Cause)
			case "overran":
				require.True(t, sameInstant(t, newSlot(rr, ongoing.a.Intervention).End, stamp(ongoing.end.Add(24*time.Hour)), loc))
			case "partly done":
				require.NotNil(t, ivByID(rr.Problem, ongoing.a.Intervention+"+rest"))
				require.Equal(t, model.ChangeAdded, changeOf(rr, ongoing.a.Intervention+"+rest").Kind)
			case "cancelled":
				require.Equal(t, model.ChangeCancelled, changeOf(rr, future.a.Intervention).Kind)
			case "snag":
				require.Equal(t, model.ChangeAdded, changeOf(rr, dw+"/snag-1").Kind)
			case "delivery slipped":
				for _, a := range rr.Plan.Assignments {
					if iv := ivByID(rr.Problem, a.Intervention); iv != nil && len(iv.Deliveries) > 0 && iv.Deliveries[0] == "L-windows-1" {
						require.GreaterOrEqual(t, a.Start, "2027-03-09", a.Intervention)
					}
				}
			}
		})
	}
}

func changeOf(rr *ReplanResult, id string) model.Change {
	for _, c := range rr.Diff.Changes {
		if c.Intervention == id {
			return c
		}
	}
	return model.Change{}
}

func newSlot(rr *ReplanResult, id string) model.Assignment {
	for _, a := range rr.Plan.Assignments {
		if a.Intervention == id {
			return a
		}
	}
	return model.Assignment{}
}

func TestReplanRefusesBadEvents(t *testing.T) {
	p, plan, loc := basePlan(t)
	now := time.Date(2027, 2, 1, 12, 0, 0, 0, loc)
	appts := appointments(t, plan, loc)
	var future string
	for _, o := range appts {
		if o.start.After(now.Add(30 * 24 * time.Hour)) {
			future = o.a.Intervention
			break
		}
	}
	cases := []struct {
		name string
		evs  []model.Event
		want string
	}{
		{"unknown delivery", []model.Event{{ID: "e1", Type: model.EventDeliverySlipped, Delivery: "nope", Expected: "2027-03-01"}}, `events[0].delivery (event "e1"): unknown delivery "nope"`},
		{"slip earlier", []model.Event{{ID: "e1", Type: model.EventDeliverySlipped, Delivery: "L-windows-1", Expected: "2027-01-20"}}, "not later than"},
		{"early later", []model.Event{{ID: "e1", Type: model.EventDeliveryEarly, Delivery: "L-windows-1", Expected: "2027-05-20"}}, "not earlier than"},
		{"two slips", []model.Event{{ID: "e1", Type: model.EventDeliverySlipped, Delivery: "L-windows-1", Expected: "2027-03-01"},
			{ID: "e2", Type: model.EventDeliverySlipped, Delivery: "L-windows-1", Expected: "2027-03-05"}}, `events[1].delivery (event "e2"): delivery "L-windows-1" is already the subject of event "e1"`},
		{"missed in future", []model.Event{{ID: "e1", Type: model.EventAppointmentMissed, Intervention: future}}, "after now"},
		{"cancel then miss", []model.Event{{ID: "e1", Type: model.EventInterventionCancelled, Intervention: future},
			{ID: "e2", Type: model.EventAppointmentMissed, Intervention: future}}, `events[1].intervention (event "e2")`},
		{"missed before a begun successor", []model.Event{{ID: "e1", Type: model.EventAppointmentMissed, Intervention: begunBeforeBegun(t, p, appts, now)}}, "which has begun"},
		{"unknown crew", []model.Event{{ID: "e1", Type: model.EventCrewAbsent, Crew: "ghost", From: "2027-02-02", To: "2027-02-05"}}, `unknown crew "ghost"`},
		{"absence backwards", []model.Event{{ID: "e1", Type: model.EventCrewAbsent, Crew: "plumbing-1", From: "2027-02-05", To: "2027-02-02"}}, "is not after from"},
		{"withdraw unknown", []model.Event{{ID: "e1", Type: model.EventContractorWithdrawn, Contractor: "Nobody"}}, `no crew of contractor "Nobody"`},
		{"add duplicate", []model.Event{{ID: "e1", Type: model.EventInterventionAdded, Add: &model.Intervention{ID: future, Dwelling: "B1-A-01", Trade: "painting", Duration: "1h"}}}, "already exists"},
		{"add unknown trade", []model.Event{{ID: "e1", Type: model.EventInterventionAdded, Add: &model.Intervention{ID: "x", Dwelling: "B1-A-01", Trade: "magic", Duration: "1h"}}}, `unknown trade "magic"`},
		{"add bad duration", []model.Event{{ID: "e1", Type: model.EventInterventionAdded, Add: &model.Intervention{ID: "x", Dwelling: "B1-A-01", Trade: "painting", Duration: "soon"}}}, "after the events are applied"},
		{"vacant twice", []model.Event{{ID: "e1", Type: model.EventDwellingVacant, Dwelling: "B1-A-01"}, {ID: "e2", Type: model.EventDwellingVacant, Dwelling: "B1-A-01"}}, "already vacant"},
		{"unknown household", []model.Event{{ID: "e1", Type: model.EventHouseholdChanged, Household: &model.Household{ID: "H999"}}}, `unknown household "H999"`},
		{"reported later", []model.Event{{ID: "e1", Type: model.EventDwellingVacant, Dwelling: "B1-A-01", At: "2027-03-01"}}, "after the replan's now"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			evs := &model.Events{Format: model.EventsFormat, Events: tc.evs}
			_, err := Replan(context.Background(), p, plan, evs, now, &Settings{WorkLimit: 1, Workers: 1})
			require.Error(t, err)
			require.ErrorIs(t, err, model.ErrInvalid)
			require.Contains(t, err.Error(), "invalid events")
			require.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestReplanDeterministicAndGolden(t *testing.T) {
	p, plan, loc := basePlan(t)
	now := time.Date(2027, 2, 1, 12, 0, 0, 0, loc)
	evs := &model.Events{Format: model.EventsFormat, Events: []model.Event{
		{ID: "slip-windows", Type: model.EventDeliverySlipped, Delivery: "L-windows-1", Expected: "2027-03-09T08:00"}}}
	a, err := Replan(context.Background(), p, plan, evs, now, &Settings{WorkLimit: 8, Workers: 2, Seed: 3})
	require.NoError(t, err)
	b, err := Replan(context.Background(), p, plan, evs, now, &Settings{WorkLimit: 8, Workers: 2, Seed: 3})
	require.NoError(t, err)
	require.Empty(t, Verify(a.Problem, a.Plan))
	require.Equal(t, a.Plan, b.Plan)
	require.Equal(t, a.Diff, b.Diff)
	var buf bytes.Buffer
	require.NoError(t, WriteDiff(&buf, a.Diff))
	const golden = "testdata/replan-slip.golden"
	if *update {
		require.NoError(t, os.WriteFile(golden, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	require.Equal(t, string(want), buf.String())
	require.True(t, strings.Contains(buf.String(), "Madame, Monsieur"))
}

// begunBeforeBegun finds an appointment begun before now whose successor in a trade
// sequence of the same dwelling has begun too.
func begunBeforeBegun(t *testing.T, p *model.Problem, appts []oldAppt, now time.Time) string {
	for _, a := range appts {
		if !a.start.Before(now) {
			break
		}
		ia := ivByID(p, a.a.Intervention)
		for _, b := range appts {
			if !b.start.Before(now) {
				break
			}
			ib := ivByID(p, b.a.Intervention)
			if ib.Dwelling != ia.Dwelling || ib.ID == ia.ID {
				continue
			}
			for _, s := range p.Sequences {
				if s.Before == ia.Trade && s.After == ib.Trade && s.Scope != "stairwell" {
					return ia.ID
				}
			}
		}
	}
	t.Fatal("no appointment begun before a begun successor")
	return ""
}

// TestReplanKeepsQuarterHours: a delivery that slips to an odd minute (10:07)
// and a replan made at one (10:01) leave every appointment the replan places
// starting on a quarter hour (the calendars of the example allow one each day),
// and the summary counts them.
func TestReplanKeepsQuarterHours(t *testing.T) {
	p, plan, loc := basePlan(t)
	now := time.Date(2027, 2, 1, 10, 1, 0, 0, loc)
	evs := &model.Events{Format: model.EventsFormat, Events: []model.Event{
		{ID: "slip-windows", Type: model.EventDeliverySlipped, Delivery: "L-windows-1", Expected: "2027-03-09T10:07"}}}
	rr, err := Replan(context.Background(), p, plan, evs, now, &Settings{WorkLimit: 8, Workers: 2, Seed: 1})
	require.NoError(t, err)
	checkReplan(t, "windows at 10:07", p, plan, rr, now, loc, evs)
	for _, a := range rr.Plan.Assignments {
		if ivByID(rr.Problem, a.Intervention).Fixed() {
			continue
		}
		s, err := model.ParseMoment(a.Start, loc)
		require.NoError(t, err)
		assert.True(t, OnQuarterHour(s.In(loc)), "%s starts at %s", a.Intervention, a.Start)
	}
	sum := Summarize(rr.Problem, rr.Plan)
	assert.Equal(t, sum.Placed, len(rr.Plan.Assignments))
	assert.GreaterOrEqual(t, sum.QuarterHourShare(), 99.5)
	assert.Equal(t, 0, rr.Result.Terms.OffQuarterHour)
}

// busyAtNow lists the crews at work at now on an appointment that goes on into
// the next day: a crew absence from that day would cut it (an event refused).
func busyAtNow(t *testing.T, plan *model.Plan, loc *time.Location, now time.Time) map[string]bool {
	t.Helper()
	y, m, d := now.In(loc).Date()
	next := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	busy := map[string]bool{}
	for _, o := range appointments(t, plan, loc) {
		if o.a.Crew != "" && o.start.Before(now) && o.end.After(next) {
			busy[o.a.Crew] = true
		}
	}
	return busy
}
