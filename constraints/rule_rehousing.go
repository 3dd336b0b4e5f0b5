package constraints

import (
	"fmt"
	"sort"
	"time"

	"github.com/rehabplan/rehabplan/model"
)

// Rehousing is rule 12: relocation units host households only while available,
// with the operation's cleaning days between two households (operation.rehousing),
// and the stays the planner chose are those the plan lists. With rule 7 (a
// household's days without water or a bathroom, which a stay suspends) and rule 8
// (the moves and the works inside the stay, in order), it is what planned
// rehousing must keep.
type Rehousing struct{}

// NameRehousing is Rehousing's name.
const NameRehousing = "rehousing"

var _ Checker = Rehousing{}

func (Rehousing) Name() string { return NameRehousing }
func (Rehousing) Number() int  { return 15 }

// Requires says what the rule requires, in lang.
func (Rehousing) Requires(lang Lang) string {
	return phrase{
		"a relocation unit hosts households only while it is available, empty for the cleaning days between two households, and each stay the planner chose belongs to a household of the dwelling it names, with its moves out and back, inside the operation",
		"un logement tiroir n'accueille de ménage que pendant sa disponibilité, reste vide les jours de ménage entre deux ménages, et chaque séjour choisi par le planificateur est celui d'un ménage du logement qu'il nomme, avec son déménagement et son retour, pendant l'opération", false}.in(lang)
}

// The search's side: the stays are chosen before the search (PlanStays) and
// booked (model.ApplyStays), and the relocation rule (8) compiles them as the
// calendars of the works during them; the households that need one and got
// none (StayNeeds, read when an explanation first asks) cannot keep their
// limit: their explanations name this rule.

// unhousedReason is the reason of rule 12 for task t, when its household needs
// a stay and has none.
func (c *Compiled) unhousedReason(t int, lang Lang) ([]model.Reason, bool) {
	h := c.Index.HouseholdOf(c.Interventions[t])
	if h == nil || c.Model.Operation.Rehousing == nil {
		return nil, false
	}
	c.unhousedOnce.Do(func() {
		c.unhoused = map[string]StayNeed{}
		for _, n := range StayNeeds(c.Model) {
			c.unhoused[n.Household] = n
		}
	})
	n, ok := c.unhoused[h.ID]
	if !ok {
		return nil, false
	}
	return []model.Reason{{Rule: NameRehousing, Message: capital(stayText(n, lang))}}, true
}

// vfUnitStay is a stay of a unit, read as local dates [from, to].
type vfUnitStay struct {
	household string
	from, to  time.Time
}

// Check verifies rule 12: every stay booked in a unit lies within the unit's
// available_from and available_to (dates, inclusive); with operation.rehousing,
// two stays of different households in a unit leave its cleaning days (default 2)
// of whole dates between the last date of one and the first of the next; each
// planned stay of the plan names a household that lives in the dwelling it
// names, a unit the problem has, and its two moves, which are removals of that
// dwelling; its first and last days lie in the operation's horizon.
func (r Rehousing) Check(v *Verification) []Violation {
	var out []Violation
	add := func(iv, format string, args ...any) { out = append(out, vfViolation(r, iv, format, args...)) }
	loc := v.Loc
	date := func(t time.Time) time.Time {
		t = t.In(loc)
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	byUnit := map[string][]vfUnitStay{}
	for i, rel := range v.Problem.Relocations {
		tr := v.Typed.Relocations()[i]
		if tr.From.Err != nil || tr.To.Err != nil || !tr.To.V.After(tr.From.V) {
			continue // rule 8 reports it
		}
		byUnit[rel.Unit] = append(byUnit[rel.Unit], vfUnitStay{rel.Household, date(tr.From.V), date(tr.To.V.Add(-time.Nanosecond))})
	}
	cleaning := -1
	if reh := v.Problem.Operation.Rehousing; reh != nil {
		cleaning = 2
		if reh.CleaningDays != nil {
			cleaning = *reh.CleaningDays
		}
	}
	for _, id := range vfSortedKeys(byUnit) {
		stays := byUnit[id]
		sort.SliceStable(stays, func(a, b int) bool { return stays[a].from.Before(stays[b].from) })
		u := v.Index.Units[id]
		if u == nil {
			continue // rule 8 reports it
		}
		for _, st := range stays {
			if f, err := time.Parse(time.DateOnly, u.AvailableFrom); u.AvailableFrom != "" && err == nil && st.from.Before(f) {
				add("", "household %s stays in unit %s from %s, before the unit is available (%s)", st.household, id, st.from.Format(time.DateOnly), u.AvailableFrom)
			}
			if t, err := time.Parse(time.DateOnly, u.AvailableTo); u.AvailableTo != "" && err == nil && st.to.After(t) {
				add("", "household %s stays in unit %s until %s, after the unit is available (%s)", st.household, id, st.to.Format(time.DateOnly), u.AvailableTo)
			}
		}
		for k := 1; k < len(stays) && cleaning >= 0; k++ {
			a, b := stays[k-1], stays[k]
			if a.household == b.household || !b.from.After(a.to) {
				continue // one household, or an overlap: rule 8 reports it
			}
			if gap := int(b.from.Sub(a.to).Hours()/24) - 1; gap < cleaning {
				add("", "unit %s: household %s moves in on %s, %d days after household %s left on %s; the unit needs %d days of cleaning",
					id, b.household, b.from.Format(time.DateOnly), gap, a.household, a.to.Format(time.DateOnly), cleaning)
			}
		}
	}
	if v.Plan == nil {
		return out
	}
	for _, st := range v.Plan.Stays {
		if !st.Planned {
			continue
		}
		d := v.Index.Dwellings[st.Dwelling]
		switch {
		case d == nil || d.Vacant || d.Household != st.Household:
			add("", "the plan's stay of household %s names dwelling %s, where the household does not live", st.Household, st.Dwelling)
		case v.Index.Units[st.Unit] == nil:
			add("", "the plan's stay of household %s names unit %s, which the problem does not have", st.Household, st.Unit)
		}
		// the planner's stays lie in the operation's horizon: the moves are
		// interventions of the operation (a stay booked in the problem may begin
		// before it)
		if f, err := time.Parse(time.DateOnly, st.From); err == nil && f.Before(date(v.Begin)) {
			add(st.MoveOut, "the plan's stay of household %s starts on %s, before the operation starts (%s): a planned stay begins with its move out, inside the operation",
				st.Household, st.From, v.Problem.Operation.Start)
		}
		if t, err := time.Parse(time.DateOnly, st.To); err == nil && !t.Before(date(v.Finish)) {
			add(st.MoveBack, "the plan's stay of household %s ends on %s, after the operation ends (%s)", st.Household, st.To, v.Problem.Operation.End)
		}
		for _, m := range []struct{ id, role string }{{st.MoveOut, model.RoleMoveOut}, {st.MoveBack, model.RoleMoveBack}} {
			iv := v.Index.Interventions[m.id]
			if iv == nil || iv.Relocation != m.role || iv.Dwelling != st.Dwelling {
				add(m.id, "the plan's stay of household %s names %s as its %s, which is not a %s of dwelling %s", st.Household, vfOr(m.id, "no intervention"), m.role, m.role, st.Dwelling)
			}
		}
	}
	return out
}

func vfOr(s, alt string) string {
	if s == "" {
		return alt
	}
	return fmt.Sprintf("%q", s)
}
