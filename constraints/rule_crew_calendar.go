package constraints

// CrewCalendar is rule 1.
type CrewCalendar struct{}

// NameCrewCalendar is CrewCalendar's name.
const NameCrewCalendar = "crew-calendar"

var _ Checker = CrewCalendar{}

func (CrewCalendar) Name() string { return NameCrewCalendar }
func (CrewCalendar) Number() int  { return 1 }

// Requires says what the rule requires, in lang.
func (CrewCalendar) Requires(lang Lang) string {
	return phrase{
		"a crew works only inside its calendar, outside its unavailability and public holidays, on one intervention at a time, and only in its own trade with enough workers",
		"une équipe ne travaille que dans son calendrier, hors de ses indisponibilités et des jours fériés, sur une seule intervention à la fois, et seulement dans son propre corps d'état avec assez d'ouvriers", false}.in(lang)
}

// Check verifies rule 1: a crew-carried intervention names an existing crew of its
// trade with enough workers (a pilot-only one names no crew); each worked stretch lies
// inside the crew's calendar (touching windows merged), outside its unavailability,
// and off public holidays; a crew's assignments never overlap in [Start, End) (a
// two-day job holds the crew overnight).
func (r CrewCalendar) Check(v *Verification) []Violation {
	var out []Violation
	x := v.Index
	for _, pl := range v.placedSorted() {
		iv, a := pl.Intervention, pl.Assignment
		add := func(format string, args ...any) {
			out = append(out, vfViolation(r, iv.ID, format, args...))
		}
		if !x.NeedsCrew(iv) {
			if a.Crew != "" {
				add("a visit of the pilot alone (trade %s) must name no crew, the plan names crew %s", iv.Trade, a.Crew)
			}
			continue
		}
		if a.Crew == "" {
			add("no crew assigned")
			continue
		}
		c := x.Crews[a.Crew]
		if c == nil {
			add("crew %s does not exist", a.Crew)
			continue
		}
		if !x.CanDo(c, iv) {
			add("crew %s (%s) cannot do trade %s with %s", c.ID, vfPlural(c.SizeOf(), "worker"), iv.Trade, vfPlural(iv.NeedCrewSize(), "worker"))
		}
		off, offErr := v.readPeriods(c.Unavailable)
		if offErr != nil {
			add("the unavailability of crew %s cannot be read: %v", c.ID, offErr)
		}
		if v.Fact(pl) {
			continue // done work is a fact: today's calendars do not judge it
		}
		for _, s := range pl.Stretches {
			in, err := v.Inside(v.Problem.CrewCalendar(c), s.Start, s.End)
			if err != nil {
				add("the calendar of crew %s cannot be read: %v", c.ID, err)
				break
			}
			if !in {
				add("crew %s works %s, outside its calendar", c.ID, v.span(s))
			}
			if p, hit := vfOverlaps(off, s.Start, s.End); hit {
				add("crew %s works %s while unavailable (%s)", c.ID, v.span(s), vfFmtSpan(p.From, p.To, v.Loc))
			}
			if d := v.holidayIn(s.Start, s.End); d != "" {
				add("crew %s works %s, on public holiday %s", c.ID, v.span(s), d)
			}
		}
	}
	for _, crew := range vfSortedKeys(v.ByCrew) {
		if v.Index.Crews[crew] == nil {
			continue
		}
		vfOverlapping(v.ByCrew[crew], func(later, earlier *Placed) {
			out = append(out, vfViolation(r, later.ID(), "crew %s is still on %s (until %s) when this starts at %s",
				crew, earlier.ID(), v.at(earlier.End), v.at(later.Start)))
		})
	}
	return out
}
