package scheduler

import "github.com/rehabplan/rehabplan/model"

func init() { eventHandlers.mustRegister(model.EventInterventionOverran, interventionOverran{}) }

// interventionOverran: the intervention, begun before now, ends (or ended) later
// than planned; its times are fixed to its start and the reported end (done when
// that is past).
type interventionOverran struct{}

func (interventionOverran) Apply(st *eventState, e *model.Event) error {
	iv, s, err := st.begun(e)
	if err != nil {
		return err
	}
	end, endS, err := st.reportedEnd(e, s)
	if err != nil {
		return err
	}
	if !end.After(s.end) {
		return fail("end", "%s is not later than the planned end %s", e.End, s.endS)
	}
	return st.fixTimes(iv, s, end, endS, e)
}
