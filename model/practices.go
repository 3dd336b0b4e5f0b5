package model

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The pilots' practices beyond the hard rules of the first version: the heating
// season, the pilot's visits before and after the works, snags. Their defaults live
// here, read by the search and the verifier alike.

// Trade stages: the pilot's visits before and after the works.
const (
	StageDiagnostic = "diagnostic"
	StageAcceptance = "acceptance"
	StageSurvey     = "survey"
)

// DefaultSurveyWeeks is the default of Policy.SurveyWeeks.
const DefaultSurveyWeeks = 6

// SurveyWeeks is the policy's weeks from acceptance to survey, or its default.
func (p *Problem) SurveyWeeks() int {
	if w := p.Operation.Policy.SurveyWeeks; w != nil && *w > 0 {
		return *w
	}
	return DefaultSurveyWeeks
}

// StageOf is the stage of intervention iv's trade ("" for works, or an unknown trade).
func (x *Index) StageOf(iv *Intervention) string {
	if t := x.Trades[iv.Trade]; t != nil {
		return t.Stage
	}
	return ""
}

// Snagging reports whether iv is a snag's return visit or the pilot's check of
// one: the trade sequences leave those out (the snag rule orders them).
func (iv *Intervention) Snagging() bool { return iv.SnagOf != "" || iv.CheckOf != "" }

// DefaultBurdenDays is the default of Policy.BurdenDays.
const DefaultBurdenDays = 21

// BurdenDays is the policy's burden threshold in disturbed days, or its default.
func (p *Problem) BurdenDays() int {
	if d := p.Operation.Policy.BurdenDays; d != nil && *d > 0 {
		return *d
	}
	return DefaultBurdenDays
}

// BurdenWeight is the policy's weight of a disturbed day beyond the threshold,
// or its default (20).
func (p *Problem) BurdenWeight() float64 {
	if w := p.Operation.Policy.Burden; w != nil {
		return *w
	}
	return 20
}

// DefaultSnagDeadlineDays is the default of Policy.SnagDeadlineDays.
const DefaultSnagDeadlineDays = 30

// SnagDeadlineDays is the policy's days to clear a snag, or its default.
func (p *Problem) SnagDeadlineDays() int {
	if d := p.Operation.Policy.SnagDeadlineDays; d != nil && *d > 0 {
		return *d
	}
	return DefaultSnagDeadlineDays
}

// interventionPractices checks intervention iv's snag fields (f is its path).
func (v *validator) interventionPractices(iv *Intervention, f string) {
	x := v.x
	add := func(field, format string, args ...any) { v.add(f+"."+field, "intervention", iv.ID, format, args...) }
	if iv.SnagOf != "" && iv.CheckOf != "" {
		add("check_of", "an intervention is a return visit (snag_of) or the pilot's check of one (check_of), not both")
		return
	}
	if iv.SnagOf != "" {
		acc := x.Interventions[iv.SnagOf]
		switch {
		case acc == nil:
			add("snag_of", "unknown intervention %q", iv.SnagOf)
		case x.StageOf(acc) != StageAcceptance:
			add("snag_of", "%q is not an acceptance visit (an intervention of a trade of stage acceptance)", iv.SnagOf)
		case acc.Dwelling != iv.Dwelling:
			add("snag_of", "the acceptance visit %q is in dwelling %q, not in this one", iv.SnagOf, acc.Dwelling)
		case !x.NeedsCrew(iv):
			add("snag_of", "a return visit is done by a crew of its trade: trade %q is pilot_only", iv.Trade)
		}
	}
	if iv.CheckOf != "" {
		ret := x.Interventions[iv.CheckOf]
		switch {
		case ret == nil:
			add("check_of", "unknown intervention %q", iv.CheckOf)
		case ret.SnagOf == "":
			add("check_of", "%q is not a return visit (it has no snag_of)", iv.CheckOf)
		case ret.Dwelling != iv.Dwelling:
			add("check_of", "the return visit %q is in dwelling %q, not in this one", iv.CheckOf, ret.Dwelling)
		case x.NeedsCrew(iv):
			add("check_of", "the check is the pilot's: trade %q must be pilot_only", iv.Trade)
		}
	}
}

// practiceEdges adds to the validation's precedence graph those of the pilot's
// visits (each diagnostic before the dwelling's works; each acceptance, or the
// works of a dwelling without one, before its surveys) and of snags (acceptance,
// return visit, check). first maps an id to its intervention's position; through
// links every node of from to every node of to through one hub.
func practiceEdges(p *Problem, x *Index, first map[string]int, edge func(a, b int), through func(from, to []int)) {
	type visits struct{ diagnostic, works, acceptance, survey []int }
	by := map[string]*visits{}
	var order []string
	for i := range p.Interventions {
		iv := &p.Interventions[i]
		for _, ref := range []string{iv.SnagOf, iv.CheckOf} {
			if j, ok := first[ref]; ok && ref != "" && j != i {
				edge(j, i)
			}
		}
		vs := by[iv.Dwelling]
		if vs == nil {
			vs = &visits{}
			by[iv.Dwelling] = vs
			order = append(order, iv.Dwelling)
		}
		switch x.StageOf(iv) {
		case StageDiagnostic:
			vs.diagnostic = append(vs.diagnostic, i)
		case StageAcceptance:
			vs.acceptance = append(vs.acceptance, i)
		case StageSurvey:
			vs.survey = append(vs.survey, i)
		}
		if x.NeedsCrew(iv) {
			vs.works = append(vs.works, i)
		}
	}
	for _, d := range order {
		vs := by[d]
		through(vs.diagnostic, vs.works)
		if len(vs.acceptance) > 0 {
			through(vs.acceptance, vs.survey)
		} else {
			through(vs.works, vs.survey)
		}
	}
}

// tradePractices checks trade i's fields of the practices.
func (v *validator) tradePractices(i int, t *Trade) {
	switch t.Stage {
	case "", StageAcceptance:
	case StageDiagnostic, StageSurvey:
		if !t.PilotOnly {
			v.add(fmt.Sprintf("trades[%d].stage", i), "trade", t.ID, "a %s is the pilot's visit: the trade must be pilot_only", t.Stage)
		}
	default:
		v.add(fmt.Sprintf("trades[%d].stage", i), "trade", t.ID, "unknown stage %q (diagnostic, acceptance or survey)", t.Stage)
	}
}

// MonthDay is a day of every year.
type MonthDay struct {
	Month time.Month
	Day   int
}

// ParseMonthDay reads "MM-DD". The 29th of February is refused: it is not a day
// of every year.
func ParseMonthDay(s string) (MonthDay, error) {
	m, d, ok := strings.Cut(s, "-")
	if !ok || len(m) != 2 || len(d) != 2 {
		return MonthDay{}, fmt.Errorf("%q is not a day of the year MM-DD (e.g. \"10-15\")", s)
	}
	mi, err1 := strconv.Atoi(m)
	di, err2 := strconv.Atoi(d)
	if err1 != nil || err2 != nil || mi < 1 || mi > 12 || di < 1 {
		return MonthDay{}, fmt.Errorf("%q is not a day of the year MM-DD (e.g. \"10-15\")", s)
	}
	// the days of the month in a year that is not a leap year
	if last := time.Date(2027, time.Month(mi)+1, 0, 0, 0, 0, 0, time.UTC).Day(); di > last {
		return MonthDay{}, fmt.Errorf("%q: month %02d has no day %d in every year", s, mi, di)
	}
	return MonthDay{time.Month(mi), di}, nil
}

// SeasonDays is a season read: From to To, both days included, over the new
// year when To comes before From.
type SeasonDays struct{ From, To MonthDay }

// Contains reports whether the date (month m, day d) lies in the season.
func (s SeasonDays) Contains(m time.Month, d int) bool {
	k := func(x MonthDay) int { return int(x.Month)*100 + x.Day }
	at, from, to := int(m)*100+d, k(s.From), k(s.To)
	if from <= to {
		return from <= at && at <= to
	}
	return at >= from || at <= to
}

// DefaultHeatingSeason is 15 October to 15 April.
var DefaultHeatingSeason = SeasonDays{MonthDay{time.October, 15}, MonthDay{time.April, 15}}

// DefaultMaxHeatingCutHours is the default of Policy.MaxHeatingCutHours.
const DefaultMaxHeatingCutHours = 48

// HeatingSeason is the policy's heating season, or its default (also when it
// does not read: validation reports it).
func (p *Problem) HeatingSeason() SeasonDays {
	hs := p.Operation.Policy.HeatingSeason
	if hs == nil {
		return DefaultHeatingSeason
	}
	from, err1 := ParseMonthDay(hs.From)
	to, err2 := ParseMonthDay(hs.To)
	if err1 != nil || err2 != nil {
		return DefaultHeatingSeason
	}
	return SeasonDays{from, to}
}

// MaxHeatingCutHours is the policy's limit, or its default.
func (p *Problem) MaxHeatingCutHours() int {
	if h := p.Operation.Policy.MaxHeatingCutHours; h != nil && *h > 0 {
		return *h
	}
	return DefaultMaxHeatingCutHours
}

// practicesPolicy checks the policy's fields of the practices.
func (v *validator) practicesPolicy() {
	op := &v.p.Operation
	const e = "operation"
	pol := op.Policy
	if hs := pol.HeatingSeason; hs != nil {
		if _, err := ParseMonthDay(hs.From); err != nil {
			v.add("operation.policy.heating_season.from", e, op.ID, "%v", err)
		}
		if _, err := ParseMonthDay(hs.To); err != nil {
			v.add("operation.policy.heating_season.to", e, op.ID, "%v", err)
		}
	}
	if h := pol.MaxHeatingCutHours; h != nil && (*h < 1 || *h > 24*366) {
		v.add("operation.policy.max_heating_cut_hours", e, op.ID, "%d hours is not between 1 and %d", *h, 24*366)
	}
	if w := pol.SurveyWeeks; w != nil && (*w < 1 || *w > 52) {
		v.add("operation.policy.survey_weeks", e, op.ID, "%d weeks is not between 1 and 52", *w)
	}
	if d := pol.SnagDeadlineDays; d != nil && (*d < 1 || *d > 365) {
		v.add("operation.policy.snag_deadline_days", e, op.ID, "%d days is not between 1 and 365", *d)
	}
	if d := pol.BurdenDays; d != nil && (*d < 1 || *d > 3660) {
		v.add("operation.policy.burden_days", e, op.ID, "%d days is not between 1 and 3660", *d)
	}
	if w := pol.Burden; w != nil && (*w < 0 || math.IsNaN(*w) || math.IsInf(*w, 0)) {
		v.add("operation.policy.burden", e, op.ID, "weight must be a finite number >= 0")
	}
}
