package scheduler

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/rehabplan/rehabplan/model"
)

func init() { eventHandlers.mustRegister(model.EventAppointmentMissed, appointmentMissed{}) }

// appointmentMissed: nobody let the crew in; the intervention, due before now, is
// planned anew. Once every event is applied, a missed intervention whose successor
// (an explicit "after" or a trade sequence) began is an error, unless that one is
// reported missed too.
type appointmentMissed struct{}

func (appointmentMissed) Apply(st *eventState, e *model.Event) error {
	iv, s, err := st.appointment(e, "have been missed")
	if err != nil {
		return err
	}
	if !s.start.Before(st.now) {
		return fail("intervention", "%q was due %s, after now: an appointment is missed once its time has come", iv.ID, s.startS)
	}
	st.ap.forced[iv.ID] = e.ID
	return nil
}

// Finish refuses a missed appointment whose successor has begun: the events
// contradict the plan.
func (appointmentMissed) Finish(st *eventState, events []model.Event) error {
	missedAt := map[string]int{}
	for i, e := range events {
		if e.Type == model.EventAppointmentMissed && st.ap.forced[e.Intervention] == e.ID {
			missedAt[e.Intervention] = i
		}
	}
	if len(missedAt) == 0 {
		return nil
	}
	var errs []error
	for _, pair := range successorsBegun(st.q, st.old, st.now, missedAt) {
		i := missedAt[pair[0]]
		errs = append(errs, eventFieldError(i, &events[i], "intervention", fmt.Sprintf("%q comes before %q, which has begun (%s): report that one too (missed or partly done)",
			pair[0], pair[1], st.old[pair[1]].startS)))
	}
	return errors.Join(errs...)
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
