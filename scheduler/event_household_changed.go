package scheduler

import "github.com/rehabplan/rehabplan/model"

func init() { eventHandlers.mustRegister(model.EventHouseholdChanged, householdChanged{}) }

// householdChanged: the event's household record replaces the one of the same id
// (availability, absences, profiles, keys).
type householdChanged struct{}

func (householdChanged) Apply(st *eventState, e *model.Event) error {
	if e.Household == nil {
		return needs(e, "household")
	}
	k, ok := st.household[e.Household.ID]
	if !ok {
		return fail("household.id", "unknown household %q", e.Household.ID)
	}
	if err := st.claim(st.byHousehold, e.Household.ID, e, "household.id", "household"); err != nil {
		return err
	}
	st.q.Households[k] = *e.Household
	st.ap.household[e.Household.ID] = e.ID
	return nil
}
