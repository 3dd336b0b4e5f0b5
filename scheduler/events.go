package scheduler

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
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
}

// eventErrors collects FieldErrors naming the event.
type eventErrors struct {
	errs []*model.FieldError
}

func (ee *eventErrors) add(i int, e *model.Event, field, format string, args ...any) {
	ee.errs = append(ee.errs, &model.FieldError{Field: fmt.Sprintf("events[%d].%s", i, field), Entity: "event", ID: e.ID,
		Msg: fmt.Sprintf(format, args...)})
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
// appointments of the plan being replanned. Unknown ids, contradictions between
// events and events that do not fit the plan are errors naming the event and field.
// Whether the events leave a valid problem is for validateApplied to say (when there
// are events), before the copy is planned.
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
	ivAt := map[string]int{}
	for i := range q.Interventions {
		ivAt[q.Interventions[i].ID] = i
	}
	delivery := map[string]*model.Delivery{}
	for i := range q.Deliveries {
		delivery[q.Deliveries[i].ID] = &q.Deliveries[i]
	}
	crew := map[string]*model.Crew{}
	for i := range q.Crews {
		crew[q.Crews[i].ID] = &q.Crews[i]
	}
	dwelling := map[string]*model.Dwelling{}
	for i := range q.Dwellings {
		dwelling[q.Dwellings[i].ID] = &q.Dwellings[i]
	}
	household := map[string]int{}
	for i := range q.Households {
		household[q.Households[i].ID] = i
	}
	trade := map[string]bool{}
	for _, t := range q.Trades {
		trade[t.ID] = true
	}
	opEnd, _ := model.ParseEndMoment(p.Operation.End, loc)
	// one event at most per delivery, per intervention, per household
	byDelivery, byIv, byHousehold := map[string]string{}, map[string]string{}, map[string]string{}
	claim := func(m map[string]string, key string, i int, e *model.Event, field, what string) bool {
		if prev, ok := m[key]; ok {
			ee.add(i, e, field, "%s %q is already the subject of event %q: one event per %s and replan", what, key, prev, what)
			return false
		}
		m[key] = e.ID
		return true
	}
	intervention := func(i int, e *model.Event) *model.Intervention {
		k, ok := ivAt[e.Intervention]
		if !ok || ap.cancelled[e.Intervention] != "" {
			ee.add(i, e, "intervention", "unknown intervention %q", e.Intervention)
			return nil
		}
		if !claim(byIv, e.Intervention, i, e, "intervention", "intervention") {
			return nil
		}
		return &q.Interventions[k]
	}
	moment := func(i int, e *model.Event, field, s string, end bool) (time.Time, bool) {
		parse := model.ParseMoment
		if end {
			parse = model.ParseEndMoment
		}
		t, err := parse(s, loc)
		if err != nil {
			ee.add(i, e, field, "%v", err)
			return t, false
		}
		return t, true
	}
	for i := range ev.Events {
		e := &ev.Events[i]
		if e.At != "" {
			if at, ok := moment(i, e, "at", e.At, false); ok && at.After(now) {
				ee.add(i, e, "at", "reported at %s, after the replan's now %s", e.At, now.In(loc).Format("2006-01-02T15:04"))
			}
		}
		switch e.Type {
		case model.EventDeliverySlipped, model.EventDeliveryEarly:
			d := delivery[e.Delivery]
			if d == nil {
				ee.add(i, e, "delivery", "unknown delivery %q", e.Delivery)
				continue
			}
			if !claim(byDelivery, e.Delivery, i, e, "delivery", "delivery") {
				continue
			}
			was, okW := moment(i, e, "delivery", d.Expected, false)
			at, ok := moment(i, e, "expected", e.Expected, false)
			if !ok || !okW {
				continue
			}
			if e.Type == model.EventDeliverySlipped && !at.After(was) {
				ee.add(i, e, "expected", "%s is not later than the delivery's expected %s: a slip moves it later", e.Expected, d.Expected)
				continue
			}
			if e.Type == model.EventDeliveryEarly && !at.Before(was) {
				ee.add(i, e, "expected", "%s is not earlier than the delivery's expected %s", e.Expected, d.Expected)
				continue
			}
			d.Expected = e.Expected
			for k := range q.Interventions {
				iv := &q.Interventions[k]
				if !slices.Contains(iv.Deliveries, d.ID) || iv.StatusOf() == model.StatusDone {
					continue
				}
				if s, ok := old[iv.ID]; ok && s.start.Before(at) && !s.end.Before(now) {
					ap.forced[iv.ID] = e.ID
				}
			}
		case model.EventAppointmentMissed:
			iv := intervention(i, e)
			if iv == nil {
				continue
			}
			s, ok := old[iv.ID]
			switch {
			case iv.StatusOf() == model.StatusDone:
				ee.add(i, e, "intervention", "%q is done: it cannot have been missed", iv.ID)
			case !ok:
				ee.add(i, e, "intervention", "%q has no appointment in the plan", iv.ID)
			case !s.start.Before(now):
				ee.add(i, e, "intervention", "%q was due %s, after now: an appointment is missed once its time has come", iv.ID, s.startS)
			default:
				ap.forced[iv.ID] = e.ID
			}
		case model.EventCrewAbsent:
			c := crew[e.Crew]
			if c == nil {
				ee.add(i, e, "crew", "unknown crew %q", e.Crew)
				continue
			}
			from, ok1 := moment(i, e, "from", e.From, false)
			to, ok2 := moment(i, e, "to", e.To, true)
			if !ok1 || !ok2 {
				continue
			}
			if !to.After(from) {
				ee.add(i, e, "to", "%s is not after from %s", e.To, e.From)
				continue
			}
			under := ""
			for id, s := range old {
				if s.crew == c.ID && s.start.Before(now) && s.end.After(now) && s.end.After(from) && (under == "" || id < under) {
					under = id
				}
			}
			if under != "" {
				ee.add(i, e, "from", "crew %q is at work on %q, under way at now and still at %s: report it partly done (intervention_partly_done) and make the absence start after it", c.ID, under, e.From)
				continue
			}
			c.Unavailable = append(c.Unavailable, model.Period{From: e.From, To: e.To, Reason: "absent (event " + e.ID + ")"})
			ap.crew[c.ID] = e.ID
			for id, s := range old {
				if s.crew == c.ID && s.start.Before(to) && s.end.After(from) && s.end.After(now) {
					if k, ok := ivAt[id]; ok && q.Interventions[k].StatusOf() != model.StatusDone {
						ap.forced[id] = e.ID
					}
				}
			}
		case model.EventContractorWithdrawn:
			var crews []*model.Crew
			for k := range q.Crews {
				if q.Crews[k].Contractor == e.Contractor {
					crews = append(crews, &q.Crews[k])
				}
			}
			if len(crews) == 0 {
				ee.add(i, e, "contractor", "no crew of contractor %q", e.Contractor)
				continue
			}
			withdrawn := map[string]bool{}
			for _, t := range e.Trades {
				withdrawn[t] = true
				found := false
				for _, c := range crews {
					found = found || slices.Contains(c.Trades, t)
				}
				if !found {
					ee.add(i, e, "trades", "contractor %q has no crew for trade %q", e.Contractor, t)
				}
			}
			for _, c := range crews {
				lose, keep := 0, 0
				for _, t := range c.Trades {
					if len(e.Trades) == 0 || withdrawn[t] {
						lose++
					} else {
						keep++
					}
				}
				if lose == 0 {
					continue
				}
				if keep > 0 {
					ee.add(i, e, "trades", "crew %q of contractor %q also does other trades: withdraw the contractor from all of them, or split the crew in the problem", c.ID, e.Contractor)
					continue
				}
				// the crew takes no new work from now on; its past work stays its own
				c.Unavailable = append(c.Unavailable, model.Period{From: now.In(loc).Format("2006-01-02T15:04"),
					To: opEnd.In(loc).Format("2006-01-02T15:04"), Reason: "withdrawn (event " + e.ID + ")"})
				ap.crew[c.ID] = e.ID
				for id, s := range old {
					if s.crew == c.ID && s.end.After(now) {
						if k, ok := ivAt[id]; ok && q.Interventions[k].StatusOf() != model.StatusDone && !s.start.Before(now) {
							ap.forced[id] = e.ID
						}
					}
				}
			}
		case model.EventInterventionOverran, model.EventInterventionPartlyDone:
			iv := intervention(i, e)
			if iv == nil {
				continue
			}
			s, ok := old[iv.ID]
			if !ok {
				ee.add(i, e, "intervention", "%q has no appointment in the plan", iv.ID)
				continue
			}
			if !s.start.Before(now) {
				ee.add(i, e, "intervention", "%q starts %s, after now: it has not begun", iv.ID, s.startS)
				continue
			}
			end, endS := s.end, s.endS
			if e.End != "" {
				t, ok := moment(i, e, "end", e.End, false)
				if !ok {
					continue
				}
				if !t.After(s.start) {
					ee.add(i, e, "end", "%s is not after the start %s", e.End, s.startS)
					continue
				}
				end, endS = t, e.End
			}
			if e.Type == model.EventInterventionOverran && !end.After(s.end) {
				ee.add(i, e, "end", "%s is not later than the planned end %s", e.End, s.endS)
				continue
			}
			if end.After(opEnd) {
				ee.add(i, e, "end", "%s is after the end of the operation", e.End)
				continue
			}
			iv.Start, iv.End, iv.Crew, iv.Pilot = s.startS, endS, s.crew, s.pilot
			iv.Status, iv.Pinned = model.StatusAnnounced, true
			if !end.After(now) {
				iv.Status, iv.Pinned = model.StatusDone, false
			}
			ap.fixedBy[iv.ID] = e.ID
			if e.Type == model.EventInterventionPartlyDone {
				rest := *iv
				rest.ID = iv.ID + "+rest"
				if e.Add != nil && e.Add.ID != "" {
					rest.ID = e.Add.ID
				}
				if _, dup := ivAt[rest.ID]; dup {
					ee.add(i, e, "add.id", "intervention %q already exists", rest.ID)
					continue
				}
				rest.Duration = e.Remaining
				rest.Status, rest.Pinned, rest.Crew, rest.Pilot, rest.Start, rest.End = "", false, "", "", "", ""
				rest.After = append(slices.Clone(iv.After), iv.ID)
				rest.Relocation = ""
				for k := range q.Interventions {
					if slices.Contains(q.Interventions[k].After, iv.ID) {
						q.Interventions[k].After = append(q.Interventions[k].After, rest.ID)
					}
				}
				ivAt[rest.ID] = len(q.Interventions)
				q.Interventions = append(q.Interventions, rest)
				ap.added[rest.ID] = e.ID
			}
		case model.EventSnagFound, model.EventInterventionAdded:
			add := *e.Add
			if e.Type == model.EventSnagFound {
				if dwelling[e.Dwelling] == nil {
					ee.add(i, e, "dwelling", "unknown dwelling %q", e.Dwelling)
					continue
				}
				add.Dwelling = e.Dwelling
				// the return visit comes after everything else in the dwelling
				for _, iv := range q.Interventions {
					if iv.Dwelling == e.Dwelling && !slices.Contains(add.After, iv.ID) {
						add.After = append(add.After, iv.ID)
					}
				}
			}
			if _, dup := ivAt[add.ID]; dup {
				ee.add(i, e, "add.id", "intervention %q already exists", add.ID)
				continue
			}
			if !trade[add.Trade] {
				ee.add(i, e, "add.trade", "unknown trade %q", add.Trade)
				continue
			}
			if dwelling[add.Dwelling] == nil {
				ee.add(i, e, "add.dwelling", "unknown dwelling %q", add.Dwelling)
				continue
			}
			ivAt[add.ID] = len(q.Interventions)
			q.Interventions = append(q.Interventions, add)
			ap.added[add.ID] = e.ID
		case model.EventHouseholdChanged:
			k, ok := household[e.Household.ID]
			if !ok {
				ee.add(i, e, "household.id", "unknown household %q", e.Household.ID)
				continue
			}
			if !claim(byHousehold, e.Household.ID, i, e, "household.id", "household") {
				continue
			}
			q.Households[k] = *e.Household
			ap.household[e.Household.ID] = e.ID
		case model.EventInterventionCancelled:
			iv := intervention(i, e)
			if iv == nil {
				continue
			}
			if iv.StatusOf() == model.StatusDone {
				ee.add(i, e, "intervention", "%q is done: it cannot be cancelled", iv.ID)
				continue
			}
			if s, ok := old[iv.ID]; ok && s.start.Before(now) {
				ee.add(i, e, "intervention", "%q began %s: report it partly done instead", iv.ID, s.startS)
				continue
			}
			ap.cancelled[iv.ID] = e.ID
			ap.cancelledIvs[iv.ID] = *iv
		case model.EventDwellingVacant:
			d := dwelling[e.Dwelling]
			switch {
			case d == nil:
				ee.add(i, e, "dwelling", "unknown dwelling %q", e.Dwelling)
			case !d.Occupied():
				ee.add(i, e, "dwelling", "dwelling %q is already vacant", e.Dwelling)
			default:
				if !claim(byHousehold, d.Household, i, e, "dwelling", "household") {
					continue
				}
				ap.household[d.Household] = e.ID
				d.Vacant, d.Household = true, ""
			}
		}
	}
	// a missed appointment whose successor has begun: the events contradict the plan
	missedAt := map[string]int{}
	for i, e := range ev.Events {
		if e.Type == model.EventAppointmentMissed && ap.forced[e.Intervention] == e.ID {
			missedAt[e.Intervention] = i
		}
	}
	if len(missedAt) > 0 {
		for _, pair := range successorsBegun(q, old, now, missedAt) {
			i := missedAt[pair[0]]
			ee.add(i, &ev.Events[i], "intervention", "%q comes before %q, which has begun (%s): report that one too (missed or partly done)",
				pair[0], pair[1], old[pair[1]].startS)
		}
	}
	if err := ee.err(); err != nil {
		return nil, nil, err
	}
	// drop the cancelled interventions and every reference to them
	if len(ap.cancelled) > 0 {
		kept := q.Interventions[:0]
		for _, iv := range q.Interventions {
			if ap.cancelled[iv.ID] != "" {
				continue
			}
			iv.After = slices.DeleteFunc(iv.After, func(id string) bool { return ap.cancelled[id] != "" })
			kept = append(kept, iv)
		}
		q.Interventions = kept
	}
	return q, ap, nil
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

// successorsBegun lists (missed, successor) pairs where the successor, by an explicit
// "after" or a trade sequence, began before now and is not itself missed.
func successorsBegun(q *model.Problem, old map[string]slot, now time.Time, missed map[string]int) [][2]string {
	x := model.NewIndex(q)
	var out [][2]string
	for id := range missed {
		var iv *model.Intervention
		for k := range q.Interventions {
			if q.Interventions[k].ID == id {
				iv = &q.Interventions[k]
			}
		}
		if iv == nil {
			continue
		}
		d := x.Dwellings[iv.Dwelling]
		for k := range q.Interventions {
			s := &q.Interventions[k]
			sl, ok := old[s.ID]
			if s.ID == id || !ok || !sl.start.Before(now) {
				continue
			}
			if _, alsoMissed := missed[s.ID]; alsoMissed {
				continue
			}
			follows := slices.Contains(s.After, id)
			for _, seq := range q.Sequences {
				if follows || seq.Before != iv.Trade || seq.After != s.Trade {
					continue
				}
				if len(seq.Dwellings) > 0 && (!slices.Contains(seq.Dwellings, iv.Dwelling) || !slices.Contains(seq.Dwellings, s.Dwelling)) {
					continue
				}
				sd := x.Dwellings[s.Dwelling]
				if seq.Scope == "stairwell" {
					follows = d != nil && sd != nil && d.Stairwell == sd.Stairwell && d.Building == sd.Building
				} else {
					follows = s.Dwelling == iv.Dwelling
				}
			}
			if follows {
				out = append(out, [2]string{id, s.ID})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] || out[i][0] == out[j][0] && out[i][1] < out[j][1] })
	return out
}
