package constraints

// PilotOfficeHours is rule 3.
type PilotOfficeHours struct{}

// NamePilotOfficeHours is PilotOfficeHours's name.
const NamePilotOfficeHours = "pilot-office-hours"

var _ Checker = PilotOfficeHours{}

func (PilotOfficeHours) Name() string { return NamePilotOfficeHours }
func (PilotOfficeHours) Number() int  { return 3 }

// Requires says what the rule requires, in lang.
func (PilotOfficeHours) Requires(lang Lang) string {
	return phrase{
		"an intervention that needs the pilot lies inside that pilot's office hours, outside absences and holidays, and the pilot is in one place at a time",
		"une intervention qui demande le pilote a lieu pendant les horaires de bureau de ce pilote, hors de ses absences et des jours fériés, et le pilote n'est qu'à un endroit à la fois", false}.in(lang)
}

// Check verifies rule 3: an intervention that needs the pilot names an existing pilot
// and each worked stretch lies inside that pilot's office hours (Saturday permanence
// included), outside absences and off public holidays; an intervention that does not
// need the pilot may name one, but only an existing one; a pilot's assignments never
// overlap in [Start, End).
func (r PilotOfficeHours) Check(v *Verification) []Violation {
	var out []Violation
	x := v.Index
	for _, pl := range v.placedSorted() {
		iv, a := pl.Intervention, pl.Assignment
		add := func(format string, args ...any) {
			out = append(out, vfViolation(r, iv.ID, format, args...))
		}
		if !x.NeedsPilot(iv) {
			if a.Pilot != "" && x.Pilots[a.Pilot] == nil {
				add("pilot %s does not exist", a.Pilot)
			}
			continue
		}
		if a.Pilot == "" {
			add("needs the pilot, no pilot assigned")
			continue
		}
		p := x.Pilots[a.Pilot]
		if p == nil {
			add("pilot %s does not exist", a.Pilot)
			continue
		}
		absences, absErr := v.readPeriods(p.Absences)
		if absErr != nil {
			add("the absences of pilot %s cannot be read: %v", p.ID, absErr)
		}
		if v.Fact(pl) {
			continue // done work is a fact: today's office hours do not judge it
		}
		for _, s := range pl.Stretches {
			in, err := v.Inside(v.pilotHours(p), s.Start, s.End)
			if err != nil {
				add("the office hours of pilot %s cannot be read: %v", p.ID, err)
				break
			}
			if !in {
				add("pilot %s is needed %s, outside office hours", p.ID, v.span(s))
			}
			if per, hit := vfOverlaps(absences, s.Start, s.End); hit {
				add("pilot %s is needed %s while absent (%s)", p.ID, v.span(s), vfFmtSpan(per.From, per.To, v.Loc))
			}
			if d := v.holidayIn(s.Start, s.End); d != "" {
				add("pilot %s is needed %s, on public holiday %s", p.ID, v.span(s), d)
			}
		}
	}
	for _, pilot := range vfSortedKeys(v.ByPilot) {
		if v.Index.Pilots[pilot] == nil {
			continue
		}
		vfOverlapping(v.ByPilot[pilot], func(later, earlier *Placed) {
			out = append(out, vfViolation(r, later.ID(), "pilot %s is still at %s (until %s) when this starts at %s",
				pilot, earlier.ID(), v.at(earlier.End), v.at(later.Start)))
		})
	}
	return out
}
