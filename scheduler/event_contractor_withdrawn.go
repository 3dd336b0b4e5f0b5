package scheduler

import (
	"errors"
	"slices"

	"github.com/rehabplan/rehabplan/model"
)

func init() { eventHandlers.mustRegister(model.EventContractorWithdrawn, contractorWithdrawn{}) }

// contractorWithdrawn: the contractor no longer does the trades (all of them when
// the event names none). Its crews of those trades take no new work from now to
// the end of the operation; their past work stays theirs, their appointments not
// begun at now are planned anew. A crew that also does a trade the contractor keeps
// is an error (the problem must split it).
type contractorWithdrawn struct{}

func (contractorWithdrawn) Apply(st *eventState, e *model.Event) error {
	var crews []*model.Crew
	for k := range st.q.Crews {
		if st.q.Crews[k].Contractor == e.Contractor {
			crews = append(crews, &st.q.Crews[k])
		}
	}
	if len(crews) == 0 {
		return fail("contractor", "no crew of contractor %q", e.Contractor)
	}
	var errs []error
	withdrawn := map[string]bool{}
	for _, t := range e.Trades {
		withdrawn[t] = true
		found := false
		for _, c := range crews {
			found = found || slices.Contains(c.Trades, t)
		}
		if !found {
			errs = append(errs, fail("trades", "contractor %q has no crew for trade %q", e.Contractor, t))
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
			errs = append(errs, fail("trades", "crew %q of contractor %q also does other trades: withdraw the contractor from all of them, or split the crew in the problem", c.ID, e.Contractor))
			continue
		}
		c.Unavailable = append(c.Unavailable, model.Period{From: st.stamp(st.now), To: st.stamp(st.opEnd), Reason: "withdrawn (event " + e.ID + ")"})
		st.ap.crew[c.ID] = e.ID
		st.forceCrew(c.ID, e, func(s slot) bool { return s.end.After(st.now) && !s.start.Before(st.now) })
	}
	return errors.Join(errs...)
}
