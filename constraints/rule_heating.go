package constraints

import (
	"fmt"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// Heating is rule 11: in the heating season a household is never left without
// heating beyond the policy's limit in hours.
type Heating struct{}

// NameHeating is Heating's name.
const NameHeating = "heating"

var _ Checker = Heating{}

func (Heating) Name() string { return NameHeating }
func (Heating) Number() int  { return 11 }

// Requires says what the rule requires, in lang.
func (Heating) Requires(lang Lang) string {
	return phrase{
		"in the heating season, a household is never left without heating longer than the policy allows (from the start of the first intervention that cuts heating to the end of the last)",
		"pendant la saison de chauffe, un ménage n'est jamais privé de chauffage plus longtemps que ne le permet la politique de l'opération (du début de la première intervention qui coupe le chauffage à la fin de la dernière)", false}.in(lang)
}

var (
	_ termCompiler      = Heating{}
	_ unplacedExplainer = Heating{}
)

// heatingSeasonMet reports whether a local date of [from, to) lies in season s
// (the search's reading; the verifier reads the dates itself).
func heatingSeasonMet(s model.SeasonDays, from, to time.Time, loc *time.Location) bool {
	y, m, d := from.In(loc).Date()
	for day, n := time.Date(y, m, d, 0, 0, 0, 0, loc), 0; day.Before(to) && n < 4000; n++ {
		if s.Contains(day.Month(), day.Day()) {
			return true
		}
		day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc)
	}
	return false
}

// compileTerms: for each occupied dwelling with interventions that cut heating,
// when the operation's horizon meets the heating season, the stretch from the
// first start to the last end of those interventions is at most the limit. The
// search does not know the stretch's dates beforehand: it holds every stretch of
// such an operation to the limit, in the season or not (the verifier, only those
// that meet the season).
func (Heating) compileTerms(c *Compiled, g *taskGroups) error {
	p, x, sp := c.Model, c.Index, c.Problem
	tv := c.Typed
	if !tv.Start.OK() || tv.Horizon.IsZero() || !heatingSeasonMet(p.HeatingSeason(), tv.Start.V, tv.Horizon, tv.Loc) {
		return nil
	}
	limit := p.MaxHeatingCutHours() * 60
	nowMin, hasNow := 0, false
	if tv.Now.OK() {
		nowMin, hasNow = c.Clock.Minute(tv.Now.V), true
	}
	for i := range p.Dwellings {
		d := &p.Dwellings[i]
		if !d.Occupied() {
			continue
		}
		var cuts []int
		for _, t := range g.byDwelling[d.ID] {
			if tr := x.Trades[c.Interventions[t].Trade]; tr != nil && tr.CutsHeating {
				if waterOver(&sp.Tasks[t], nowMin, hasNow, limit) { // a cut over before now
					continue
				}
				cuts = append(cuts, t)
			}
		}
		if len(cuts) > 0 {
			sp.Spans = append(sp.Spans, solver.SpanLimit{Name: d.ID + "/heating", Tasks: cuts, Max: limit})
		}
	}
	return nil
}

// explainUnplaced: the works that cut heating do not fit in the hours allowed.
func (Heating) explainUnplaced(c *Compiled, t int, p solver.Placement, lang Lang) ([]model.Reason, bool) {
	iv := c.Interventions[t]
	tr := c.Index.Trades[iv.Trade]
	if p.Reason != solver.ReasonSpan || tr == nil || !tr.CutsHeating || !c.inSpan(t, iv.Dwelling+"/heating") {
		return nil, false
	}
	h := c.Model.MaxHeatingCutHours()
	return []model.Reason{{Rule: NameHeating, Message: phrase{
		fmt.Sprintf("the works that cut heating in dwelling %s (%s among them) cannot fit in the %d hours without heating the heating season allows", iv.Dwelling, iv.ID, h),
		fmt.Sprintf("Les travaux qui coupent le chauffage dans le logement %s (dont %s) ne tiennent pas dans les %d heures sans chauffage que permet la saison de chauffe", iv.Dwelling, iv.ID, h), false}.in(lang)}}, true
}

// Check verifies rule 11. For each occupied dwelling, its stretch without
// heating runs from the earliest start to the latest end of its placed
// interventions of trades that cut heating (a fact that ended at least the limit
// before operation.now is over and left out: the cuts to come are a new stretch).
// When a local date of the stretch lies in the heating season (policy, default 15
// October to 15 April, both days included), the stretch lasts at most the
// policy's hours (default 48), elapsed time.
func (r Heating) Check(v *Verification) []Violation {
	var out []Violation
	p, x := v.Problem, v.Index
	season := p.HeatingSeason()
	hours := p.MaxHeatingCutHours()
	limit := time.Duration(hours) * time.Hour
	for i := range p.Dwellings {
		d := &p.Dwellings[i]
		if !d.Occupied() {
			continue
		}
		var first, last *Placed
		for _, pl := range v.ByDwelling[d.ID] {
			tr := x.Trades[pl.Intervention.Trade]
			if tr == nil || !tr.CutsHeating {
				continue
			}
			if v.nowOK && v.Fact(pl) && !pl.End.Add(limit).After(v.now) {
				continue
			}
			if first == nil || pl.Start.Before(first.Start) {
				first = pl
			}
			if last == nil || pl.End.After(last.End) || (pl.End.Equal(last.End) && pl.ID() > last.ID()) {
				last = pl
			}
		}
		if first == nil || last.End.Sub(first.Start) <= limit {
			continue
		}
		met := false
		for _, day := range vfDays(first.Start, last.End, v.Loc) {
			met = met || season.Contains(day.Month(), day.Day())
		}
		if !met {
			continue
		}
		out = append(out, vfViolation(r, last.ID(), "household %s of dwelling %s is without heating from %s (%s) to %s (%s), %s, more than the %d hours the heating season allows",
			d.Household, d.ID, v.at(first.Start), first.ID(), v.at(last.End), last.ID(), vfFmtMinutes(last.End.Sub(first.Start)), hours))
	}
	return out
}
