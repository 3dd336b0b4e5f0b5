package scheduler

import "github.com/rehabplan/rehabplan/model"

func init() { eventHandlers.mustRegister(model.EventDeliverySlipped, deliverySlipped{}) }

// deliverySlipped: the delivery will arrive later; what the old plan had begin
// before the new time (and not end before now) is planned anew.
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
