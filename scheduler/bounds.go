package scheduler

import (
	"fmt"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/constraints"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// Disturbance compares each occupied dwelling's disturbed days (local dates with
// work) with the fewest its interventions allow: their durations over the
// working time one day of their calendars offers (the household's, the crew's,
// the pilot's), the lags between them (drying), and one crew at a time unless
// the dwelling's max_crews says otherwise. The fewest is a lower bound: no plan
// disturbs a dwelling fewer days.
type Disturbance struct {
	// RatioMean is the mean over the occupied dwellings with work of the plan's
	// days over the bound; 1 means every dwelling is at its bound.
	RatioMean float64
	// RatioWorst is the largest ratio, at WorstAt (a dwelling id).
	RatioWorst float64
	WorstAt    string
	// Days and Bound: per dwelling id, the plan's disturbed days and the bound.
	Days  map[string]int
	Bound map[string]int
}

// bindingText says in words which relaxation gives the end bound.
func bindingText(cp *constraints.Compiled, b solver.EndBound) string {
	if b.Binding == solver.BindPath {
		return "the critical path (durations, lags and calendars)"
	}
	names := make([]string, 0, len(b.Resources))
	for _, r := range b.Resources {
		names = append(names, cp.Problem.Resources[r].Name)
	}
	what := "the load of "
	switch b.Binding {
	case solver.BindWindow:
		what = "the one-at-a-time windows of "
	case solver.BindEnergy:
		what = "the work that must fall inside one window, for "
	}
	return what + strings.Join(names, ", ")
}

// disturbance measures a plan's disturbed days against the days bound of each
// occupied dwelling (groupDays indexed like p.Dwellings); nil when there is no
// bound or no occupied dwelling with work.
func disturbance(p *model.Problem, plan *model.Plan, groupDays []int) *Disturbance {
	if len(groupDays) == 0 {
		return nil
	}
	days := disturbedDates(p, plan)
	d := &Disturbance{Days: map[string]int{}, Bound: map[string]int{}}
	n := 0
	for g := range p.Dwellings {
		dw := &p.Dwellings[g]
		got := len(days[dw.ID])
		if !dw.Occupied() || got == 0 || g >= len(groupDays) || groupDays[g] <= 0 {
			continue
		}
		d.Days[dw.ID], d.Bound[dw.ID] = got, groupDays[g]
		r := float64(got) / float64(groupDays[g])
		d.RatioMean += r
		n++
		if r > d.RatioWorst {
			d.RatioWorst, d.WorstAt = r, dw.ID
		}
	}
	if n == 0 {
		return nil
	}
	d.RatioMean /= float64(n)
	return d
}

// disturbedDates is, per dwelling id, the set of local dates with work in the
// plan (worked segments when given), as Summarize counts them.
func disturbedDates(p *model.Problem, plan *model.Plan) map[string]map[string]bool {
	x := model.NewIndex(p)
	loc := p.Typed().Loc
	days := map[string]map[string]bool{}
	for i := range plan.Assignments {
		a := &plan.Assignments[i]
		iv := x.Interventions[a.Intervention]
		if iv == nil {
			continue
		}
		workedSegments(a, loc, func(start, end time.Time) {
			if days[iv.Dwelling] == nil {
				days[iv.Dwelling] = map[string]bool{}
			}
			addDates(days[iv.Dwelling], start, end)
		})
	}
	return days
}

// String is the line solve and verify print.
func (d *Disturbance) String() string {
	return fmt.Sprintf("disturbed days over their bound: mean %.2f, worst %.2f (%s, %d days, bound %d)",
		d.RatioMean, d.RatioWorst, d.WorstAt, d.Days[d.WorstAt], d.Bound[d.WorstAt])
}
