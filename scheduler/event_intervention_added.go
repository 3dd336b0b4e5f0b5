package scheduler

import "github.com/rehabplan/rehabplan/model"

func init() { eventHandlers.mustRegister(model.EventInterventionAdded, interventionAdded{}) }

// interventionAdded: add is a new intervention, planned with the rest.
type interventionAdded struct{}

func (interventionAdded) Apply(st *eventState, e *model.Event) error {
	if e.Add == nil {
		return needs(e, "add")
	}
	return st.addIntervention(*e.Add, e)
}
