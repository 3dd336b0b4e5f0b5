package scheduler

import (
	"fmt"
	"time"

	"github.com/rehabplan/rehabplan/constraints"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// Assessment says how far a plan's end could be brought in.
type Assessment struct {
	// End is the end of the plan's last assignment (zero for a plan with none).
	End time.Time
	// Bound is a lower bound of the end of any plan that places every
	// intervention: the critical path through the calendars and lags, the load
	// of each set of interchangeable crews and of the pilot, their
	// one-at-a-time windows between heads and deadlines, and the work their jobs
	// must do inside a window (energetic reasoning).
	Bound time.Time
	// GapPct is the end's distance to the bound, counted from the operation's
	// start, in percent of the bound's (0 when the bound is the start).
	GapPct float64
	// BoundBinds says which relaxation gives Bound: the critical path, the load
	// of a set of interchangeable crews or of a pilot, their one-at-a-time
	// windows (heads and deadlines), or the work their jobs must do inside one
	// window whatever their starts (energetic reasoning).
	BoundBinds string
	// BoundBindsFr says the same in French, the crews by their trades' labels
	// ("les créneaux d'un seul à la fois de l'équipe menuiseries extérieures
	// (windows-1)").
	BoundBindsFr string
	// Disturbance compares each occupied dwelling's disturbed days with the
	// fewest its interventions allow (nil when no dwelling has a bound).
	Disturbance *Disturbance
}

// Assess measures a plan of p against the lower bound of p's end and each
// occupied dwelling's disturbed days against their bound. p is validated
// first (an *InvalidProblemError lists every field error); an assignment whose end
// does not read as a time is an error naming the intervention.
func Assess(p *model.Problem, plan *model.Plan) (*Assessment, error) {
	q, err := model.WithPlannedStays(p, plan)
	if err != nil {
		return nil, err
	}
	if q == p { // else model.ApplyStays validated the copy with the stays
		if err := model.Validate(p); err != nil {
			return nil, err
		}
	}
	return assess(q, plan)
}

// AssessValidated is Assess of a problem the caller has had validated
// (model.Validate, model.Decode or model.WithPlannedStays accepted it, and it has
// not changed since): it is not validated again. The plan's planned stays that p
// does not book are booked (model.WithPlannedStays, which validates the copy).
func AssessValidated(p *model.Problem, plan *model.Plan) (*Assessment, error) {
	q, err := model.WithPlannedStays(p, plan)
	if err != nil {
		return nil, err
	}
	return assess(q, plan)
}

// assess is Assess of a valid problem that books the plan's stays.
func assess(p *model.Problem, plan *model.Plan) (*Assessment, error) {
	cp, err := constraints.Compile(p)
	if err != nil {
		return nil, err
	}
	a := &Assessment{}
	for i := range plan.Assignments {
		as := &plan.Assignments[i]
		end, err := model.ParseMoment(as.End, cp.Clock.Loc)
		if err != nil {
			return nil, fmt.Errorf("scheduler: assignments[%d].end (intervention %q): %w", i, as.Intervention, err)
		}
		if end.After(a.End) {
			a.End = end
		}
	}
	upper := 0
	if len(plan.Unplaced) == 0 && !a.End.IsZero() {
		upper = cp.Clock.Minute(a.End)
	}
	b, err := solver.ComputeBounds(cp.Problem, upper)
	if err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	lb := b.End.Value
	a.Bound = cp.Clock.Time(lb)
	a.BoundBinds, a.BoundBindsFr = bindingText(cp, b.End)
	if lb > 0 && !a.End.IsZero() {
		a.GapPct = 100 * float64(cp.Clock.Minute(a.End)-lb) / float64(lb)
	}
	a.Disturbance = disturbance(p, plan, b.GroupDays)
	return a, nil
}
