package scheduler

import (
	"time"

	"github.com/rehabplan/rehabplan/model"
)

func init() { eventHandlers.mustRegister(model.EventAppointmentRescheduled, appointmentRescheduled{}) }

// appointmentRescheduled: the household took, on the phone, one of the slots
// Slots offered for an appointment not begun. The handler checks what the event
// says on its own (the intervention, the start, the crew and pilot exist); whether
// the slot still fits the plan is settled once the problem is compiled
// (placeRescheduled, in slots.go), where a slot that no longer fits is refused
// saying why. Then the appointment is fixed at the slot, confirmed.
type appointmentRescheduled struct{}

// reschedule is the slot an appointment_rescheduled event takes.
type reschedule struct {
	event        string
	index        int // of the event in its document
	start        time.Time
	crew, pilot  string
	token        string
	hadSlot      bool
	oldStartText string
}

func (appointmentRescheduled) Apply(st *eventState, e *model.Event) error {
	if e.Start == "" {
		return needs(e, "start")
	}
	iv, err := st.intervention(e)
	if err != nil {
		return err
	}
	start, err := st.moment("start", e.Start, false)
	if err != nil {
		return err
	}
	s, had := st.old[iv.ID]
	switch {
	case iv.StatusOf() == model.StatusDone:
		return fail("intervention", "%q is done: it cannot be rescheduled", iv.ID)
	case had && s.start.Before(st.now):
		return fail("intervention", "%q began %s: an appointment is rescheduled before it begins", iv.ID, s.startS)
	case start.Before(st.now):
		return fail("start", "%s is before now (%s)", e.Start, st.stamp(st.now))
	case !start.Before(st.opEnd):
		return fail("start", "%s is after the end of the operation", e.Start)
	}
	if e.Crew != "" && st.crew[e.Crew] == nil {
		return fail("crew", "unknown crew %q", e.Crew)
	}
	if e.Pilot != "" && !st.hasPilot(e.Pilot) {
		return fail("pilot", "unknown pilot %q", e.Pilot)
	}
	if st.ap.rescheduled == nil {
		st.ap.rescheduled = map[string]*reschedule{}
	}
	st.ap.rescheduled[iv.ID] = &reschedule{event: e.ID, index: st.index, start: start, crew: e.Crew, pilot: e.Pilot,
		token: e.Plan, hadSlot: had, oldStartText: s.startS}
	return nil
}

// hasPilot reports whether the problem has the pilot.
func (st *eventState) hasPilot(id string) bool {
	for i := range st.q.Pilots {
		if st.q.Pilots[i].ID == id {
			return true
		}
	}
	return false
}
