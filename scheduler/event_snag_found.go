package scheduler

import (
	"slices"

	"github.com/rehabplan/rehabplan/model"
)

func init() { eventHandlers.mustRegister(model.EventSnagFound, snagFound{}) }

// snagFound: a return visit (add) is needed in the dwelling after acceptance; it
// comes after every other intervention of the dwelling.
type snagFound struct{}

func (snagFound) Apply(st *eventState, e *model.Event) error {
	if e.Add == nil {
		return needs(e, "add")
	}
	add := *e.Add
	if st.dwelling[e.Dwelling] == nil {
		return fail("dwelling", "unknown dwelling %q", e.Dwelling)
	}
	add.Dwelling = e.Dwelling
	for _, iv := range st.q.Interventions {
		if iv.Dwelling == e.Dwelling && !slices.Contains(add.After, iv.ID) {
			add.After = append(add.After, iv.ID)
		}
	}
	return st.addIntervention(add, e)
}
