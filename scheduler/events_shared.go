package scheduler

import (
	"errors"
	"slices"
	"time"

	"github.com/rehabplan/rehabplan/model"
)

// eventState is what the event handlers share while the events of one replan are
// applied: the copy of the problem they edit, the plan being replanned, what they
// did so far, and indexes of the problem by id.
type eventState struct {
	// q is the copy of the problem the events edit.
	q *model.Problem
	// old holds the appointments of the plan being replanned.
	old map[string]slot
	now time.Time
	loc *time.Location
	// opEnd is the end of the operation's horizon; expected holds each delivery's
	// expected time as the problem gives it (both from the problem's typed view)
	opEnd    time.Time
	expected map[string]model.Value[time.Time]
	ap       *applied
	// index of the event being applied in its document
	index int

	ivAt      map[string]int // index in q.Interventions
	delivery  map[string]*model.Delivery
	crew      map[string]*model.Crew
	dwelling  map[string]*model.Dwelling
	household map[string]int // index in q.Households
	trade     map[string]bool
	// one event at most per delivery, per intervention, per household: the id of
	// the event that claimed it
	byDelivery, byIv, byHousehold map[string]string
}

// newEventState is the state of events applied to q, a copy of the problem whose
// typed view is tv (model.Problem.Typed), read once for all the events.
func newEventState(q *model.Problem, tv *model.Typed, old map[string]slot, ap *applied, now time.Time, loc *time.Location) *eventState {
	st := &eventState{q: q, old: old, now: now, loc: loc, ap: ap, opEnd: tv.Horizon,
		expected: make(map[string]model.Value[time.Time], len(q.Deliveries)),
		ivAt:     map[string]int{}, delivery: map[string]*model.Delivery{}, crew: map[string]*model.Crew{},
		dwelling: map[string]*model.Dwelling{}, household: map[string]int{}, trade: map[string]bool{},
		byDelivery: map[string]string{}, byIv: map[string]string{}, byHousehold: map[string]string{}}
	for i := range q.Interventions {
		st.ivAt[q.Interventions[i].ID] = i
	}
	typed := tv.Deliveries() // in the order of q's, a copy of the problem
	for i := range q.Deliveries {
		st.delivery[q.Deliveries[i].ID] = &q.Deliveries[i]
		st.expected[q.Deliveries[i].ID] = typed[i].Expected
	}
	for i := range q.Crews {
		st.crew[q.Crews[i].ID] = &q.Crews[i]
	}
	for i := range q.Dwellings {
		st.dwelling[q.Dwellings[i].ID] = &q.Dwellings[i]
	}
	for i := range q.Households {
		st.household[q.Households[i].ID] = i
	}
	for _, t := range q.Trades {
		st.trade[t.ID] = true
	}
	return st
}

// stamp writes t as a local time of the operation.
func (st *eventState) stamp(t time.Time) string {
	return t.In(st.loc).Format("2006-01-02T15:04")
}

// moment parses the moment s of the event's field (an end moment when end: a date
// alone is the end of that day).
func (st *eventState) moment(field, s string, end bool) (time.Time, error) {
	parse := model.ParseMoment
	if end {
		parse = model.ParseEndMoment
	}
	t, err := parse(s, st.loc)
	if err != nil {
		return t, fail(field, "%v", err)
	}
	return t, nil
}

// claim records that event e is about key (a delivery, an intervention, a
// household): a second event about it is an error.
func (st *eventState) claim(m map[string]string, key string, e *model.Event, field, what string) error {
	if prev, ok := m[key]; ok {
		return fail(field, "%s %q is already the subject of event %q: one event per %s and replan", what, key, prev, what)
	}
	m[key] = e.ID
	return nil
}

// intervention is the intervention the event names (not cancelled by an earlier
// event), claimed by e.
func (st *eventState) intervention(e *model.Event) (*model.Intervention, error) {
	k, ok := st.ivAt[e.Intervention]
	if !ok || st.ap.cancelled[e.Intervention] != "" {
		return nil, fail("intervention", "unknown intervention %q", e.Intervention)
	}
	if err := st.claim(st.byIv, e.Intervention, e, "intervention", "intervention"); err != nil {
		return nil, err
	}
	return &st.q.Interventions[k], nil
}

// appointment is the intervention event e names with its appointment in the old
// plan, refusing one that is done ("it cannot " + what) or has no appointment:
// the opening checks of the events about one appointment.
func (st *eventState) appointment(e *model.Event, what string) (*model.Intervention, slot, error) {
	iv, err := st.intervention(e)
	if err != nil {
		return nil, slot{}, err
	}
	s, ok := st.old[iv.ID]
	switch {
	case iv.StatusOf() == model.StatusDone:
		return nil, slot{}, fail("intervention", "%q is done: it cannot %s", iv.ID, what)
	case !ok:
		return nil, slot{}, fail("intervention", "%q has no appointment in the plan", iv.ID)
	}
	return iv, s, nil
}

// forceCrew forces to be planned anew, for event e, the interventions not done
// whose old appointment the crew had and meets keep.
func (st *eventState) forceCrew(crew string, e *model.Event, keep func(s slot) bool) {
	for id, s := range st.old {
		if s.crew != crew || !keep(s) {
			continue
		}
		if k, ok := st.ivAt[id]; ok && st.q.Interventions[k].StatusOf() != model.StatusDone {
			st.ap.forced[id] = e.ID
		}
	}
}

// deliveryTimes is the delivery the event names (claimed by e), its expected time
// in the problem and the event's new one.
func (st *eventState) deliveryTimes(e *model.Event) (d *model.Delivery, was, at time.Time, err error) {
	d = st.delivery[e.Delivery]
	if d == nil {
		return nil, was, at, fail("delivery", "unknown delivery %q", e.Delivery)
	}
	if err := st.claim(st.byDelivery, e.Delivery, e, "delivery", "delivery"); err != nil {
		return nil, was, at, err
	}
	// the delivery's time as the problem gives it: no other event has moved it
	// (one event per delivery)
	was, errW := st.expected[d.ID].V, st.expected[d.ID].Err
	if errW != nil {
		errW = fail("delivery", "%v", errW)
	}
	at, errA := st.moment("expected", e.Expected, false)
	return d, was, at, errors.Join(errW, errA)
}

// moveDelivery sets the delivery's expected time to the event's, at, and forces
// to be planned anew what the old plan began before it and did not end before now.
func (st *eventState) moveDelivery(d *model.Delivery, at time.Time, e *model.Event) {
	d.Expected = e.Expected
	for k := range st.q.Interventions {
		iv := &st.q.Interventions[k]
		if !slices.Contains(iv.Deliveries, d.ID) || iv.StatusOf() == model.StatusDone {
			continue
		}
		if s, ok := st.old[iv.ID]; ok && s.start.Before(at) && !s.end.Before(st.now) {
			st.ap.forced[iv.ID] = e.ID
		}
	}
}

// begun is the intervention the event names, with its old appointment, which
// must have begun before now.
func (st *eventState) begun(e *model.Event) (*model.Intervention, slot, error) {
	iv, err := st.intervention(e)
	if err != nil {
		return nil, slot{}, err
	}
	s, ok := st.old[iv.ID]
	if !ok {
		return nil, s, fail("intervention", "%q has no appointment in the plan", iv.ID)
	}
	if !s.start.Before(st.now) {
		return nil, s, fail("intervention", "%q starts %s, after now: it has not begun", iv.ID, s.startS)
	}
	return iv, s, nil
}

// reportedEnd is the event's end of an intervention begun at s (its planned end
// when the event gives none).
func (st *eventState) reportedEnd(e *model.Event, s slot) (time.Time, string, error) {
	if e.End == "" {
		return s.end, s.endS, nil
	}
	t, err := st.moment("end", e.End, false)
	if err != nil {
		return t, "", err
	}
	if !t.After(s.start) {
		return t, "", fail("end", "%s is not after the start %s", e.End, s.startS)
	}
	return t, e.End, nil
}

// fixTimes sets the intervention's times to those it had (s) with the reported
// end: done when that is past, announced and pinned otherwise.
func (st *eventState) fixTimes(iv *model.Intervention, s slot, end time.Time, endS string, e *model.Event) error {
	if end.After(st.opEnd) {
		return fail("end", "%s is after the end of the operation", e.End)
	}
	iv.Start, iv.End, iv.Crew, iv.Pilot = s.startS, endS, s.crew, s.pilot
	iv.Status, iv.Pinned = model.StatusAnnounced, true
	if !end.After(st.now) {
		iv.Status, iv.Pinned = model.StatusDone, false
	}
	st.ap.fixedBy[iv.ID] = e.ID
	return nil
}

// addIntervention adds add, a new intervention event e describes.
func (st *eventState) addIntervention(add model.Intervention, e *model.Event) error {
	if _, dup := st.ivAt[add.ID]; dup {
		return fail("add.id", "intervention %q already exists", add.ID)
	}
	if !st.trade[add.Trade] {
		return fail("add.trade", "unknown trade %q", add.Trade)
	}
	if st.dwelling[add.Dwelling] == nil {
		return fail("add.dwelling", "unknown dwelling %q", add.Dwelling)
	}
	st.ivAt[add.ID] = len(st.q.Interventions)
	st.q.Interventions = append(st.q.Interventions, add)
	st.ap.added[add.ID] = e.ID
	return nil
}

// needs is the error of an event without a field its type needs (model.Events.Check
// reports it too; Replan may be given events that were not checked).
func needs(e *model.Event, field string) error {
	return fail(field, "missing: a %s event needs it", e.Type)
}
