package constraints

import (
	"fmt"
	"sort"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// RelocationRule is rule 8.
type RelocationRule struct{}

// NameRelocation is RelocationRule's name.
const NameRelocation = "relocation"

var _ Checker = RelocationRule{}

func (RelocationRule) Name() string { return NameRelocation }
func (RelocationRule) Number() int  { return 8 }

// Requires says what the rule requires, in lang.
func (RelocationRule) Requires(lang Lang) string {
	return phrase{
		"a relocation unit hosts one household at a time, a household stays in one unit at a time, and moving out, heavy works and moving back lie inside the stay in that order",
		"un logement tiroir n'accueille qu'un ménage à la fois, un ménage n'occupe qu'un logement tiroir à la fois, et le déménagement, les gros travaux et le retour ont lieu pendant le séjour, dans cet ordre", false}.in(lang)
}

var (
	_ taskCalendarer     = RelocationRule{}
	_ precedenceCompiler = RelocationRule{}
)

// taskCalendar: an intervention tied to a stay lies inside it.
func (RelocationRule) taskCalendar(b *taskBuild) error {
	if b.iv.Relocation == "" {
		return nil
	}
	stay, err := b.c.stayCalendar(b.h)
	if err != nil {
		return b.fail("relocation", err)
	}
	b.addPart(NameRelocation, phrase{"the household's relocation stay", "le séjour du ménage en logement tiroir", false}, stay)
	return nil
}

// compilePrecedences: in each dwelling, moving out, then the works during the
// stay, then moving back.
func (RelocationRule) compilePrecedences(c *Compiled, g *taskGroups) error {
	sp := c.Problem
	for _, d := range c.Model.Dwellings {
		var out, during, back []int
		for _, t := range g.byDwelling[d.ID] {
			switch c.Interventions[t].Relocation {
			case model.RoleMoveOut:
				out = append(out, t)
			case model.RoleDuring:
				during = append(during, t)
			case model.RoleMoveBack:
				back = append(back, t)
			}
		}
		for _, a := range out {
			for _, b := range during {
				sp.Precedences = append(sp.Precedences, solver.Precedence{From: a, To: b, MaxLag: -1})
			}
			if len(during) == 0 {
				for _, b := range back {
					sp.Precedences = append(sp.Precedences, solver.Precedence{From: a, To: b, MaxLag: -1})
				}
			}
		}
		for _, a := range during {
			for _, b := range back {
				sp.Precedences = append(sp.Precedences, solver.Precedence{From: a, To: b, MaxLag: -1})
			}
		}
	}
	return nil
}

// stayCalendar is when the household stays in a relocation unit (never, if it has
// no stay).
func (c *Compiled) stayCalendar(h *model.Household) (*solver.Calendar, error) {
	if h == nil {
		return solver.NewCalendar(nil), nil
	}
	return c.cached("stay|"+h.ID, func() (*solver.Calendar, error) {
		var ps []model.Period
		var tps []model.TypedPeriod
		for _, st := range c.Index.Stays[h.ID] {
			ps = append(ps, model.Period{From: st.From, To: st.To})
			tps = append(tps, *c.Typed.RelocationOf(st))
		}
		ws, err := c.Clock.Periods(tps, ps)
		if err != nil {
			return nil, err
		}
		return solver.NewCalendar(ws), nil
	})
}

// vfStay is a relocation stay, read: [a.From, a.To) when ok.
type vfStay struct {
	rel *model.Relocation
	a   vfSpan
	ok  bool
}

// stays reads the relocation stays and checks that no unit and no household has
// two at once. ok stays are listed by household.
func (r RelocationRule) stays(v *Verification) (stays []vfStay, byHousehold map[string][]int, out []Violation) {
	add := func(iv, format string, args ...any) {
		out = append(out, vfViolation(r, iv, format, args...))
	}
	stays = make([]vfStay, len(v.Problem.Relocations))
	byUnit := map[string][]int{}
	byHousehold = map[string][]int{}
	typed := v.Typed.Relocations()
	for i := range v.Problem.Relocations {
		rel := &v.Problem.Relocations[i]
		st := vfStay{rel: rel}
		a, err1 := typed[i].From.V, typed[i].From.Err
		b, err2 := typed[i].To.V, typed[i].To.Err
		switch {
		case err1 != nil || err2 != nil:
			add("", "the stay of household %s in unit %s cannot be read", rel.Household, rel.Unit)
		case !b.After(a):
			add("", "the stay of household %s in unit %s ends before it starts", rel.Household, rel.Unit)
		default:
			st.a, st.ok = vfSpan{a, b}, true
		}
		if v.Index.Units[rel.Unit] == nil {
			add("", "household %s stays in unit %s, which the problem does not have", rel.Household, rel.Unit)
		}
		stays[i] = st
		if st.ok {
			byUnit[rel.Unit] = append(byUnit[rel.Unit], i)
			byHousehold[rel.Household] = append(byHousehold[rel.Household], i)
		}
	}
	text := func(i int) string {
		return fmt.Sprintf("household %s in unit %s %s", stays[i].rel.Household, stays[i].rel.Unit, vfFmtSpan(stays[i].a.From, stays[i].a.To, v.Loc))
	}
	clash := func(groups map[string][]int, what string) {
		for _, key := range vfSortedKeys(groups) {
			l := groups[key]
			sort.SliceStable(l, func(a, b int) bool { return stays[l[a]].a.From.Before(stays[l[b]].a.From) })
			for j := 1; j < len(l); j++ {
				for k := 0; k < j; k++ {
					if stays[l[k]].a.To.After(stays[l[j]].a.From) {
						add("", "%s %s: %s overlaps %s", what, key, text(l[k]), text(l[j]))
					}
				}
			}
		}
	}
	clash(byUnit, "unit")
	clash(byHousehold, "household")
	return stays, byHousehold, out
}

// Check verifies rule 8: the stays booked in one relocation unit never overlap, nor do
// one household's stays; an intervention with a relocation role (move_out, during,
// move_back) lies, [Start, End], inside one stay of its dwelling's household; within a
// stay, every move_out ends before every during starts, every during ends before every
// move_back starts (and every move_out ends before every move_back starts). In each
// dwelling, a during placed while a move_out is not, or a move_back placed while a
// move_out or a during is not, breaks the rule whatever the stays (see checkChain).
func (r RelocationRule) Check(v *Verification) []Violation {
	stays, byHousehold, out := r.stays(v)
	add := func(iv, format string, args ...any) {
		out = append(out, vfViolation(r, iv, format, args...))
	}

	// interventions tied to a stay
	type group struct{ out, during, back []*Placed }
	groups := map[int]*group{}
	for _, pl := range v.placedSorted() {
		iv := pl.Intervention
		if iv.Relocation == "" {
			continue
		}
		if iv.Relocation != model.RoleMoveOut && iv.Relocation != model.RoleDuring && iv.Relocation != model.RoleMoveBack {
			add(iv.ID, "unknown relocation role %q", iv.Relocation)
			continue
		}
		h := v.Index.HouseholdOf(iv)
		if h == nil {
			add(iv.ID, "tied to a relocation (%s) but dwelling %s has no household", iv.Relocation, iv.Dwelling)
			continue
		}
		found := -1
		for _, i := range byHousehold[h.ID] {
			if !pl.Start.Before(stays[i].a.From) && !pl.End.After(stays[i].a.To) {
				found = i
				break
			}
		}
		if found < 0 {
			add(iv.ID, "%s %s lies outside every relocation stay of household %s", iv.Relocation, vfFmtSpan(pl.Start, pl.End, v.Loc), h.ID)
			continue
		}
		g := groups[found]
		if g == nil {
			g = &group{}
			groups[found] = g
		}
		switch iv.Relocation {
		case model.RoleMoveOut:
			g.out = append(g.out, pl)
		case model.RoleDuring:
			g.during = append(g.during, pl)
		case model.RoleMoveBack:
			g.back = append(g.back, pl)
		}
	}
	order := func(before, after []*Placed, what string) {
		for _, b := range after {
			for _, a := range before {
				if b.Start.Before(a.End) {
					add(b.ID(), "starts %s, before %s ends (%s, %s)", v.at(b.Start), a.ID(), v.at(a.End), what)
				}
			}
		}
	}
	out = append(out, r.checkChain(v)...)
	for _, i := range vfSortedIntKeys(groups) {
		g := groups[i]
		order(g.out, g.during, "moving out comes before the works during the stay")
		order(g.during, g.back, "the works during the stay come before moving back")
		order(g.out, g.back, "moving out comes before moving back")
	}
	return out
}

// checkChain: in each dwelling, the heavy works during a stay need every move_out
// placed, and moving back needs every move_out and every during placed, as the
// compiled precedences do (an unplaced link leaves the rest of the chain unplaced).
// Without it a plan could send the works into a dwelling the household never left.
func (r RelocationRule) checkChain(v *Verification) []Violation {
	var out []Violation
	byDwelling := map[string]map[string][]*model.Intervention{}
	for i := range v.Problem.Interventions {
		iv := &v.Problem.Interventions[i]
		if iv.Relocation == "" {
			continue
		}
		m := byDwelling[iv.Dwelling]
		if m == nil {
			m = map[string][]*model.Intervention{}
			byDwelling[iv.Dwelling] = m
		}
		m[iv.Relocation] = append(m[iv.Relocation], iv)
	}
	need := func(m map[string][]*model.Intervention, b *model.Intervention, role, what string) {
		for _, a := range m[role] {
			if v.Assigned[a.ID] == nil {
				out = append(out, vfViolation(r, b.ID, "placed although %s (%s), which must come before it (%s), is not placed", a.ID, role, what))
			}
		}
	}
	for _, d := range vfSortedKeys(byDwelling) {
		m := byDwelling[d]
		for _, b := range m[model.RoleDuring] {
			if v.Assigned[b.ID] != nil {
				need(m, b, model.RoleMoveOut, "moving out comes before the works during the stay")
			}
		}
		for _, b := range m[model.RoleMoveBack] {
			if v.Assigned[b.ID] != nil {
				need(m, b, model.RoleMoveOut, "moving out comes before moving back")
				need(m, b, model.RoleDuring, "the works during the stay come before moving back")
			}
		}
	}
	return out
}

func vfSortedIntKeys[T any](m map[int]T) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}
