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
	e, err := NewExplainer(p, plan)
	if err != nil {
		return nil, err
	}
	return e.Explain(id)
}

// Explainer explains the interventions of one plan, compiling the problem once:
// for a service that answers many questions about the same version. It is safe
// for concurrent use.
type Explainer struct {
	cp   *constraints.Compiled
	plan *model.Plan
	pl   []solver.Placement
	at   map[string]*model.Assignment
}

// NewExplainer compiles p and reads plan's placements.
func NewExplainer(p *model.Problem, plan *model.Plan) (*Explainer, error) {
	p, err := model.WithPlannedStays(p, plan)
	if err != nil {
		return nil, err
	}
	cp, err := constraints.Compile(p)
	if err != nil {
		return nil, err
	}
	e := &Explainer{cp: cp, plan: plan, pl: make([]solver.Placement, len(cp.Interventions)), at: map[string]*model.Assignment{}}
	for i := range plan.Assignments {
		a := &plan.Assignments[i]
		u, ok := cp.TaskOf[a.Intervention]
		if !ok {
			continue
		}
		s, err1 := model.ParseMoment(a.Start, cp.Clock.Loc)
		en, err2 := model.ParseMoment(a.End, cp.Clock.Loc)
		if err1 != nil || err2 != nil {
			continue
		}
		e.pl[u] = solver.Placement{Placed: true, Start: cp.Clock.Minute(s), End: cp.Clock.Minute(en), Choice: cp.ChoiceFor(u, a.Crew, a.Pilot), Blocker: -1}
		e.at[a.Intervention] = a
	}
	return e, nil
}

// Explain explains intervention id, in English.
func (e *Explainer) Explain(id string) (*Explanation, error) {
	return e.ExplainIn(id, English)
}

// ExplainIn explains intervention id in language lang ("en" or "fr"; "" is
// English). An unplaced intervention's reasons are the ones its plan stores,
// worded again in lang; a plan whose reasons rehabplan did not write keeps them
// as they are.
func (e *Explainer) ExplainIn(id string, lang Lang) (*Explanation, error) {
	if err := lang.Check(); err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	t, ok := e.cp.TaskOf[id]
	if !ok {
		return nil, &UnknownInterventionError{ID: id}
	}
	ex := &Explanation{Intervention: id, Reasons: []model.Reason{}}
	if a, ok := e.at[id]; ok {
		ex.Placed, ex.Assignment = true, a
		ex.Reasons = e.cp.ExplainPlacedIn(t, e.pl, lang)
		return ex, nil
	}
	for _, u := range e.plan.Unplaced {
		if u.Intervention != id {
			continue
		}
		rs := u.Reasons
		if again, ok := e.cp.ExplainStoredIn(t, e.pl, u.Reasons, lang); ok {
			rs = again
		}
		ex.Reasons = append(ex.Reasons, rs...)
	}
	return ex, nil
}
