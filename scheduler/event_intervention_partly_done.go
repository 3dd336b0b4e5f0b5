package scheduler

import (
	"slices"

	"github.com/rehabplan/rehabplan/model"
)

func init() { eventHandlers.mustRegister(model.EventInterventionPartlyDone, interventionPartlyDone{}) }

// interventionPartlyDone: the intervention, begun before now, stopped at the
// reported end (its planned end by default) with some work remaining. Its times are
// fixed; the rest is a new intervention (id add.id, default "<id>+rest"), same
// dwelling and trade, after it and before what came after it.
type interventionPartlyDone struct{}

func (interventionPartlyDone) Apply(st *eventState, e *model.Event) error {
	iv, s, err := st.begun(e)
	if err != nil {
		return err
	}
	end, endS, err := st.reportedEnd(e, s)
	if err != nil {
		return err
	}
	if err := st.fixTimes(iv, s, end, endS, e); err != nil {
		return err
	}
	rest := *iv
	rest.ID = iv.ID + "+rest"
	if e.Add != nil && e.Add.ID != "" {
		rest.ID = e.Add.ID
	}
	if _, dup := st.ivAt[rest.ID]; dup {
		return fail("add.id", "intervention %q already exists", rest.ID)
	}
	rest.Duration = e.Remaining
	rest.Status, rest.Pinned, rest.Crew, rest.Pilot, rest.Start, rest.End = "", false, "", "", "", ""
	rest.After = append(slices.Clone(iv.After), iv.ID)
	rest.Relocation = ""
	for k := range st.q.Interventions {
		if slices.Contains(st.q.Interventions[k].After, iv.ID) {
			st.q.Interventions[k].After = append(st.q.Interventions[k].After, rest.ID)
		}
	}
	st.ivAt[rest.ID] = len(st.q.Interventions)
	st.q.Interventions = append(st.q.Interventions, rest)
	st.ap.added[rest.ID] = e.ID
	return nil
}
