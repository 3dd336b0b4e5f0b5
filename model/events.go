package model

import (
	"fmt"
	"io"
	"time"
)

// EventsFormat is the value of the "format" field of an events document: what
// slipped since the last plan, read by a replan.
const EventsFormat = "rehabplan-events/v1"

// Event types. Each names what happened on site; the fields an event needs are
// listed with its constant.
const (
	// EventDeliverySlipped: Delivery will arrive at Expected, later than planned.
	EventDeliverySlipped = "delivery_slipped"
	// EventDeliveryEarly: Delivery arrived (or will arrive) at Expected, earlier than
	// planned.
	EventDeliveryEarly = "delivery_early"
	// EventAppointmentMissed: nobody let the crew in for Intervention; it must be
	// planned again.
	EventAppointmentMissed = "appointment_missed"
	// EventCrewAbsent: Crew is away From-To (off sick, on another site).
	EventCrewAbsent = "crew_absent"
	// EventContractorWithdrawn: Contractor no longer does Trades (all its trades when
	// empty); its crews lose them.
	EventContractorWithdrawn = "contractor_withdrawn"
	// EventInterventionOverran: Intervention took longer and ends (or ended) at End.
	EventInterventionOverran = "intervention_overran"
	// EventInterventionPartlyDone: Intervention stopped at End (default: its planned
	// end) with Remaining still to do; a follow-up intervention (id Add.ID, default
	// "<id>+rest") is added after it, same dwelling and trade.
	EventInterventionPartlyDone = "intervention_partly_done"
	// EventSnagFound: a return visit is needed in Dwelling after acceptance; Add
	// describes it (id, trade, duration); it comes after every other intervention
	// of the dwelling.
	EventSnagFound = "snag_found"
	// EventHouseholdChanged: Household replaces the household record of the same id
	// (availability, absences, profiles, keys).
	EventHouseholdChanged = "household_changed"
	// EventInterventionAdded: Add is a new intervention.
	EventInterventionAdded = "intervention_added"
	// EventInterventionCancelled: Intervention will not be done.
	EventInterventionCancelled = "intervention_cancelled"
	// EventDwellingVacant: Dwelling's household has left; nobody needs to be at home
	// there any more.
	EventDwellingVacant = "dwelling_vacant"
	// EventAppointmentDeclined: the household of Intervention's dwelling asks to
	// move that appointment (not begun): it cannot be at home From-To (default:
	// the appointment's own time); the period joins its absences and the
	// appointment is planned anew outside it.
	EventAppointmentDeclined = "appointment_declined"
	// EventAppointmentRescheduled: the household of Intervention agreed, on the
	// phone, to one of the slots scheduler.Slots offered: the appointment moves to
	// Start with Crew (and Pilot, when it needs one) and is then fixed there. Plan,
	// when given, is the token of the plan version the slot was offered from. A slot
	// that no longer fits the plan is refused, saying why.
	EventAppointmentRescheduled = "appointment_rescheduled"
)

// EventTypes lists every event type, in the order of the documentation.
var EventTypes = []string{EventDeliverySlipped, EventDeliveryEarly, EventAppointmentMissed,
	EventCrewAbsent, EventContractorWithdrawn, EventInterventionOverran,
	EventInterventionPartlyDone, EventSnagFound, EventHouseholdChanged,
	EventInterventionAdded, EventInterventionCancelled, EventDwellingVacant,
	EventAppointmentDeclined, EventAppointmentRescheduled}

// Events is an events document: what happened since the plan was made.
type Events struct {
	Format string `json:"format"`
	// Operation, when set, must be the id of the problem's operation.
	Operation string  `json:"operation,omitempty"`
	Events    []Event `json:"events"`
}

// Event is one thing that happened. Which fields it uses depends on Type.
type Event struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	// At is when it was reported (a Moment); informational, not after the replan's now.
	At     string `json:"at,omitempty"`
	Reason string `json:"reason,omitempty"`

	Delivery     string     `json:"delivery,omitempty"`
	Expected     string     `json:"expected,omitempty"`
	Intervention string     `json:"intervention,omitempty"`
	Crew         string     `json:"crew,omitempty"`
	Contractor   string     `json:"contractor,omitempty"`
	Trades       []string   `json:"trades,omitempty"`
	From         string     `json:"from,omitempty"`
	To           string     `json:"to,omitempty"`
	End          string     `json:"end,omitempty"`
	Remaining    string     `json:"remaining,omitempty"`
	Dwelling     string     `json:"dwelling,omitempty"`
	Household    *Household `json:"household,omitempty"`
	// Start, Pilot and Plan are the slot appointment_rescheduled takes: its start,
	// its pilot, and the token of the plan version it was offered from.
	Start string `json:"start,omitempty"`
	Pilot string `json:"pilot,omitempty"`
	Plan  string `json:"plan,omitempty"`
	// Add is the intervention that intervention_added, snag_found and
	// intervention_partly_done create.
	Add *Intervention `json:"add,omitempty"`
}

// DecodeEvents reads an events document, refuses unknown fields and checks each
// event on its own: its type, the fields that type needs and those it must not
// have, and the times. References to the problem (ids of deliveries, crews,
// interventions) are checked when the events are applied.
func DecodeEvents(r io.Reader) (*Events, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxDocumentBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxDocumentBytes {
		return nil, &ValidationError{Document: "events", Errors: []*FieldError{{Field: "(document)", Msg: fmt.Sprintf("larger than %d MiB", MaxDocumentBytes>>20)}}}
	}
	var ev Events
	if err := strictUnmarshal(data, &ev); err != nil {
		return nil, &ValidationError{Document: "events", Errors: []*FieldError{{Field: "(document)", Msg: err.Error()}}}
	}
	if errs := ev.Check(); len(errs) > 0 {
		return nil, &ValidationError{Document: "events", Errors: errs}
	}
	return &ev, nil
}

// eventFields says which optional fields each type needs (required) and accepts.
var eventFields = map[string]struct{ required, allowed []string }{
	EventDeliverySlipped:        {[]string{"delivery", "expected"}, nil},
	EventDeliveryEarly:          {[]string{"delivery", "expected"}, nil},
	EventAppointmentMissed:      {[]string{"intervention"}, nil},
	EventCrewAbsent:             {[]string{"crew", "from", "to"}, nil},
	EventContractorWithdrawn:    {[]string{"contractor"}, []string{"trades"}},
	EventInterventionOverran:    {[]string{"intervention", "end"}, nil},
	EventInterventionPartlyDone: {[]string{"intervention", "remaining"}, []string{"end", "add"}},
	EventSnagFound:              {[]string{"dwelling", "add"}, nil},
	EventHouseholdChanged:       {[]string{"household"}, nil},
	EventInterventionAdded:      {[]string{"add"}, nil},
	EventInterventionCancelled:  {[]string{"intervention"}, nil},
	EventDwellingVacant:         {[]string{"dwelling"}, nil},
	EventAppointmentDeclined:    {[]string{"intervention"}, []string{"from", "to"}},
	EventAppointmentRescheduled: {[]string{"intervention", "start"}, []string{"crew", "pilot", "plan"}},
}

// set reports which optional fields of e are given.
func (e *Event) set() map[string]bool {
	return map[string]bool{
		"delivery": e.Delivery != "", "expected": e.Expected != "", "intervention": e.Intervention != "",
		"crew": e.Crew != "", "contractor": e.Contractor != "", "trades": len(e.Trades) > 0,
		"from": e.From != "", "to": e.To != "", "end": e.End != "", "remaining": e.Remaining != "",
		"dwelling": e.Dwelling != "", "household": e.Household != nil, "add": e.Add != nil,
		"start": e.Start != "", "pilot": e.Pilot != "", "plan": e.Plan != "",
	}
}

// fieldOrder is the order in which fields are reported.
var fieldOrder = []string{"delivery", "expected", "intervention", "crew", "contractor", "trades",
	"from", "to", "end", "remaining", "dwelling", "household", "add", "start", "pilot", "plan"}

// Check lists what is wrong with the document on its own, in document order: the
// format, each event's id (unique), type and fields, and the times' syntax.
func (ev *Events) Check() []*FieldError {
	var errs []*FieldError
	if ev.Format != EventsFormat {
		errs = append(errs, &FieldError{Field: "format", Msg: fmt.Sprintf("must be %q, got %q", EventsFormat, ev.Format)})
	}
	if ev.Events == nil {
		errs = append(errs, &FieldError{Field: "events", Msg: "missing (an empty list is allowed)"})
	}
	seen := map[string]bool{}
	for i := range ev.Events {
		e := &ev.Events[i]
		f := fmt.Sprintf("events[%d]", i)
		bad := func(field, format string, args ...any) {
			errs = append(errs, &FieldError{Field: f + field, Entity: "event", ID: e.ID, Msg: fmt.Sprintf(format, args...)})
		}
		switch {
		case e.ID == "":
			bad(".id", "missing")
		case seen[e.ID]:
			bad(".id", "duplicate event id %q", e.ID)
		}
		seen[e.ID] = true
		spec, ok := eventFields[e.Type]
		if !ok {
			bad(".type", "unknown event type %q (one of %v)", e.Type, EventTypes)
			continue
		}
		given := e.set()
		want := map[string]bool{}
		for _, r := range spec.required {
			want[r] = true
			if !given[r] {
				bad("."+r, "missing: a %s event needs it", e.Type)
			}
		}
		for _, a := range spec.allowed {
			want[a] = true
		}
		for _, k := range fieldOrder {
			if given[k] && !want[k] {
				bad("."+k, "not a field of a %s event", e.Type)
			}
		}
		// syntax of times and durations (the time zone is the operation's; UTC
		// here only checks the form)
		for _, m := range []struct{ name, v string }{{"at", e.At}, {"expected", e.Expected}, {"from", e.From}, {"end", e.End}, {"start", e.Start}} {
			if m.v == "" {
				continue
			}
			if _, err := ParseMoment(m.v, time.UTC); err != nil {
				bad("."+m.name, "%v", err)
			}
		}
		if e.To != "" {
			if _, err := ParseEndMoment(e.To, time.UTC); err != nil {
				bad(".to", "%v", err)
			}
		}
		if e.Remaining != "" {
			if d, err := ParseDuration(e.Remaining, 8*60); err != nil {
				bad(".remaining", "%v", err)
			} else if d <= 0 {
				bad(".remaining", "must be positive")
			}
		}
		if e.Type == EventAppointmentDeclined && (e.From == "") != (e.To == "") {
			bad(".from", "from and to go together: the period the household cannot be at home")
		}
		if e.Household != nil && e.Household.ID == "" {
			bad(".household.id", "missing")
		}
		if e.Add != nil {
			if e.Add.ID == "" && e.Type != EventInterventionPartlyDone {
				bad(".add.id", "missing")
			}
			if e.Type == EventSnagFound && e.Add.Dwelling != "" && e.Add.Dwelling != e.Dwelling {
				bad(".add.dwelling", "%q is not the event's dwelling %q", e.Add.Dwelling, e.Dwelling)
			}
			if e.Add.Status != "" && e.Add.Status != StatusPlanned {
				bad(".add.status", "a new intervention is planned, not %q", e.Add.Status)
			}
		}
	}
	return errs
}
