package scheduler

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rehabplan/rehabplan/model"
)

func init() { eventHandlers.mustRegister(model.EventDeliverySlipped, deliverySlipped{}) }

// deliverySlipped: the delivery will arrive later; what the old plan had begin
// before the new time (and not end before now) is planned anew. A delivery whose
// dependent work is done, or has begun before now in the old plan, has in fact
// arrived: its slip is refused, naming that work (Finish), unless another event
// of the same batch reports that work missed or cancelled.
type deliverySlipped struct{}

func (deliverySlipped) Apply(st *eventState, e *model.Event) error {
	d, was, at, err := st.deliveryTimes(e)
	if err != nil {
		return err
	}
	if !at.After(was) {
		return fail("expected", "%s is not later than the delivery's expected %s: a slip moves it later", e.Expected, d.Expected)
	}
	st.moveDelivery(d, at, e)
	return nil
}

// Finish refuses each applied slip whose delivery's work is under way.
func (deliverySlipped) Finish(st *eventState, events []model.Event) error {
	// interventions another event reports as not done: missed or cancelled
	notDone := map[string]bool{}
	for _, e := range events {
		switch {
		case e.Type == model.EventAppointmentMissed && st.ap.forced[e.Intervention] == e.ID:
			notDone[e.Intervention] = true
		case e.Type == model.EventInterventionCancelled && st.ap.cancelled[e.Intervention] == e.ID:
			notDone[e.Intervention] = true
		}
	}
	var errs []error
	for i := range events {
		e := &events[i]
		if e.Type != model.EventDeliverySlipped || st.byDelivery[e.Delivery] != e.ID || st.delivery[e.Delivery] == nil || st.delivery[e.Delivery].Expected != e.Expected {
			continue // not applied: its own error says why
		}
		done, begun := st.workUnderWay(e.Delivery, notDone)
		if len(done) == 0 && len(begun) == 0 {
			continue
		}
		var parts []string
		if len(done) > 0 {
			parts = append(parts, "done: "+strings.Join(done, ", "))
		}
		if len(begun) > 0 {
			parts = append(parts, "begun before now: "+strings.Join(begun, ", "))
		}
		errs = append(errs, eventFieldError(i, e, "delivery", fmt.Sprintf("delivery %q cannot slip, the work that needs it is under way (%s)", e.Delivery, strings.Join(parts, "; "))))
	}
	return errors.Join(errs...)
}

// workUnderWay lists, sorted, the interventions that need delivery id and are done,
// and those that are not but whose old appointment starts before now, leaving out
// those of notDone.
func (st *eventState) workUnderWay(id string, notDone map[string]bool) (done, begun []string) {
	for k := range st.q.Interventions {
		iv := &st.q.Interventions[k]
		if !slices.Contains(iv.Deliveries, id) || notDone[iv.ID] {
			continue
		}
		if iv.StatusOf() == model.StatusDone {
			done = append(done, iv.ID)
		} else if s, ok := st.old[iv.ID]; ok && s.start.Before(st.now) {
			begun = append(begun, iv.ID)
		}
	}
	slices.Sort(done)
	slices.Sort(begun)
	return done, begun
}
