package constraints

import (
	"fmt"
	"sort"
	"time"

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
		"an intervention that needs the pilot lies inside that pilot's office hours or sessions, or in hours the pilot gives its household as a favour, outside absences and holidays, and the pilot is in one place at a time",
		"une intervention qui demande le pilote a lieu pendant les horaires de bureau ou les permanences de ce pilote, ou pendant des heures que le pilote accorde à son ménage, hors de ses absences et des jours fériés, et le pilote n'est qu'à un endroit à la fois", false}.in(lang)
}

var (
	_ resourceCompiler  = PilotOfficeHours{}
	_ taskCalendarer    = PilotOfficeHours{}
	_ taskDemander      = PilotOfficeHours{}
	_ resourceOwner     = PilotOfficeHours{}
	_ unplacedExplainer = PilotOfficeHours{}
	_ startExplainer    = PilotOfficeHours{}
)

// compileResources adds one resource per pilot, in one place at a time, on the
// pilot's office hours, sessions and favours without absences and public holidays
// (a favour is kept for its household by the calendar of the other households'
// tasks: taskCalendar).
func (PilotOfficeHours) compileResources(c *Compiled) error {
	c.firstPilot = len(c.Problem.Resources)
	c.favours, c.favourPilots = map[string][]model.TypedRecurrence{}, map[string][]int{}
	for i := range c.Model.Pilots {
		tp := c.Typed.PilotOf(&c.Model.Pilots[i])
		for k := range tp.Favours {
			c.favours[tp.Favours[k].Household] = append(c.favours[tp.Favours[k].Household], tp.Favours[k].Window)
		}
		c.sessions = append(c.sessions, tp.Sessions...)
	}
	for i := range c.Model.Pilots {
		pl := &c.Model.Pilots[i]
		cal, err := c.pilotCalendarWith(pl, true)
		if err != nil {
			return err
		}
		c.Pilots = append(c.Pilots, pl)
		c.Problem.Resources = append(c.Problem.Resources, solver.Resource{Name: "pilot " + pl.ID, Capacity: 1, Calendar: cal})
	}
	return nil
}

// pilotCalendar is when the pilot attends any household (office hours and
// sessions), without absences and public holidays: the hours a pilot who holds a
// household's keys lets crews in.
func (c *Compiled) pilotCalendar(pl *model.Pilot) (*solver.Calendar, error) {
	return c.pilotCalendarWith(pl, false)
}

// pilotCalendarWith is pilotCalendar, with the pilot's favours when favours is
// set (the pilot's resource: taskCalendar keeps each favour for its household).
func (c *Compiled) pilotCalendarWith(pl *model.Pilot, favours bool) (*solver.Calendar, error) {
	tp := c.Typed.PilotOf(pl)
	hours := tp.Hours
	if favours {
		for k := range tp.Favours {
			hours = append(hours[:len(hours):len(hours)], tp.Favours[k].Window)
		}
	}
	shared, err := c.Clock.Calendar(hours)
	if err != nil {
		return nil, fmt.Errorf("pilot %q office hours: %w", pl.ID, err)
	}
	off, err := c.Clock.Periods(tp.Absences, pl.Absences)
	if err != nil {
		return nil, fmt.Errorf("pilot %q absences: %w", pl.ID, err)
	}
	return ownCalendar(shared, append(off, c.holidays...)), nil
}

// taskCalendar: an intervention that needs the pilot stays out of the hours a
// pilot gives other households as a favour. The task's calendar is one for all
// its pilots, so it leaves out, for each of them, the favours that pilot gives
// others outside its own hours and its favours to this household. When that would
// take away some of the household's own favours (two pilots giving favours at the
// same hours to different households), its visits are left to the pilots that
// give it favours (favourPilots), and then nothing of theirs is lost.
func (PilotOfficeHours) taskCalendar(b *taskBuild) error {
	c := b.c
	if len(c.favours) == 0 || !c.Index.NeedsPilot(b.iv) {
		return nil
	}
	h := ""
	if b.h != nil {
		h = b.h.ID
	}
	cal, err := c.cached("favours-of-others\x00"+h, func() (*solver.Calendar, error) {
		all := make([]int, len(c.Model.Pilots))
		for i := range all {
			all[i] = i
		}
		allowed, err := c.favoursOfOthers(h, all)
		if err != nil || allowed == nil || len(c.favours[h]) == 0 {
			return allowed, err
		}
		own, err := c.Clock.Calendar(c.favours[h])
		if err != nil {
			return nil, err
		}
		if solver.Intersect(own, allowed).Total() == own.Total() {
			return allowed, nil
		}
		var givers []int
		for i := range c.Model.Pilots {
			if len(c.Typed.PilotOf(&c.Model.Pilots[i]).FavoursFor(h)) > 0 {
				givers = append(givers, i)
			}
		}
		c.favourPilots[h] = givers
		return c.favoursOfOthers(h, givers)
	})
	if err != nil {
		return b.fail("pilot favours", err)
	}
	if cal != nil {
		b.addPart(NamePilotOfficeHours, phrase{"outside the hours the pilot gives other households", "hors des heures que le pilote accorde à d'autres ménages", true}, cal)
	}
	return nil
}

// favoursOfOthers is the calendar outside the favours the pilots (indices in
// Model.Pilots) give households other than h, each pilot's own hours and favours
// to h kept; nil when nothing is left out.
func (c *Compiled) favoursOfOthers(h string, pilots []int) (*solver.Calendar, error) {
	var blocked []solver.Window
	for _, i := range pilots {
		tp := c.Typed.PilotOf(&c.Model.Pilots[i])
		var others []model.TypedRecurrence
		keep := append([]model.TypedRecurrence(nil), tp.Hours...)
		for k := range tp.Favours {
			if tp.Favours[k].Household == h {
				keep = append(keep, tp.Favours[k].Window)
			} else {
				others = append(others, tp.Favours[k].Window)
			}
		}
		if len(others) == 0 {
			continue
		}
		oc, err := c.Clock.Calendar(others)
		if err != nil {
			return nil, err
		}
		kc, err := c.Clock.Calendar(keep)
		if err != nil {
			return nil, err
		}
		blocked = append(blocked, solver.Subtract(oc, kc.Windows()).Windows()...)
	}
	if len(solver.NewCalendar(blocked).Windows()) == 0 {
		return nil, nil
	}
	return solver.Subtract(nil, blocked), nil
}

// discouraged is the calendar of the hours a visit of household h with the pilot
// pays for (the sessions and h's favours), nil when there are none.
func (c *Compiled) discouraged(h string) (*solver.Calendar, error) {
	if len(c.sessions) == 0 && len(c.favours[h]) == 0 {
		return nil, nil
	}
	key := "pilot-extra\x00" // the sessions alone, shared by the households without favours
	if len(c.favours[h]) > 0 {
		key += h
	}
	return c.cached(key, func() (*solver.Calendar, error) {
		rs := append(append([]model.TypedRecurrence(nil), c.sessions...), c.favours[h]...)
		return c.Clock.Calendar(rs)
	})
}

// PilotExtras reports whether a pilot has sessions or favours: hours that cost
// (policy.pilot_extra_hours).
func (c *Compiled) PilotExtras() bool { return len(c.sessions) > 0 || len(c.favours) > 0 }

// taskDemands: any pilot, when the intervention needs one.
func (PilotOfficeHours) taskDemands(b *taskBuild) error {
	c := b.c
	if !c.Index.NeedsPilot(b.iv) {
		return nil
	}
	if len(c.Pilots) == 0 {
		return b.fail("needs_pilot", fmt.Errorf("needs the pilot but the operation has none"))
	}
	h := ""
	if b.h != nil {
		h = b.h.ID
	}
	var alts []int
	if givers, ok := c.favourPilots[h]; ok && !b.iv.Fixed() {
		for _, i := range givers {
			alts = append(alts, c.firstPilot+i)
		}
	} else {
		alts = make([]int, len(c.Pilots))
		for i := range alts {
			alts[i] = c.firstPilot + i
		}
	}
	b.pilotK = len(b.task.Demands)
	// a pilot is needed only while present: free in the gaps of a split intervention
	d := solver.Demand{Alternatives: alts, Amount: 1, WhilePresent: true}
	c.preferOwnPilot(b, &d)
	b.task.Demands = append(b.task.Demands, d)
	extra, err := c.discouraged(h)
	if err != nil {
		return b.fail("pilot sessions", err)
	}
	b.task.Discouraged = extra
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
	if c.PilotExtras() {
		return part{NamePilotOfficeHours, phrase{"the pilot's office hours, sessions and favour hours", "les horaires de bureau, les permanences et les heures accordées du pilote", true}, cal}, true
	}
	return part{NamePilotOfficeHours, phrase{"the pilot's office hours", "les horaires de bureau du pilote", true}, cal}, true
}

// explainStart: a visit that takes some of the pilot's sessions or favour hours
// says so, and what they cost.
func (PilotOfficeHours) explainStart(c *Compiled, t int, pl []solver.Placement, lang Lang) ([]model.Reason, bool) {
	task := &c.Problem.Tasks[t]
	if task.Discouraged == nil || !pl[t].Placed {
		return nil, false
	}
	iv := c.Interventions[t]
	h := ""
	if hh := c.Index.HouseholdOf(iv); hh != nil {
		h = hh.ID
	}
	used, favour := 0, 0
	var fav *solver.Calendar
	if len(c.favours[h]) > 0 {
		fav, _ = c.Clock.Calendar(c.favours[h])
	}
	for _, w := range c.Problem.Stretches(t, pl[t]) {
		used += task.Discouraged.Work(w.Start, w.End)
		if fav != nil {
			favour += fav.Work(w.Start, w.End)
		}
	}
	if used == 0 {
		return nil, false
	}
	w := c.Model.PilotExtraHoursWeight()
	var msg string
	switch {
	case lang == French && favour > 0:
		msg = fmt.Sprintf("%s prend %s sur les heures que le pilote accorde au ménage %s, au coût de %g par heure (policy.pilot_extra_hours) : aucun moment plus avantageux ne convient", iv.ID, frMinutes(used), frQ(h), w)
	case lang == French:
		msg = fmt.Sprintf("%s prend %s sur les permanences du pilote, au coût de %g par heure (policy.pilot_extra_hours) : aucun moment plus avantageux ne convient", iv.ID, frMinutes(used), w)
	case favour > 0:
		msg = fmt.Sprintf("%s takes %s of the hours the pilot gives household %q, at %g per hour (policy.pilot_extra_hours): no better time fits", iv.ID, enMinutes(used), h, w)
	default:
		msg = fmt.Sprintf("%s takes %s of the pilot's sessions, at %g per hour (policy.pilot_extra_hours): no better time fits", iv.ID, enMinutes(used), w)
	}
	return []model.Reason{{Rule: NamePilotOfficeHours, Message: msg}}, false
}

// explainUnplaced: the pilot is busy.
func (r PilotOfficeHours) explainUnplaced(c *Compiled, t int, p solver.Placement, lang Lang) ([]model.Reason, bool) {
	if p.Reason != solver.ReasonResources || !r.ownsResource(c, p.Blocker) {
		return nil, false
	}
	iv := c.Interventions[t]
	dl := c.limitText(t, lang)
	if lang == French {
		return []model.Reason{{Rule: NamePilotOfficeHours, Message: fmt.Sprintf("Le pilote est déjà pris ailleurs sur tous les créneaux de ses horaires de bureau où %s pourrait avoir lieu avant %s", iv.ID, dl)}}, true
	}
	return []model.Reason{{Rule: NamePilotOfficeHours, Message: fmt.Sprintf("the pilot is busy elsewhere in every office-hour slot before %s", dl)}}, true
}

// Check verifies rule 3: an intervention that needs the pilot names an existing pilot
// and each worked stretch lies inside that pilot's office hours (Saturday permanence
// and sessions included) or the hours the pilot gives the intervention's household
// as a favour (never another household's), outside absences and off public
// holidays; an intervention that does not
// need the pilot may name one, but only an existing one; a pilot's worked stretches never
// overlap (a pilot is held only while present: another visit may take the gap
// between two segments of a split intervention).
func (r PilotOfficeHours) Check(v *Verification) []Violation {
	var out []Violation
	x := v.Index
	fh := &favourHours{v: v, withFavours: map[[2]string][]model.TypedRecurrence{}, allFavours: map[string][]model.TypedRecurrence{}}
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
		hours := fh.hoursFor(p, tp, x.HouseholdOf(iv))
		for _, s := range pl.Stretches {
			in, err := v.Inside(hours, s.Start, s.End)
			if err != nil {
				add("the office hours of pilot %s cannot be read: %v", p.ID, err)
				break
			}
			switch {
			case in:
			case fh.kept(p, tp, s.Start, s.End):
				add("pilot %s is needed %s, in hours the pilot gives another household as a favour", p.ID, v.span(s))
			default:
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

// enMinutes is m minutes as "1h", "45m", "1h30m".
func enMinutes(m int) string {
	switch {
	case m < 60:
		return fmt.Sprintf("%dm", m)
	case m%60 == 0:
		return fmt.Sprintf("%dh", m/60)
	}
	return fmt.Sprintf("%dh%02dm", m/60, m%60)
}

// frMinutes is m minutes the French way: "1 h", "45 minutes", "1 h 30".
func frMinutes(m int) string {
	switch {
	case m < 60:
		return fmt.Sprintf("%d minutes", m)
	case m%60 == 0:
		return fmt.Sprintf("%d\u00a0h", m/60)
	}
	return fmt.Sprintf("%d\u00a0h\u00a0%02d", m/60, m%60)
}

// favourHours are the verifier's lists of a pilot's hours with favours, one list
// each, so that their windows are expanded once.
type favourHours struct {
	v *Verification
	// withFavours: a pilot's hours with its favours to one household
	withFavours map[[2]string][]model.TypedRecurrence
	// allFavours: a pilot's hours with every favour it gives
	allFavours map[string][]model.TypedRecurrence
}

// hoursFor are the hours pilot p may attend household h (nil: no household).
func (f *favourHours) hoursFor(p *model.Pilot, tp *model.TypedPilot, h *model.Household) []model.TypedRecurrence {
	if len(tp.Favours) == 0 || h == nil {
		return tp.Hours
	}
	k := [2]string{p.ID, h.ID}
	hs, ok := f.withFavours[k]
	if !ok {
		hs = append(append([]model.TypedRecurrence(nil), tp.Hours...), tp.FavoursFor(h.ID)...)
		f.withFavours[k] = hs
	}
	return hs
}

// kept reports whether [a, b) lies in pilot p's hours with every favour it gives:
// a stretch inside them but not inside hoursFor uses another household's favour.
func (f *favourHours) kept(p *model.Pilot, tp *model.TypedPilot, a, b time.Time) bool {
	if len(tp.Favours) == 0 {
		return false
	}
	hs, ok := f.allFavours[p.ID]
	if !ok {
		hs = append([]model.TypedRecurrence(nil), tp.Hours...)
		for k := range tp.Favours {
			hs = append(hs, tp.Favours[k].Window)
		}
		f.allFavours[p.ID] = hs
	}
	in, err := f.v.Inside(hs, a, b)
	return err == nil && in
}
