package scheduler

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/stretchr/testify/require"
)

// TestDeliverySlippedRefusedWhenWorkUnderWay: a delivery whose dependent work is done,
// or has begun before now in the old plan, cannot slip; the error names the event,
// its delivery field and the interventions.
func TestDeliverySlippedRefusedWhenWorkUnderWay(t *testing.T) {
	p, plan, loc := basePlan(t)
	// the first appointment that needs a delivery; now is two hours after it ends
	var first oldAppt
	var delivery string
	for _, o := range appointments(t, plan, loc) {
		if iv := ivByID(p, o.a.Intervention); len(iv.Deliveries) > 0 {
			first, delivery = o, iv.Deliveries[0]
			break
		}
	}
	require.NotEmpty(t, delivery, "no appointment needs a delivery")
	now := first.end.Add(2 * time.Hour)
	later := deliveryOf(p, delivery).Expected
	at, err := model.ParseMoment(later, loc)
	require.NoError(t, err)
	slip := at.Add(30 * 24 * time.Hour).In(loc).Format("2006-01-02")
	done := p.Clone()
	iv := ivByID(done, first.a.Intervention)
	iv.Status, iv.Crew, iv.Start, iv.End = model.StatusDone, first.a.Crew, first.a.Start, first.a.End
	cases := []struct {
		name string
		p    *model.Problem
		want string
	}{
		{"begun", p, "begun before now: "},
		{"done", done, "done: " + first.a.Intervention},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			evs := &model.Events{Format: model.EventsFormat, Events: []model.Event{{ID: "slip-1", Type: model.EventDeliverySlipped, Delivery: delivery, Expected: slip}}}
			_, err := Replan(context.Background(), tc.p, plan, evs, now, &Settings{WorkLimit: 1, Workers: 1})
			require.ErrorIs(t, err, model.ErrInvalid)
			var ve *model.ValidationError
			require.True(t, errors.As(err, &ve))
			require.Len(t, ve.Errors, 1, "%v", err)
			fe := ve.Errors[0]
			require.Equal(t, "events[0].delivery", fe.Field)
			require.Equal(t, "event", fe.Entity)
			require.Equal(t, "slip-1", fe.ID)
			require.Contains(t, fe.Msg, "cannot slip")
			require.Contains(t, fe.Msg, tc.want)
			require.Contains(t, fe.Msg, first.a.Intervention)
		})
	}
	// the begun work (the first, and any other begun before now) reported missed in
	// the same batch (the delivery did not come): the slip stands
	evs := &model.Events{Format: model.EventsFormat, Events: []model.Event{
		{ID: "slip-1", Type: model.EventDeliverySlipped, Delivery: delivery, Expected: slip}}}
	for _, o := range appointments(t, plan, loc) {
		if slices.Contains(ivByID(p, o.a.Intervention).Deliveries, delivery) && o.start.Before(now) {
			evs.Events = append(evs.Events, model.Event{ID: "miss-" + o.a.Intervention, Type: model.EventAppointmentMissed, Intervention: o.a.Intervention})
		}
	}
	require.Equal(t, first.a.Intervention, evs.Events[1].Intervention)
	rr, err := Replan(context.Background(), p, plan, evs, now, &Settings{WorkLimit: 1, Workers: 1})
	require.NoError(t, err, "the missed work is not under way")
	require.Empty(t, Verify(rr.Problem, rr.Plan))
	// a delivery none of whose work has begun still slips
	for _, d := range p.Deliveries {
		begun := false
		for _, o := range appointments(t, plan, loc) {
			if slices.Contains(ivByID(p, o.a.Intervention).Deliveries, d.ID) && o.start.Before(now) {
				begun = true
			}
		}
		if begun {
			continue
		}
		at, err := model.ParseMoment(d.Expected, loc)
		require.NoError(t, err)
		evs := &model.Events{Format: model.EventsFormat, Events: []model.Event{{ID: "slip-1", Type: model.EventDeliverySlipped, Delivery: d.ID, Expected: at.Add(48 * time.Hour).In(loc).Format("2006-01-02T15:04")}}}
		rr, err := Replan(context.Background(), p, plan, evs, now, &Settings{WorkLimit: 1, Workers: 1})
		require.NoError(t, err, "delivery %s", d.ID)
		require.Empty(t, Verify(rr.Problem, rr.Plan), "delivery %s", d.ID)
		return
	}
	t.Fatal("every delivery has begun work")
}
