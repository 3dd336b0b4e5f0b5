package scheduler

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/rehabplan/rehabplan/model"
)

// slot is where an appointment stood in the plan being replanned.
type slot struct {
	start, end   time.Time
	crew, pilot  string
	startS, endS string // as written
}

// applied is what the events did besides editing the problem.
type applied struct {
	// forced: interventions an event forces to be planned anew, with the event id.
	forced map[string]string
	// fixedBy: interventions whose times an event sets (overran, partly done).
	fixedBy map[string]string
	// cancelled and added interventions, with the event id.
	cancelled map[string]string
	added     map[string]string
	// touched: households whose record an event replaced, dwellings made vacant,
	// crews made absent: the event id, to name the cause of what they break.
	household map[string]string
	crew      map[string]string
	// cancelledIvs keeps the cancelled interventions (for the diff).
	cancelledIvs map[string]model.Intervention
	// rescheduled: the slots appointment_rescheduled events take, by intervention.
	rescheduled map[string]*reschedule
}

// eventHandler applies the events of one type to the copy of the problem being
// replanned. Each event type has one, in its own file (event_<type>.go), registered
// there by type in eventHandlers; a test checks that model.EventTypes and the
// registry hold the same types.
//
// Adding an event type: model/events.go (its constant, its EventTypes entry, its
// fields in eventFields and any check of its own in Check); scheduler/event_<type>.go
// (the handler and its registration line, helpers in events_shared.go); its
// scenario in bench/replan.go (replanScenarios); and a row in eventReplanCases
// (scheduler/events_test.go). The tests fail until all four are there.
type eventHandler interface {
	// Apply applies e to st. What is wrong with e is the error: fail(field, ...) for
	// one field, errors.Join of several; applyEvents names the event (its index and
	// id) in each.
	Apply(st *eventState, e *model.Event) error
}

// eventFinisher is a handler with a check across all the events, run once every
// event is applied, in the order of the types' names. Its errors are complete
// *model.FieldError values (eventFieldError names the event).
type eventFinisher interface {
	Finish(st *eventState, events []model.Event) error
}

// eventRegistry maps an event type to its handler.
type eventRegistry map[string]eventHandler

// register adds the handler of typ, and refuses a second one for the same type.
func (r eventRegistry) register(typ string, h eventHandler) error {
	if typ == "" || h == nil {
		return fmt.Errorf("event handler registry: empty type %q or nil handler", typ)
	}
	if prev, dup := r[typ]; dup {
		return fmt.Errorf("event handler registry: type %q already has handler %T", typ, prev)
	}
	r[typ] = h
	return nil
}

// mustRegister registers at init: a duplicate is a programming error, and the
// package refuses to start with one.
func (r eventRegistry) mustRegister(typ string, h eventHandler) {
	if err := r.register(typ, h); err != nil {
		panic(err)
	}
}

// eventHandlers is the registry: each event_<type>.go file registers its handler
// in an init function.
var eventHandlers = eventRegistry{}

// eventError is what a handler returns about one field of its event.
type eventError struct {
	field, msg string
}

func (e *eventError) Error() string { return e.field + ": " + e.msg }

// fail is the error of a handler about the field of its event.
func fail(field, format string, args ...any) error {
	return &eventError{field: field, msg: fmt.Sprintf(format, args...)}
}

// eventFieldError names event i and its field.
func eventFieldError(i int, e *model.Event, field, msg string) *model.FieldError {
	return &model.FieldError{Field: fmt.Sprintf("events[%d].%s", i, field), Entity: "event", ID: e.ID, Msg: msg}
}

// eventErrors collects FieldErrors naming the event.
type eventErrors struct {
	errs []*model.FieldError
}

// collect adds what a handler returned about event i (i < 0: a finisher's complete
// field errors), in order.
func (ee *eventErrors) collect(i int, e *model.Event, err error) {
	var fe *model.FieldError
	switch x := err.(type) {
	case nil:
	case *eventError:
		if e == nil {
			ee.errs = append(ee.errs, &model.FieldError{Field: "events." + x.field, Msg: x.msg})
			break
		}
		ee.errs = append(ee.errs, eventFieldError(i, e, x.field, x.msg))
	case interface{ Unwrap() []error }:
		for _, c := range x.Unwrap() {
			ee.collect(i, e, c)
		}
	default:
		if errors.As(err, &fe) {
			ee.errs = append(ee.errs, fe)
		} else if e != nil {
			ee.errs = append(ee.errs, &model.FieldError{Field: fmt.Sprintf("events[%d]", i), Entity: "event", ID: e.ID, Msg: err.Error()})
		} else {
			ee.errs = append(ee.errs, &model.FieldError{Field: "events", Msg: err.Error()})
		}
	}
}

func (ee *eventErrors) err() error {
	if len(ee.errs) == 0 {
		return nil
	}
	return &model.ValidationError{Document: "events", Errors: ee.errs}
}

// clone deep-copies a problem. model.Problem.Clone is a JSON round trip without
// the encoding; a weight JSON cannot write (NaN, infinite) takes the round trip, so
// that it fails as it always did.
func clone(p *model.Problem) (*model.Problem, error) {
	if finiteWeights(p.Operation.Policy) {
		return p.Clone(), nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	var q model.Problem
	if err := json.Unmarshal(b, &q); err != nil {
		return nil, err
	}
	return &q, nil
}

func finiteWeights(pol model.Policy) bool {
	for _, w := range []*float64{pol.Makespan, pol.DwellingEnd, pol.DisturbedDays, pol.Preferred, pol.SoftDeadline} {
		if w != nil && (math.IsNaN(*w) || math.IsInf(*w, 0)) {
			return false
		}
	}
	return true
}

// applyEvents returns a copy of p with the events applied. old holds the
// appointments of the plan being replanned. Each event goes to the handler of its
// type (eventHandlers; one file event_<type>.go each). Unknown ids, contradictions
// between events and events that do not fit the plan are errors naming the event and
// field. Whether the events leave a valid problem is for validateApplied to say (when
// there are events), before the copy is planned.
func applyEvents(p *model.Problem, old map[string]slot, ev *model.Events, now time.Time, loc *time.Location) (*model.Problem, *applied, error) {
	q, err := clone(p)
	if err != nil {
		return nil, nil, err
	}
	ap := &applied{forced: map[string]string{}, fixedBy: map[string]string{}, cancelled: map[string]string{},
		added: map[string]string{}, household: map[string]string{}, crew: map[string]string{},
		cancelledIvs: map[string]model.Intervention{}}
	if ev == nil {
		return q, ap, nil
	}
	ee := &eventErrors{}
	if ev.Operation != "" && ev.Operation != p.Operation.ID {
		ee.errs = append(ee.errs, &model.FieldError{Field: "operation", Msg: fmt.Sprintf("events of operation %q, the problem is operation %q", ev.Operation, p.Operation.ID)})
		return nil, nil, ee.err()
	}
	st := newEventState(q, p.Typed(), old, ap, now, loc)
	for i := range ev.Events {
		e := &ev.Events[i]
		st.index = i
		var errs []error
		if e.At != "" {
			if at, err := st.moment("at", e.At, false); err != nil {
				errs = append(errs, err)
			} else if at.After(now) {
				errs = append(errs, fail("at", "reported at %s, after the replan's now %s", e.At, now.In(loc).Format("2006-01-02T15:04")))
			}
		}
		if h := eventHandlers[e.Type]; h != nil {
			errs = append(errs, h.Apply(st, e))
		} else {
			errs = append(errs, fail("type", "unknown event type %q (one of %v)", e.Type, model.EventTypes))
		}
		ee.collect(i, e, errors.Join(errs...))
	}
	for _, typ := range slices.Sorted(maps.Keys(eventHandlers)) {
		if f, ok := eventHandlers[typ].(eventFinisher); ok {
			ee.collect(-1, nil, f.Finish(st, ev.Events))
		}
	}
	if err := ee.err(); err != nil {
		return nil, nil, err
	}
	dropCancelled(q, ap.cancelled)
	return q, ap, nil
}

// dropCancelled removes the cancelled interventions and every reference to them.
func dropCancelled(q *model.Problem, cancelled map[string]string) {
	if len(cancelled) == 0 {
		return
	}
	kept := q.Interventions[:0]
	for _, iv := range q.Interventions {
		if cancelled[iv.ID] != "" {
			continue
		}
		iv.After = slices.DeleteFunc(iv.After, func(id string) bool { return cancelled[id] != "" })
		kept = append(kept, iv)
	}
	q.Interventions = kept
}

// validateApplied validates a problem the events were applied to (applyEvents with
// events): the errors name the events document.
func validateApplied(q *model.Problem) error {
	if err := model.Validate(q); err != nil {
		if ve, ok := err.(*model.ValidationError); ok {
			out := &model.ValidationError{Document: "events"}
			for _, fe := range ve.Errors {
				c := *fe
				c.Msg = "after the events are applied: " + c.Msg
				out.Errors = append(out.Errors, &c)
			}
			return out
		}
		return err
	}
	return nil
}
