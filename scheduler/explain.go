package scheduler

import (
	"fmt"

	"github.com/rehabplan/rehabplan/constraints"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// Explanation says why an intervention stands where it does in a plan, or why it
// could not be placed.
type Explanation struct {
	Intervention string            `json:"intervention"`
	Placed       bool              `json:"placed"`
	Assignment   *model.Assignment `json:"assignment,omitempty"`
	// Reasons: for a placed one, what keeps it from being earlier; for an unplaced
	// one, the rules that block it.
	Reasons []model.Reason `json:"reasons"`
}

// Explain explains intervention id of plan (a plan of p).
func Explain(p *model.Problem, plan *model.Plan, id string) (*Explanation, error) {
	cp, err := constraints.Compile(p)
	if err != nil {
		return nil, err
	}
	t, ok := cp.TaskOf[id]
	if !ok {
		return nil, fmt.Errorf("unknown intervention %q", id)
	}
	pl := make([]solver.Placement, len(cp.Interventions))
	ex := &Explanation{Intervention: id, Reasons: []model.Reason{}}
	for i := range plan.Assignments {
		a := &plan.Assignments[i]
		u, ok := cp.TaskOf[a.Intervention]
		if !ok {
			continue
		}
		s, err1 := model.ParseMoment(a.Start, cp.Clock.Loc)
		e, err2 := model.ParseMoment(a.End, cp.Clock.Loc)
		if err1 != nil || err2 != nil {
			continue
		}
		pl[u] = solver.Placement{Placed: true, Start: cp.Clock.Minute(s), End: cp.Clock.Minute(e), Choice: cp.ChoiceFor(u, a.Crew, a.Pilot), Blocker: -1}
		if a.Intervention == id {
			ex.Placed, ex.Assignment = true, a
		}
	}
	if !ex.Placed {
		for _, u := range plan.Unplaced {
			if u.Intervention == id {
				ex.Reasons = append(ex.Reasons, u.Reasons...)
			}
		}
		return ex, nil
	}
	ex.Reasons = cp.ExplainPlaced(t, pl)
	return ex, nil
}
