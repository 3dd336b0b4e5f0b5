package scheduler

import (
	"errors"
	"fmt"

	"github.com/rehabplan/rehabplan/model"
)

func init() { eventHandlers.mustRegister(model.EventAppointmentDeclined, appointmentDeclined{}) }

// appointmentDeclined: the household asks to move an appointment that has not
// begun. It cannot be at home from-to (default: the appointment's own time),
// which joins its absences, and the appointment is planned anew outside it. Only
// an appointment that needs someone at home can be declined (access "tenant", or
// "keys" with the keys not left with the pilot). One event per household and
// replan, as for household_changed: a period that covers several appointments
// moves them all.
type appointmentDeclined struct{}

func (appointmentDeclined) Apply(st *eventState, e *model.Event) error {
	iv, s, err := st.appointment(e, "be declined")
	if err != nil {
		return err
	}
	if s.start.Before(st.now) {
		return fail("intervention", "%q began %s: an appointment is declined before it begins", iv.ID, s.startS)
	}
	d := st.dwelling[iv.Dwelling]
	if d == nil || !d.Occupied() {
		return fail("intervention", "%q is in vacant dwelling %q: there is no household to decline it", iv.ID, iv.Dwelling)
	}
	k, ok := st.household[d.Household]
	if !ok {
		return fail("intervention", "household %q of dwelling %q is not in the problem", d.Household, d.ID)
	}
	h := &st.q.Households[k]
	if err := st.claim(st.byHousehold, h.ID, e, "intervention", "household"); err != nil {
		return err
	}
	if access := st.accessOf(iv); access == model.AccessNone || access == model.AccessKeys && h.KeysWithPilot {
		return fail("intervention", "%q needs nobody at home (access %q%s): there is no appointment to decline", iv.ID, access, keysNote(access, h))
	}
	from, to, fromS, toS := s.start, s.end, s.startS, s.endS
	if e.From != "" || e.To != "" {
		var err1, err2 error
		from, err1 = st.moment("from", e.From, false)
		to, err2 = st.moment("to", e.To, true)
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		if !to.After(from) {
			return fail("to", "%s is not after from %s", e.To, e.From)
		}
		if !from.Before(s.end) || !to.After(s.start) {
			return fail("from", "%s to %s does not cover the appointment it declines (%s to %s)", e.From, e.To, s.startS, s.endS)
		}
		fromS, toS = e.From, e.To
	}
	h.Absences = append(h.Absences, model.Period{From: fromS, To: toS, Reason: fmt.Sprintf("declined %s (event %s)", iv.ID, e.ID)})
	st.ap.forced[iv.ID] = e.ID
	st.ap.household[h.ID] = e.ID
	return nil
}

// accessOf is the intervention's access in the problem being edited.
func (st *eventState) accessOf(iv *model.Intervention) string {
	if iv.Access != "" {
		return iv.Access
	}
	for i := range st.q.Trades {
		if t := &st.q.Trades[i]; t.ID == iv.Trade && t.Access != "" {
			return t.Access
		}
	}
	return model.AccessKeys
}

func keysNote(access string, h *model.Household) string {
	if access == model.AccessKeys && h.KeysWithPilot {
		return ", keys with the pilot"
	}
	return ""
}
