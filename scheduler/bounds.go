package scheduler

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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

// bindingText says in words which relaxation gives the end bound, in English
// and in French: the resources that bind by their designation, "the crew
// windows-1", "l'équipe menuiseries extérieures (windows-1)".
func bindingText(cp *constraints.Compiled, b solver.EndBound) (en, fr string) {
	if b.Binding == solver.BindPath {
		return "the critical path (durations, lags and calendars)", "le chemin critique (durées, délais et calendriers)"
	}
	en, fr = "the load of ", "la charge "
	switch b.Binding {
	case solver.BindWindow:
		en, fr = "the one-at-a-time windows of ", "les créneaux d'un seul à la fois "
	case solver.BindEnergy:
		ens, frs := resourceNames(cp, b.Resources)
		return "the work that must fall inside one window, for " + ens,
			"le travail " + frs + " qui doit tomber dans un même créneau"
	case solver.BindEdge:
		if len(b.Resources) == 0 {
			return "the order forced on the one-at-a-time resources, carried along the sequences",
				"l'ordre imposé aux ressources d'un seul à la fois, reporté le long des enchaînements"
		}
		ens, frs := resourceNames(cp, b.Resources)
		return "the order forced on the jobs of " + ens + ", carried along the sequences",
			"l'ordre imposé aux interventions " + frs + ", reporté le long des enchaînements"
	}
	ens, frs := resourceNames(cp, b.Resources)
	return en + ens, fr + frs
}

// resourceGroup is a run of binding resources of one kind (and, for crews, of
// the same trades), worded together: "the crews a and b", "des équipes
// peinture (a, b)".
type resourceGroup struct {
	kind   string // crew, pilot, dwelling or the solver's name for any other
	trades string // the crews' trades, in French
	ids    []string
}

// resourceNames words the resources rs of cp (indices in cp.Problem.Resources,
// crews, then pilots, then dwellings) in English, "the crew windows-1", and in
// French after "de", "de l'équipe menuiseries extérieures (windows-1)", "du
// pilote p1", "des logements B1-A-01 et B1-A-02".
func resourceNames(cp *constraints.Compiled, rs []int) (en, fr string) {
	names := tradeNames(cp.Model)
	var groups []*resourceGroup
	add := func(kind, trades, id string) {
		if n := len(groups); n > 0 && groups[n-1].kind == kind && groups[n-1].trades == trades {
			groups[n-1].ids = append(groups[n-1].ids, id)
			return
		}
		groups = append(groups, &resourceGroup{kind: kind, trades: trades, ids: []string{id}})
	}
	nc, np := len(cp.Crews), len(cp.Pilots)
	for _, r := range rs {
		switch {
		case r < nc:
			c := cp.Crews[r]
			ts := make([]string, len(c.Trades))
			for i, t := range c.Trades {
				ts[i] = lowerFirst(names[t])
				if ts[i] == "" {
					ts[i] = t
				}
			}
			add("crew", strings.Join(ts, ", "), c.ID)
		case r < nc+np:
			add("pilot", "", cp.Pilots[r-nc].ID)
		case r-nc-np < len(cp.Dwellings):
			add("dwelling", "", cp.Dwellings[r-nc-np].ID)
		default:
			add(cp.Problem.Resources[r].Name, "", "")
		}
	}
	ens, frs := make([]string, len(groups)), make([]string, len(groups))
	for i, g := range groups {
		ens[i], frs[i] = g.words()
	}
	return andList(ens, "and"), andList(frs, "et")
}

// words designates g in English and in French after "de".
func (g *resourceGroup) words() (en, fr string) {
	one := len(g.ids) == 1
	ids := andList(g.ids, "and")
	switch g.kind {
	case "crew":
		if one {
			return "the crew " + ids, "de l'équipe " + g.trades + " (" + ids + ")"
		}
		return "the crews " + ids, "des équipes " + g.trades + " (" + strings.Join(g.ids, ", ") + ")"
	case "pilot":
		if one {
			return "the pilot " + ids, "du pilote " + ids
		}
		return "the pilots " + ids, "des pilotes " + andList(g.ids, "et")
	case "dwelling":
		if one {
			return "the dwelling " + ids, "du logement " + ids
		}
		return "the dwellings " + ids, "des logements " + andList(g.ids, "et")
	}
	return g.kind, "de " + g.kind
}

// andList joins words as a sentence does: "a", "a and b", "a, b and c".
func andList(ws []string, and string) string {
	if len(ws) <= 1 {
		return strings.Join(ws, "")
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " " + and + " " + ws[len(ws)-1]
}

// lowerFirst lowers the first letter of a label read inside a sentence
// ("Menuiseries extérieures" after "l'équipe").
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
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
