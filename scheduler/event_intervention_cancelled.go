package scheduler

import "github.com/rehabplan/rehabplan/model"

func init() { eventHandlers.mustRegister(model.EventInterventionCancelled, interventionCancelled{}) }

// interventionCancelled: the intervention, not begun, will not be done; it and
// every reference to it leave the problem once all the events are applied.
type interventionCancelled struct{}

func (interventionCancelled) Apply(st *eventState, e *model.Event) error {
	iv, err := st.intervention(e)
	if err != nil {
		return err
	}
	if iv.StatusOf() == model.StatusDone {
		return fail("intervention", "%q is done: it cannot be cancelled", iv.ID)
	}
	if s, ok := st.old[iv.ID]; ok && s.start.Before(st.now) {
		return fail("intervention", "%q began %s: report it partly done instead", iv.ID, s.startS)
	}
	st.ap.cancelled[iv.ID] = e.ID
	st.ap.cancelledIvs[iv.ID] = *iv
	return nil
}
