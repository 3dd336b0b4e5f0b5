package scheduler

import "github.com/rehabplan/rehabplan/model"

func init() { eventHandlers.mustRegister(model.EventDeliveryEarly, deliveryEarly{}) }

// deliveryEarly: the delivery arrives earlier; the interventions waiting for it may
// move earlier (nothing is forced: the old times stay possible).
type deliveryEarly struct{}

func (deliveryEarly) Apply(st *eventState, e *model.Event) error {
	d, was, at, err := st.deliveryTimes(e)
	if err != nil {
		return err
	}
	if !at.Before(was) {
		return fail("expected", "%s is not earlier than the delivery's expected %s", e.Expected, d.Expected)
	}
	st.moveDelivery(d, at, e)
	return nil
}
