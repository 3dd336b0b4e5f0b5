package scheduler

import (
	"slices"
	"strings"

	"github.com/rehabplan/rehabplan/model"
)

func init() { eventHandlers.mustRegister(model.EventDeliverySlipped, deliverySlipped{}) }

// deliverySlipped: the delivery will arrive later; what the old plan had begin
// before the new time (and not end before now) is planned anew. A delivery whose
// dependent work is done, or has begun before now in the old plan, has in fact
// arrived: its slip is refused, naming that work.
type deliverySlipped struct{}

func (deliverySlipped) Apply(st *eventState, e *model.Event) error {
	d, was, at, err := st.deliveryTimes(e)
	if err != nil {
		return err
	}
	if !at.After(was) {
		return fail("expected", "%s is not later than the delivery's expected %s: a slip moves it later", e.Expected, d.Expected)
	}
	if done, begun := st.workUnderWay(d.ID); len(done) > 0 || len(begun) > 0 {
		var parts []string
		if len(done) > 0 {
			parts = append(parts, "done: "+strings.Join(done, ", "))
		}
		if len(begun) > 0 {
			parts = append(parts, "begun before now: "+strings.Join(begun, ", "))
		}
		return fail("delivery", "delivery %q cannot slip, the work that needs it is under way (%s)", d.ID, strings.Join(parts, "; "))
	}
	st.moveDelivery(d, at, e)
	return nil
}

// workUnderWay lists, sorted, the interventions that need delivery id and are done,
// and those that are not but whose old appointment starts before now.
func (st *eventState) workUnderWay(id string) (done, begun []string) {
	for k := range st.q.Interventions {
		iv := &st.q.Interventions[k]
		if !slices.Contains(iv.Deliveries, id) {
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
