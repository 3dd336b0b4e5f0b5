package scheduler

import "github.com/rehabplan/rehabplan/model"

func init() { eventHandlers.mustRegister(model.EventDwellingVacant, dwellingVacant{}) }

// dwellingVacant: the dwelling's household has left; nobody needs to be at home
// there any more.
type dwellingVacant struct{}

func (dwellingVacant) Apply(st *eventState, e *model.Event) error {
	d := st.dwelling[e.Dwelling]
	switch {
	case d == nil:
		return fail("dwelling", "unknown dwelling %q", e.Dwelling)
	case !d.Occupied():
		return fail("dwelling", "dwelling %q is already vacant", e.Dwelling)
	}
	if err := st.claim(st.byHousehold, d.Household, e, "dwelling", "household"); err != nil {
		return err
	}
	st.ap.household[d.Household] = e.ID
	d.Vacant, d.Household = true, ""
	return nil
}
