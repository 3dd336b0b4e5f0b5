package scheduler

import (
	"errors"

	"github.com/rehabplan/rehabplan/model"
)

func init() { eventHandlers.mustRegister(model.EventCrewAbsent, crewAbsent{}) }

// crewAbsent: the crew is away from-to; its appointments in that period (not
// ended before now) are planned anew. A crew at work at now on something that
// runs into the absence must have that reported first (partly done).
type crewAbsent struct{}

func (crewAbsent) Apply(st *eventState, e *model.Event) error {
	c := st.crew[e.Crew]
	if c == nil {
		return fail("crew", "unknown crew %q", e.Crew)
	}
	from, err1 := st.moment("from", e.From, false)
	to, err2 := st.moment("to", e.To, true)
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	if !to.After(from) {
		return fail("to", "%s is not after from %s", e.To, e.From)
	}
	under := ""
	for id, s := range st.old {
		if s.crew == c.ID && s.start.Before(st.now) && s.end.After(st.now) && s.end.After(from) && (under == "" || id < under) {
			under = id
		}
	}
	if under != "" {
		return fail("from", "crew %q is at work on %q, under way at now and still at %s: report it partly done (intervention_partly_done) and make the absence start after it", c.ID, under, e.From)
	}
	c.Unavailable = append(c.Unavailable, model.Period{From: e.From, To: e.To, Reason: "absent (event " + e.ID + ")"})
	st.ap.crew[c.ID] = e.ID
	st.forceCrew(c.ID, e, func(s slot) bool { return s.start.Before(to) && s.end.After(from) && s.end.After(st.now) })
	return nil
}
