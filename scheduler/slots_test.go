package scheduler

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// slotSubjects picks interventions of the fixture's plan to move: appointments
// not begun at now, some announced, some planned, some within the notice period.
func slotSubjects(t *testing.T, fx *eventFixture, n int) []string {
	var out []string
	step := 0
	for _, o := range appointments(t, fx.plan, fx.loc) {
		if !o.start.After(fx.now) {
			continue
		}
		step++
		if step%7 == 0 {
			out = append(out, o.a.Intervention)
		}
		if len(out) == n {
			break
		}
	}
	return out
}

// TestSlotsTakenAreAccepted is the property of slots: every slot offered from a
// plan, taken with appointment_rescheduled against the same plan at the same now,
// gives a plan the verifier accepts, with the appointment at the slot and nothing
// dropped; the appointments the slot said it moves are the only ones it moves.
func TestSlotsTakenAreAccepted(t *testing.T) {
	fx := newEventFixture(t)
	f, err := NewSlotFinder(fx.p, fx.plan, fx.now)
	require.NoError(t, err)
	offered := 0
	for _, id := range slotSubjects(t, fx, 10) {
		ans, err := f.Slots(id, SlotOptions{Count: 3})
		require.NoError(t, err, id)
		require.Equal(t, PlanToken(fx.plan), ans.Token)
		for k, sl := range ans.Slots {
			offered++
			ev := sl.Event
			ev.ID = "r1"
			evs := &model.Events{Format: model.EventsFormat, Events: []model.Event{ev}}
			require.Empty(t, evs.Check())
			rr, err := Replan(context.Background(), fx.p, fx.plan, evs, fx.now, &Settings{WorkLimit: 4, Workers: 1})
			require.NoError(t, err, "%s slot %d (%s)", id, k, sl.Start)
			require.Empty(t, Verify(rr.Problem, rr.Plan), "%s slot %d", id, k)
			require.Empty(t, rr.Plan.Unplaced, "%s slot %d", id, k)
			n := newSlot(rr, id)
			require.True(t, sameInstant(t, n.Start, sl.Start, fx.loc), "%s at %s, the slot was %s", id, n.Start, sl.Start)
			require.Equal(t, sl.Crew, n.Crew)
			iv := ivByID(rr.Problem, id)
			require.Equal(t, model.StatusConfirmed, iv.Status)
			require.True(t, iv.Pinned)
			require.Equal(t, "r1", changeOf(rr, id).Cause)
		}
	}
	require.Greater(t, offered, 5, "too few slots offered to test anything")
}

// TestSlotsRequestErrors: what Slots refuses, naming the field.
func TestSlotsRequestErrors(t *testing.T) {
	fx := newEventFixture(t)
	cases := []struct {
		name, id string
		o        SlotOptions
		field    string
		msg      string
	}{
		{"unknown intervention", "B9-Z-99/nothing", SlotOptions{}, "intervention", `unknown intervention "B9-Z-99/nothing"`},
		{"done", fx.past.a.Intervention, SlotOptions{}, "intervention", "is done: it cannot move"},
		{"under way", fx.ongoing.a.Intervention, SlotOptions{}, "intervention", "is under way: it cannot move"},
		{"negative count", fx.future.a.Intervention, SlotOptions{Count: -1}, "count", "at least 1"},
		{"to before from", fx.future.a.Intervention, SlotOptions{From: fx.now.Add(48 * time.Hour), To: fx.now}, "to", "is not after from"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.Now = fx.now
			_, err := Slots(fx.p, fx.plan, tc.id, tc.o)
			var ve *model.ValidationError
			require.True(t, errors.As(err, &ve), "%v", err)
			require.Equal(t, "request", ve.Document)
			require.Equal(t, tc.field, ve.Errors[0].Field)
			require.Contains(t, ve.Errors[0].Msg, tc.msg)
		})
	}
}

// TestSlotsBounds: the slots start inside [From, To), one a day at most, the
// intervention's current time is not offered, and Count bounds them. (The first
// appointment more than 30 days after now that has slots: works in the middle of
// a dwelling's chain often have none, their neighbours holding them in place.)
func TestSlotsBounds(t *testing.T) {
	fx := newEventFixture(t)
	from, to := fx.now.Add(10*24*time.Hour), fx.now.Add(80*24*time.Hour)
	// the first appointment 30 days ahead or more that has other times in the
	// window (one whose crew is booked every day of it has none)
	var ans *SlotAnswer
	for _, o := range appointments(t, fx.plan, fx.loc) {
		if !o.start.After(fx.now.Add(30 * 24 * time.Hour)) {
			continue
		}
		a, err := Slots(fx.p, fx.plan, o.a.Intervention, SlotOptions{Count: 4, From: from, To: to, Now: fx.now})
		require.NoError(t, err)
		if len(a.Slots) > 0 {
			ans, fx.future = a, o
			break
		}
	}
	require.NotNil(t, ans, "no appointment 30 days ahead has other times")
	require.LessOrEqual(t, len(ans.Slots), 4)
	require.Equal(t, fx.future.a.Start, ans.Current.Start)
	days := map[string]bool{}
	for _, s := range ans.Slots {
		st, err := model.ParseMoment(s.Start, fx.loc)
		require.NoError(t, err)
		require.False(t, st.Before(from), s.Start)
		require.True(t, st.Before(to), s.Start)
		require.False(t, st.Equal(fx.future.start) && s.Crew == fx.future.a.Crew, "the current time is offered")
		day := st.In(fx.loc).Format("2006-01-02")
		require.False(t, days[day], "two slots on %s", day)
		days[day] = true
		require.Equal(t, ans.Token, s.Token)
		require.Equal(t, s.Start, s.Event.Start)
		require.Equal(t, s.Crew, s.Event.Crew)
	}
	// best first: fewer days added to the end, then fewer appointments moved, then sooner
	for k := 1; k < len(ans.Slots); k++ {
		a, b := ans.Slots[k-1], ans.Slots[k]
		require.True(t, a.EndDelayDays < b.EndDelayDays || a.EndDelayDays == b.EndDelayDays && (len(a.Moved) < len(b.Moved) || len(a.Moved) == len(b.Moved) && a.Start < b.Start), "%+v before %+v", a, b)
	}
}

// overlappingSlots finds two interventions whose offered slots take the same
// crew at overlapping times: the second is stale once the first is taken.
func overlappingSlots(t *testing.T, fx *eventFixture, f *SlotFinder) (Slot, Slot) {
	type offer struct {
		s          Slot
		start, end time.Time
	}
	var offers []offer
	for _, o := range appointments(t, fx.plan, fx.loc) {
		if !o.start.After(fx.now.Add(10*24*time.Hour)) || o.a.Crew == "" {
			continue
		}
		ans, err := f.Slots(o.a.Intervention, SlotOptions{Count: 3})
		require.NoError(t, err)
		for _, s := range ans.Slots {
			st, _ := model.ParseMoment(s.Start, fx.loc)
			en, _ := model.ParseMoment(s.End, fx.loc)
			for _, x := range offers {
				if x.s.Crew == s.Crew && x.s.Event.Intervention != s.Event.Intervention && st.Before(x.end) && x.start.Before(en) {
					return x.s, s
				}
			}
			offers = append(offers, offer{s, st, en})
		}
	}
	t.Fatal("no two offered slots overlap")
	return Slot{}, Slot{}
}

// TestRescheduleStaleSlot: a slot offered from one plan, taken against a newer
// plan where it no longer fits, is refused naming the event, the field and why,
// and matches ErrSlotUnavailable (the HTTP layer's 409); against its own plan it
// is accepted.
func TestRescheduleStaleSlot(t *testing.T) {
	fx := newEventFixture(t)
	f, err := NewSlotFinder(fx.p, fx.plan, fx.now)
	require.NoError(t, err)
	first, second := overlappingSlots(t, fx, f)
	take := func(p *model.Problem, plan *model.Plan, s Slot) (*ReplanResult, error) {
		ev := s.Event
		ev.ID = "call-" + s.Event.Intervention
		return Replan(context.Background(), p, plan, &model.Events{Format: model.EventsFormat, Events: []model.Event{ev}}, fx.now, &Settings{WorkLimit: 2, Workers: 1})
	}
	rr, err := take(fx.p, fx.plan, first)
	require.NoError(t, err)
	require.Empty(t, Verify(rr.Problem, rr.Plan))
	_, err = take(rr.Problem, rr.Plan, second)
	require.ErrorIs(t, err, ErrSlotUnavailable)
	require.ErrorIs(t, err, model.ErrInvalid)
	var ve *model.ValidationError
	require.True(t, errors.As(err, &ve))
	require.Equal(t, "events[0].start", ve.Errors[0].Field)
	require.Equal(t, "call-"+second.Event.Intervention, ve.Errors[0].ID)
	require.Contains(t, ve.Errors[0].Msg, "the slot no longer fits the plan")
	require.Contains(t, ve.Errors[0].Msg, "offered from plan "+second.Token)
	// the same slot against the plan it was offered from is accepted
	rr2, err := take(fx.p, fx.plan, second)
	require.NoError(t, err)
	require.Empty(t, Verify(rr2.Problem, rr2.Plan))
}

// TestRescheduleRefusals: events that take no slot of the plan are refused.
func TestRescheduleRefusals(t *testing.T) {
	fx := newEventFixture(t)
	id := fx.future.a.Intervention
	cases := []struct {
		name  string
		ev    model.Event
		slot  bool // the error is a *SlotError
		field string
		msg   string
	}{
		{"crew of another trade", model.Event{Intervention: id, Start: fx.future.a.Start, Crew: otherTradeCrew(fx, id)}, true, "events[0].start", "cannot take"},
		{"unknown crew", model.Event{Intervention: id, Start: fx.future.a.Start, Crew: "nobody"}, false, "events[0].crew", `unknown crew "nobody"`},
		{"in the past", model.Event{Intervention: id, Start: fx.stamp(fx.now.Add(-time.Hour))}, false, "events[0].start", "before now"},
		{"begun", model.Event{Intervention: fx.past.a.Intervention, Start: fx.future.a.Start}, false, "events[0].intervention", "an appointment is rescheduled before it begins"},
		{"a Sunday night", model.Event{Intervention: id, Start: fx.stamp(sundayNight(fx))}, true, "events[0].start", "no longer fits"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.ev.ID, tc.ev.Type = "r1", model.EventAppointmentRescheduled
			_, err := Replan(context.Background(), fx.p, fx.plan, &model.Events{Format: model.EventsFormat, Events: []model.Event{tc.ev}}, fx.now, &Settings{WorkLimit: 1, Workers: 1})
			require.Equal(t, tc.slot, errors.Is(err, ErrSlotUnavailable), "%v", err)
			var ve *model.ValidationError
			require.True(t, errors.As(err, &ve), "%v", err)
			require.Equal(t, tc.field, ve.Errors[0].Field)
			require.Contains(t, ve.Errors[0].Msg, tc.msg)
		})
	}
}

func otherTradeCrew(fx *eventFixture, id string) string {
	iv := ivByID(fx.p, id)
	for _, c := range fx.p.Crews {
		if !slices.Contains(c.Trades, iv.Trade) {
			return c.ID
		}
	}
	return ""
}

// sundayNight is a Sunday 23:00 five weeks after now.
func sundayNight(fx *eventFixture) time.Time {
	d := fx.now.AddDate(0, 0, 35)
	for d.Weekday() != time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 23, 0, 0, 0, fx.loc)
}

// TestSlotsInvalidProblem: an invalid problem is the validation's error, never a
// panic of what is prepared beside it.
func TestSlotsInvalidProblem(t *testing.T) {
	fx := newEventFixture(t)
	cases := []struct {
		name   string
		change func(p *model.Problem)
		field  string
	}{
		{"unknown trade", func(p *model.Problem) { p.Interventions[3].Trade = "juggling" }, "trade"},
		{"bad time zone", func(p *model.Problem) { p.Operation.TimeZone = "Mars/Olympus" }, "time_zone"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := fx.p.Clone()
			tc.change(p)
			_, err := Slots(p, fx.plan, fx.future.a.Intervention, SlotOptions{Now: fx.now})
			require.ErrorIs(t, err, model.ErrInvalid)
			require.ErrorContains(t, err, tc.field)
		})
	}
}
