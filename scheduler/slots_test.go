package scheduler

import (
	"context"
	"testing"

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
	for _, id := range slotSubjects(t, fx, 6) {
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
