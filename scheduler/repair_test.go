package scheduler

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// TestReplanDropsNothing: a replan whose search has almost no time still leaves
// no intervention of the old plan unplaced when the events leave it room, and the
// verifier accepts the plan.
func TestReplanDropsNothing(t *testing.T) {
	fx := newEventFixture(t)
	// the crew is away from 2 February, or from the day after the work it has
	// under way at now ends
	crew, from := fx.future.a.Crew, time.Date(2027, 2, 2, 0, 0, 0, 0, fx.loc)
	for _, o := range appointments(t, fx.plan, fx.loc) {
		if o.a.Crew == crew && o.start.Before(fx.now) && !o.end.Before(from) {
			d := o.end.AddDate(0, 0, 1)
			from = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, fx.loc)
		}
	}
	cases := []struct {
		name string
		ev   model.Event
	}{
		{"delivery slipped", model.Event{Type: model.EventDeliverySlipped, Delivery: "L-windows-1", Expected: "2027-03-09T08:00"}},
		{"crew absent", model.Event{Type: model.EventCrewAbsent, Crew: crew, From: from.Format("2006-01-02"), To: "2027-02-12"}},
		{"missed", model.Event{Type: model.EventAppointmentMissed, Intervention: fx.past.a.Intervention}},
	}
	for _, tc := range cases {
		for _, limit := range []time.Duration{time.Millisecond, 50 * time.Millisecond} {
			t.Run(tc.name+" "+limit.String(), func(t *testing.T) {
				tc.ev.ID = "ev-1"
				evs := &model.Events{Format: model.EventsFormat, Events: []model.Event{tc.ev}}
				rr, err := Replan(context.Background(), fx.p, fx.plan, evs, fx.now, &Settings{TimeLimit: limit, Workers: 1})
				require.NoError(t, err)
				require.Empty(t, Verify(rr.Problem, rr.Plan))
				require.Empty(t, rr.Plan.Unplaced, "the replan drops what the old plan placed")
			})
		}
	}
}

// TestReplanBlamesTheEvent: an intervention the events leave no room for is
// unplaced with a first reason naming the event.
func TestReplanBlamesTheEvent(t *testing.T) {
	fx := newEventFixture(t)
	iv := ivByID(fx.p, fx.future.a.Intervention)
	var h model.Household
	for _, d := range fx.p.Dwellings {
		if d.ID == iv.Dwelling {
			for _, x := range fx.p.Households {
				if x.ID == d.Household {
					h = x
				}
			}
		}
	}
	require.NotEmpty(t, h.ID, "the future appointment's dwelling has a household")
	// away from tomorrow to the end of the operation, keys kept
	h.KeysWithPilot = false
	h.Absences = append(h.Absences, model.Period{From: "2027-02-02", To: fx.p.Operation.End, Reason: "moved out"})
	evs := &model.Events{Format: model.EventsFormat, Events: []model.Event{{ID: "away", Type: model.EventHouseholdChanged, Household: &h}}}
	for _, lang := range []Lang{English, French} {
		rr, err := Replan(context.Background(), fx.p, fx.plan, evs, fx.now, &Settings{WorkLimit: 2, Workers: 1, Lang: lang})
		require.NoError(t, err)
		require.Empty(t, Verify(rr.Problem, rr.Plan))
		require.NotEmpty(t, rr.Plan.Unplaced, "nothing needs the household at home?")
		for _, u := range rr.Plan.Unplaced {
			require.Equal(t, "replan", u.Reasons[0].Rule)
			require.Contains(t, u.Reasons[0].Message, "away", u.Intervention)
			require.True(t, strings.HasPrefix(u.Intervention, iv.Dwelling+"/"), "%s is not of the household's dwelling", u.Intervention)
		}
	}
}

func TestReplanBudget(t *testing.T) {
	cases := []struct {
		dwellings int
		want      time.Duration
	}{{0, 5 * time.Second}, {60, 5 * time.Second}, {500, 5 * time.Second}, {1000, 10 * time.Second}, {3000, 30 * time.Second}}
	for _, tc := range cases {
		p := &model.Problem{Dwellings: make([]model.Dwelling, tc.dwellings)}
		require.Equal(t, tc.want, ReplanBudget(p), "%d dwellings", tc.dwellings)
	}
}
