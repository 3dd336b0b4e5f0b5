package scheduler

import (
	"slices"
	"time"

	"github.com/rehabplan/rehabplan/model"
)

func init() { eventHandlers.mustRegister(model.EventSnagFound, snagFound{}) }

// snagFound: a return visit (add) is needed in the dwelling after acceptance; it
// comes after every other intervention of the dwelling. When the dwelling's
// acceptance visit (a trade of stage acceptance) is done and the return visit is a
// crew's, the snag is that visit's (snag_of: within the policy's deadline), and the
// pilot's check (`<id>/check`, 30 minutes of the acceptance's trade when it is
// pilot_only) follows it.
type snagFound struct{}

func (snagFound) Apply(st *eventState, e *model.Event) error {
	if e.Add == nil {
		return needs(e, "add")
	}
	add := *e.Add
	if st.dwelling[e.Dwelling] == nil {
		return fail("dwelling", "unknown dwelling %q", e.Dwelling)
	}
	add.Dwelling = e.Dwelling
	for _, iv := range st.q.Interventions {
		if iv.Dwelling == e.Dwelling && !slices.Contains(add.After, iv.ID) {
			add.After = append(add.After, iv.ID)
		}
	}
	x := model.NewIndex(st.q)
	var acc *model.Intervention
	if add.SnagOf == "" && add.CheckOf == "" && x.NeedsCrew(&add) {
		acc = doneAcceptance(st.q, x, e.Dwelling, st.loc)
		if acc != nil {
			add.SnagOf = acc.ID
		}
	}
	if err := st.addIntervention(add, e); err != nil {
		return err
	}
	if acc == nil || x.NeedsCrew(acc) {
		return nil
	}
	return st.addIntervention(model.Intervention{ID: add.ID + "/check", Dwelling: e.Dwelling, Trade: acc.Trade,
		Duration: "30m", CheckOf: add.ID}, e)
}

// doneAcceptance is the dwelling's acceptance visit that is done, the one that
// ended last, or nil.
func doneAcceptance(q *model.Problem, x *model.Index, dwelling string, loc *time.Location) *model.Intervention {
	var acc *model.Intervention
	var accEnd time.Time
	for i := range q.Interventions {
		iv := &q.Interventions[i]
		if iv.Dwelling != dwelling || iv.StatusOf() != model.StatusDone || x.StageOf(iv) != model.StageAcceptance {
			continue
		}
		end, err := model.ParseMoment(iv.End, loc)
		if err != nil {
			continue // a done visit carries its times (validation)
		}
		if acc == nil || end.After(accEnd) {
			acc, accEnd = iv, end
		}
	}
	return acc
}
