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
	// intervention: the critical path through the calendars and lags, and the
	// load of each set of interchangeable crews and of the pilot.
	Bound time.Time
	// GapPct is the end's distance to the bound, counted from the operation's
	// start, in percent of the bound's (0 when the bound is the start).
	GapPct float64
}

// Assess measures a plan of p against the lower bound of p's end. p is validated
// first (an *InvalidProblemError lists every field error); an assignment whose end
// does not read as a time is an error naming the intervention.
func Assess(p *model.Problem, plan *model.Plan) (*Assessment, error) {
	if err := model.Validate(p); err != nil {
		return nil, err
	}
	cp, err := constraints.Compile(p)
	if err != nil {
		return nil, err
	}
	lb, err := solver.LowerBound(cp.Problem)
	if err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	a := &Assessment{Bound: cp.Clock.Time(lb)}
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
	if lb > 0 && !a.End.IsZero() {
		a.GapPct = 100 * float64(cp.Clock.Minute(a.End)-lb) / float64(lb)
	}
	return a, nil
}
