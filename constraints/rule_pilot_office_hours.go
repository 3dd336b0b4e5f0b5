package constraints

import (
	"fmt"
	"sort"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

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

var (
	_ resourceCompiler  = PilotOfficeHours{}
	_ taskDemander      = PilotOfficeHours{}
	_ resourceOwner     = PilotOfficeHours{}
	_ unplacedExplainer = PilotOfficeHours{}
)

// compileResources adds one resource per pilot, in one place at a time, on the
// pilot's office hours without absences and public holidays.
func (PilotOfficeHours) compileResources(c *Compiled) error {
	c.firstPilot = len(c.Problem.Resources)
	for i := range c.Model.Pilots {
		pl := &c.Model.Pilots[i]
		cal, err := c.pilotCalendar(pl)
		if err != nil {
			return err
		}
		c.Pilots = append(c.Pilots, pl)
		c.Problem.Resources = append(c.Problem.Resources, solver.Resource{Name: "pilot " + pl.ID, Capacity: 1, Calendar: cal})
	}
	return nil
}

func (c *Compiled) pilotCalendar(pl *model.Pilot) (*solver.Calendar, error) {
	tp := c.Typed.PilotOf(pl)
	shared, err := c.Clock.Calendar(tp.Hours)
	if err != nil {
		return nil, fmt.Errorf("pilot %q office hours: %w", pl.ID, err)
	}
	off, err := c.Clock.Periods(tp.Absences, pl.Absences)
	if err != nil {
		return nil, fmt.Errorf("pilot %q absences: %w", pl.ID, err)
	}
	return ownCalendar(shared, append(off, c.holidays...)), nil
}

// taskDemands: any pilot, when the intervention needs one.
func (PilotOfficeHours) taskDemands(b *taskBuild) error {
	c := b.c
	if !c.Index.NeedsPilot(b.iv) {
		return nil
	}
	if len(c.Pilots) == 0 {
		return b.fail("needs_pilot", fmt.Errorf("needs the pilot but the operation has none"))
	}
	alts := make([]int, len(c.Pilots))
	for i := range alts {
		alts[i] = c.firstPilot + i
	}
	b.pilotK = len(b.task.Demands)
	// a pilot is needed only while present: free in the gaps of a split intervention
	b.task.Demands = append(b.task.Demands, solver.Demand{Alternatives: alts, Amount: 1, WhilePresent: true})
	return nil
}

// The pilots come after the crews.
func (PilotOfficeHours) ownsResource(c *Compiled, r int) bool {
	return r >= c.firstPilot && r < c.firstDwelling
}

func (PilotOfficeHours) busyWith(c *Compiled, r int, id string, lang Lang) string {
	if lang == French {
		return fmt.Sprintf("Le pilote %s est occupé par %s", c.Pilots[r-c.firstPilot].ID, id)
	}
	return busyWith(c, r, id)
}

func (PilotOfficeHours) demandPart(c *Compiled, t int, cal *solver.Calendar) (part, bool) {
	return part{NamePilotOfficeHours, phrase{"the pilot's office hours", "les horaires de bureau du pilote", true}, cal}, true
}

// explainUnplaced: the pilot is busy.
func (r PilotOfficeHours) explainUnplaced(c *Compiled, t int, p solver.Placement, lang Lang) ([]model.Reason, bool) {
	if p.Reason != solver.ReasonResources || !r.ownsResource(c, p.Blocker) {
		return nil, false
	}
	iv := c.Interventions[t]
	dl := c.deadlineText(c.Problem.Tasks[t].Deadline, lang)
	if lang == French {
		return []model.Reason{{Rule: NamePilotOfficeHours, Message: fmt.Sprintf("Le pilote est déjà pris ailleurs sur tous les créneaux de ses horaires de bureau où %s pourrait avoir lieu avant %s", iv.ID, dl)}}, true
	}
	return []model.Reason{{Rule: NamePilotOfficeHours, Message: fmt.Sprintf("the pilot is busy elsewhere in every office-hour slot before %s", dl)}}, true
}

// Check verifies rule 3: an intervention that needs the pilot names an existing pilot
// and each worked stretch lies inside that pilot's office hours (Saturday permanence
// included), outside absences and off public holidays; an intervention that does not
// need the pilot may name one, but only an existing one; a pilot's worked stretches
// never overlap (a pilot is held only while present: another visit may take the gap
// between two segments of a split intervention).
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
		tp := v.Typed.PilotOf(p)
		absences, absErr := v.readPeriods(tp.Absences)
		if absErr != nil {
			add("the absences of pilot %s cannot be read: %v", p.ID, absErr)
		}
		if v.Fact(pl) {
			continue // done work is a fact: today's office hours do not judge it
		}
		for _, s := range pl.Stretches {
			in, err := v.Inside(tp.Hours, s.Start, s.End)
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
		vfStretchesOverlapping(v.ByPilot[pilot], func(later, earlier *Placed, ls, es Stretch) {
			out = append(out, vfViolation(r, later.ID(), "pilot %s is still at %s (until %s) when this starts at %s",
				pilot, earlier.ID(), v.at(es.End), v.at(ls.Start)))
		})
	}
	return out
}

// vfStretchesOverlapping reports each worked stretch of l that starts before a
// stretch of another assignment of l ends, with the stretch of the run it
// overlaps (the latest-ending one before it): a pilot is held only while present,
// not in the gaps between the segments of a split intervention, where the crew
// and the dwelling stay held (vfOverlapping, over [Start, End)).
func vfStretchesOverlapping(l []*Placed, report func(later, earlier *Placed, ls, es Stretch)) {
	type owned struct {
		pl *Placed
		s  Stretch
	}
	var all []owned
	for _, pl := range l {
		for _, s := range pl.Stretches {
			if s.End.After(s.Start) {
				all = append(all, owned{pl, s})
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].s.Start.Before(all[j].s.Start) })
	var run *owned
	for i := range all {
		o := &all[i]
		if run != nil && run.pl != o.pl && o.s.Start.Before(run.s.End) {
			report(o.pl, run.pl, o.s, run.s)
		}
		if run == nil || o.s.End.After(run.s.End) {
			run = o
		}
	}
}
