package constraints

import (
	"fmt"
	"strings"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

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

var (
	_ resourceCompiler  = CrewCalendar{}
	_ taskCalendarer    = CrewCalendar{}
	_ taskDemander      = CrewCalendar{}
	_ resourceOwner     = CrewCalendar{}
	_ unplacedExplainer = CrewCalendar{}
)

// compileResources adds one resource per crew, one intervention at a time, on the
// crew's calendar without its unavailability and the public holidays.
func (CrewCalendar) compileResources(c *Compiled) error {
	for i := range c.Model.Crews {
		cr := &c.Model.Crews[i]
		cal, err := c.crewCalendar(cr)
		if err != nil {
			return err
		}
		c.Crews = append(c.Crews, cr)
		c.Problem.Resources = append(c.Problem.Resources, solver.Resource{Name: "crew " + cr.ID, Capacity: 1, Calendar: cal})
	}
	return nil
}

func (c *Compiled) crewCalendar(cr *model.Crew) (*solver.Calendar, error) {
	// crews share a few calendars: each is expanded once (Clock.Calendar caches
	// them by content)
	tc := c.Typed.CrewOf(cr)
	shared, err := c.Clock.Calendar(tc.Calendar)
	if err != nil {
		return nil, fmt.Errorf("crew %q calendar: %w", cr.ID, err)
	}
	off, err := c.Clock.Periods(tc.Unavailable, cr.Unavailable)
	if err != nil {
		return nil, fmt.Errorf("crew %q unavailable: %w", cr.ID, err)
	}
	return ownCalendar(shared, append(off, c.holidays...)), nil
}

// taskCalendar: no work on public holidays.
func (CrewCalendar) taskCalendar(b *taskBuild) error {
	b.addPart(NameCrewCalendar, phrase{"public holidays", "les jours fériés", true}, b.c.noHoliday)
	return nil
}

// taskDemands: one crew among those of the trade with enough workers.
func (CrewCalendar) taskDemands(b *taskBuild) error {
	c, x, iv := b.c, b.c.Index, b.iv
	if !x.NeedsCrew(iv) {
		return nil
	}
	var alts []int
	for i, cr := range c.Crews {
		if x.CanDo(cr, iv) {
			alts = append(alts, i)
		}
	}
	if len(alts) == 0 {
		return b.fail("trade", fmt.Errorf("no crew can do trade %q with %d workers", iv.Trade, x.CrewSize(iv)))
	}
	b.crewK = len(b.task.Demands)
	b.task.Demands = append(b.task.Demands, solver.Demand{Alternatives: alts, Amount: 1})
	return nil
}

// The crews are the first resources.
func (CrewCalendar) ownsResource(c *Compiled, r int) bool { return r < c.firstPilot }

func (CrewCalendar) busyWith(c *Compiled, r int, id string, lang Lang) string {
	if lang == French {
		return fmt.Sprintf("L'équipe %s est occupée par %s", c.Crews[r].ID, id)
	}
	return busyWith(c, r, id)
}

func (CrewCalendar) demandPart(c *Compiled, t int, cal *solver.Calendar) (part, bool) {
	trade := c.Interventions[t].Trade
	return part{NameCrewCalendar, phrase{fmt.Sprintf("the working days of the crews able to do %s", trade),
		fmt.Sprintf("les jours de travail des équipes du lot %s", trade), true}, cal}, true
}

// explainUnplaced: every crew able to do the work is busy.
func (r CrewCalendar) explainUnplaced(c *Compiled, t int, p solver.Placement, lang Lang) ([]model.Reason, bool) {
	if p.Reason != solver.ReasonResources || !r.ownsResource(c, p.Blocker) {
		return nil, false
	}
	iv := c.Interventions[t]
	task := &c.Problem.Tasks[t]
	dl := c.limitText(t, lang)
	var ids []string
	if k := c.crewDemand[t]; k >= 0 {
		for _, a := range task.Demands[k].Alternatives {
			ids = append(ids, c.Crews[a].ID)
		}
	}
	if lang == French {
		return []model.Reason{{Rule: NameCrewCalendar, Message: fmt.Sprintf("Toutes les équipes du lot %s (%s) sont prises sur tous les créneaux où %s pourrait avoir lieu avant %s", iv.Trade, strings.Join(ids, ", "), iv.ID, dl)}}, true
	}
	return []model.Reason{{Rule: NameCrewCalendar, Message: fmt.Sprintf("every crew able to do %s (%s) is busy in every possible slot before %s", iv.Trade, strings.Join(ids, ", "), dl)}}, true
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
			add("crew %s (%s) cannot do trade %s with %s", c.ID, vfPlural(c.SizeOf(), "worker"), iv.Trade, vfPlural(x.CrewSize(iv), "worker"))
		}
		tc := v.Typed.CrewOf(c)
		off, offErr := v.readPeriods(tc.Unavailable)
		if offErr != nil {
			add("the unavailability of crew %s cannot be read: %v", c.ID, offErr)
		}
		if v.Fact(pl) {
			continue // done work is a fact: today's calendars do not judge it
		}
		for _, s := range pl.Stretches {
			in, err := v.Inside(tc.Calendar, s.Start, s.End)
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
