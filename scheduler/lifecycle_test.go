package scheduler

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// declinable is the first appointment of the fixture's plan, more than two weeks
// after now, that needs the tenant at home in an occupied dwelling.
func declinable(fx *eventFixture) oldAppt {
	x := model.NewIndex(fx.p)
	for _, a := range fx.plan.Assignments {
		s, err1 := model.ParseMoment(a.Start, fx.loc)
		e, err2 := model.ParseMoment(a.End, fx.loc)
		if err1 != nil || err2 != nil || !s.After(fx.now.Add(14*24*time.Hour)) {
			continue
		}
		iv := x.Interventions[a.Intervention]
		h := x.HouseholdOf(iv)
		if h == nil || x.AccessOf(iv) != model.AccessTenant || iv.StatusOf() != model.StatusPlanned {
			continue
		}
		return oldAppt{a: a, start: s, end: e}
	}
	return oldAppt{}
}

func TestAnnounce(t *testing.T) {
	p, plan, loc := basePlan(t)
	now := time.Date(2027, 2, 1, 8, 0, 0, 0, loc)
	slots, err := planSlots(p, plan, loc)
	require.NoError(t, err)
	t.Run("default until", func(t *testing.T) {
		res, err := Announce(p, plan, AnnounceOptions{Now: now})
		require.NoError(t, err)
		// now + 7 days of notice + 7 days of lead, from local midnight
		require.Equal(t, time.Date(2027, 2, 15, 0, 0, 0, 0, loc), res.Until)
		require.NotEmpty(t, res.Announced)
		picked := map[string]bool{}
		for _, id := range res.Announced {
			picked[id] = true
		}
		for _, iv := range res.Problem.Interventions {
			sl, ok := slots[iv.ID]
			was := ivByID(p, iv.ID)
			want := ok && was.StatusOf() == model.StatusPlanned && !sl.start.Before(now) && sl.start.Before(res.Until)
			require.Equal(t, want, picked[iv.ID], iv.ID)
			if want {
				require.Equal(t, model.StatusAnnounced, iv.Status)
				require.Equal(t, sl.crew, iv.Crew)
				require.Equal(t, sl.startS, iv.Start)
			}
		}
		require.Empty(t, Verify(res.Problem, plan), "the plan holds for the problem with the announcements")
		// one letter per household, each appointment once
		seen := map[string]bool{}
		for _, l := range res.Letters {
			require.False(t, seen[l.Household])
			seen[l.Household] = true
			require.Contains(t, l.Text, "Madame, Monsieur")
			for _, a := range l.Appointments {
				require.True(t, picked[a.Intervention])
				require.NotEmpty(t, a.When)
			}
		}
		require.NotEmpty(t, res.Late, "appointments of the first week are told late")
		// the input is not changed
		require.Equal(t, model.StatusPlanned, ivByID(p, res.Announced[0]).StatusOf())
	})
	t.Run("chosen households only", func(t *testing.T) {
		res, err := Announce(p, plan, AnnounceOptions{Now: now, Households: []string{"H005"}})
		require.NoError(t, err)
		require.Len(t, res.Letters, 1)
		require.Equal(t, "H005", res.Letters[0].Household)
		x := model.NewIndex(res.Problem)
		for _, id := range res.Announced {
			require.Equal(t, "H005", x.HouseholdOf(x.Interventions[id]).ID)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, tc := range []struct {
			opt        AnnounceOptions
			field, msg string
		}{
			{AnnounceOptions{Now: now, Until: time.Date(2031, 1, 1, 0, 0, 0, 0, loc)}, "until", "outside the operation's horizon"},
			{AnnounceOptions{Now: now, Households: []string{"H001", "nobody"}}, "households[1]", `unknown household "nobody"`},
			{AnnounceOptions{Now: now, Buildings: []string{"B7"}}, "buildings[0]", `unknown building "B7"`},
			{AnnounceOptions{Now: now, Stairwells: []string{"B1-Z"}}, "stairwells[0]", `unknown stairwell "B1-Z"`},
		} {
			_, err := Announce(p, plan, tc.opt)
			var ve *model.ValidationError
			require.True(t, errors.As(err, &ve), "%v", err)
			require.Equal(t, tc.field, ve.Errors[0].Field)
			require.Contains(t, ve.Errors[0].Msg, tc.msg)
		}
	})
}

// TestConfirmedIsAnnounced: a confirmed appointment is an announced one for a
// replan: it stays confirmed when it keeps its time, and a move is told to its
// household.
func TestConfirmedIsAnnounced(t *testing.T) {
	p, plan, loc := basePlan(t)
	now := time.Date(2027, 2, 1, 8, 0, 0, 0, loc)
	res, err := Announce(p, plan, AnnounceOptions{Now: now, Until: time.Date(2027, 3, 29, 0, 0, 0, 0, loc)})
	require.NoError(t, err)
	q := res.Problem
	confirmed := 0
	for i := range q.Interventions {
		if iv := &q.Interventions[i]; iv.Status == model.StatusAnnounced && i%3 == 0 {
			iv.Status = model.StatusConfirmed
			confirmed++
		}
	}
	require.NotZero(t, confirmed)
	require.NoError(t, model.Validate(q))
	require.Empty(t, Verify(q, plan))
	evs := &model.Events{Format: model.EventsFormat, Events: []model.Event{{ID: "slip", Type: model.EventDeliverySlipped, Delivery: "L-windows-1", Expected: "2027-03-15T08:00"}}}
	rr, err := Replan(context.Background(), q, plan, evs, now.Add(4*time.Hour), &Settings{WorkLimit: 4, Workers: 1})
	require.NoError(t, err)
	require.Empty(t, rr.Result.Violations)
	kept, moved := 0, 0
	for _, c := range rr.Diff.Changes {
		if ivByID(q, c.Intervention).StatusOf() == model.StatusConfirmed && c.Kind == model.ChangeMoved {
			require.True(t, c.Announced, "%s was confirmed: its household was told", c.Intervention)
			moved++
		}
	}
	for _, iv := range rr.Problem.Interventions {
		if ivByID(q, iv.ID).StatusOf() == model.StatusConfirmed && iv.StatusOf() == model.StatusConfirmed {
			kept++
		}
	}
	require.NotZero(t, kept, "confirmed appointments that keep their time stay confirmed")
	require.NotZero(t, moved, "the slip moves no confirmed appointment: the test shows nothing")
	// the validator refuses a confirmed appointment without its times
	bad := q.Clone()
	for i := range bad.Interventions {
		if bad.Interventions[i].Status == model.StatusConfirmed {
			bad.Interventions[i].Start = ""
			break
		}
	}
	err = model.Validate(bad)
	require.ErrorContains(t, err, "a confirmed intervention needs its start")
}

func TestAppointmentDeclinedRefusals(t *testing.T) {
	fx := newEventFixture(t)
	x := model.NewIndex(fx.p)
	var none, vacant string
	for _, a := range fx.plan.Assignments {
		iv := x.Interventions[a.Intervention]
		s, _ := model.ParseMoment(a.Start, fx.loc)
		if !s.After(fx.now) {
			continue
		}
		if h := x.HouseholdOf(iv); h != nil && h.KeysWithPilot && x.AccessOf(iv) == model.AccessKeys && none == "" {
			none = iv.ID
		}
		if x.HouseholdOf(iv) == nil && vacant == "" {
			vacant = iv.ID
		}
	}
	require.NotEmpty(t, none)
	require.NotEmpty(t, vacant)
	d := declinable(fx)
	cases := []struct {
		ev   model.Event
		want string
	}{
		{model.Event{Intervention: fx.past.a.Intervention}, "an appointment is declined before it begins"},
		{model.Event{Intervention: none}, "needs nobody at home"},
		{model.Event{Intervention: vacant}, "there is no household to decline it"},
		{model.Event{Intervention: d.a.Intervention, From: "2027-06-01", To: "2027-06-02"}, "does not cover the appointment"},
		{model.Event{Intervention: "ghost"}, `unknown intervention "ghost"`},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			tc.ev.ID, tc.ev.Type = "d1", model.EventAppointmentDeclined
			_, err := Replan(context.Background(), fx.p, fx.plan, &model.Events{Format: model.EventsFormat, Events: []model.Event{tc.ev}}, fx.now, &Settings{WorkLimit: 1, Workers: 1})
			require.ErrorIs(t, err, model.ErrInvalid)
			require.ErrorContains(t, err, tc.want)
			require.True(t, strings.Contains(err.Error(), `(event "d1")`), err.Error())
		})
	}
	// from without to is refused by the document's check
	ev := model.Events{Format: model.EventsFormat, Events: []model.Event{{ID: "d2", Type: model.EventAppointmentDeclined, Intervention: d.a.Intervention, From: "2027-03-01"}}}
	require.NotEmpty(t, ev.Check())
}

// TestReplanWithoutEventsKeepsThePlan: no event, no cause to move anything.
func TestReplanWithoutEventsKeepsThePlan(t *testing.T) {
	p, plan, loc := basePlan(t)
	now := time.Date(2027, 2, 1, 12, 0, 0, 0, loc)
	for _, ev := range []*model.Events{nil, {Format: model.EventsFormat, Events: []model.Event{}}} {
		rr, err := Replan(context.Background(), p, plan, ev, now, &Settings{WorkLimit: 4, Workers: 1})
		require.NoError(t, err)
		require.Equal(t, plan.Assignments, rr.Plan.Assignments)
		require.Empty(t, rr.Diff.Changes)
		require.Empty(t, rr.Result.Violations)
		require.Empty(t, Verify(rr.Problem, rr.Plan))
		floor := p.NoticeFloor(now, loc)
		for _, a := range plan.Assignments {
			s, _ := model.ParseMoment(a.Start, loc)
			e, _ := model.ParseMoment(a.End, loc)
			iv := ivByID(rr.Problem, a.Intervention)
			switch {
			case !e.After(now):
				require.Equal(t, model.StatusDone, iv.StatusOf(), a.Intervention)
			case s.Before(floor):
				require.True(t, iv.Fixed(), "%s inside the notice period", a.Intervention)
			}
		}
	}
}
