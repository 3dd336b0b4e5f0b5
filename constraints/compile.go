package constraints

import (
	"fmt"
	"strings"

	"github.com/rehabplan/rehabplan/internal/calendar"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// Compiled is a domain problem in the solver's terms, with the maps back to the
// domain that explanations and plans need.
type Compiled struct {
	Model   *model.Problem
	Index   *model.Index
	Clock   *calendar.Clock
	Problem *solver.Problem
	// Interventions[t] is the intervention of task t; TaskOf the reverse.
	Interventions []*model.Intervention
	TaskOf        map[string]int
	// Resource ranges: crews, then pilots, then dwellings.
	Crews                     []*model.Crew
	Pilots                    []*model.Pilot
	Dwellings                 []*model.Dwelling
	firstPilot, firstDwelling int
	// crewDemand[t] / pilotDemand[t]: index of the crew / pilot demand of task t, or -1.
	crewDemand, pilotDemand []int
	// parts[t]: the calendars, one per rule, whose intersection is task t's own calendar.
	parts    [][]part
	holidays []solver.Window
	// shared calendars, so that tasks with the same conditions share one calendar
	noHoliday *solver.Calendar
	pilotDuty *solver.Calendar
	cache     map[string]*solver.Calendar
	access    map[accessKey]accessCal
	preferred map[string]*solver.Calendar // by household id
	byParts   map[partsKey]*solver.Calendar
}

// partsKey identifies a short list of calendars by identity.
type partsKey struct {
	n    int
	cals [6]*solver.Calendar
}

// part is one rule's say on when a task may run.
type part struct {
	rule string
	what phrase // "the household's availability", ...
	cal  *solver.Calendar
}

// Compile turns a validated problem into a solver problem.
func Compile(p *model.Problem) (*Compiled, error) {
	clk, err := calendar.NewClock(p)
	if err != nil {
		return nil, fmt.Errorf("operation: %w", err)
	}
	x := model.NewIndex(p)
	c := &Compiled{Model: p, Index: x, Clock: clk, TaskOf: map[string]int{}, cache: map[string]*solver.Calendar{},
		access: map[accessKey]accessCal{}, preferred: map[string]*solver.Calendar{}, byParts: map[partsKey]*solver.Calendar{}}
	sp := &solver.Problem{Horizon: clk.HorizonMinutes(), DayStarts: clk.DayStarts(), WeekStarts: clk.WeekStarts()}
	c.Problem = sp
	c.holidays, err = clk.Dates(p.HolidayDates())
	if err != nil {
		return nil, fmt.Errorf("operation.holidays: %w", err)
	}
	wd := p.WorkingDayMinutes()
	c.noHoliday = solver.Subtract(nil, c.holidays)

	// resources
	for i := range p.Crews {
		cr := &p.Crews[i]
		cal, err := c.crewCalendar(cr)
		if err != nil {
			return nil, err
		}
		c.Crews = append(c.Crews, cr)
		sp.Resources = append(sp.Resources, solver.Resource{Name: "crew " + cr.ID, Capacity: 1, Calendar: cal})
	}
	c.firstPilot = len(sp.Resources)
	for i := range p.Pilots {
		pl := &p.Pilots[i]
		cal, err := c.pilotCalendar(pl)
		if err != nil {
			return nil, err
		}
		c.Pilots = append(c.Pilots, pl)
		sp.Resources = append(sp.Resources, solver.Resource{Name: "pilot " + pl.ID, Capacity: 1, Calendar: cal})
	}
	c.firstDwelling = len(sp.Resources)
	dwellingRes := map[string]int{}
	dwellingGroup := map[string]int{}
	for i := range p.Dwellings {
		d := &p.Dwellings[i]
		c.Dwellings = append(c.Dwellings, d)
		dwellingRes[d.ID] = len(sp.Resources)
		dwellingGroup[d.ID] = i
		sp.Resources = append(sp.Resources, solver.Resource{Name: "dwelling " + d.ID, Capacity: d.MaxCrewsOf()})
	}

	// tasks
	n := len(p.Interventions)
	sp.Tasks = make([]solver.Task, 0, n)
	c.TaskOf = make(map[string]int, n)
	c.Interventions = make([]*model.Intervention, 0, n)
	c.parts = make([][]part, 0, n)
	c.crewDemand, c.pilotDemand = make([]int, 0, n), make([]int, 0, n)
	byDwellingTrade := make(map[[2]string][]int, n)
	byStairwellTrade := map[[2]string][]int{}
	byDwelling := make(map[string][]int, len(p.Dwellings))
	for i := range p.Interventions {
		iv := &p.Interventions[i]
		t := len(sp.Tasks)
		c.TaskOf[iv.ID] = t
		c.Interventions = append(c.Interventions, iv)
		task, parts, crewK, pilotK, err := c.task(iv, wd, dwellingRes[iv.Dwelling], dwellingGroup[iv.Dwelling])
		if err != nil {
			return nil, err
		}
		sp.Tasks = append(sp.Tasks, task)
		c.parts = append(c.parts, parts)
		c.crewDemand = append(c.crewDemand, crewK)
		c.pilotDemand = append(c.pilotDemand, pilotK)
		byDwellingTrade[[2]string{iv.Dwelling, iv.Trade}] = append(byDwellingTrade[[2]string{iv.Dwelling, iv.Trade}], t)
		sw := x.Dwellings[iv.Dwelling].Stairwell
		byStairwellTrade[[2]string{sw, iv.Trade}] = append(byStairwellTrade[[2]string{sw, iv.Trade}], t)
		byDwelling[iv.Dwelling] = append(byDwelling[iv.Dwelling], t)
	}

	// precedences (rule 4, and rule 8's order around a stay)
	siteCal, err := c.siteCalendar()
	if err != nil {
		return nil, err
	}
	for si, s := range p.Sequences {
		minLag, maxLag := 0, -1
		if s.MinLag != "" {
			if minLag, err = model.ParseDuration(s.MinLag, 0); err != nil {
				return nil, fmt.Errorf("sequences[%d].min_lag: %w", si, err)
			}
		}
		if s.MaxLag != "" {
			if maxLag, err = model.ParseDuration(s.MaxLag, 0); err != nil {
				return nil, fmt.Errorf("sequences[%d].max_lag: %w", si, err)
			}
		}
		only := map[string]bool{}
		for _, d := range s.Dwellings {
			only[d] = true
		}
		link := func(from, to int) {
			if len(only) > 0 && (!only[c.Interventions[from].Dwelling] || !only[c.Interventions[to].Dwelling]) {
				return
			}
			sp.Precedences = append(sp.Precedences, solver.Precedence{From: from, To: to, MinLag: minLag, MaxLag: maxLag})
			if s.MinLagWorkingDays > 0 {
				sp.Precedences = append(sp.Precedences, solver.Precedence{From: from, To: to,
					MinLag: s.MinLagWorkingDays * wd, LagCalendar: siteCal, MaxLag: -1})
			}
		}
		if s.Scope == "stairwell" {
			for _, sw := range p.StairwellIDs() {
				for _, a := range byStairwellTrade[[2]string{sw, s.Before}] {
					for _, b := range byStairwellTrade[[2]string{sw, s.After}] {
						link(a, b)
					}
				}
			}
			continue
		}
		for _, d := range p.Dwellings {
			for _, a := range byDwellingTrade[[2]string{d.ID, s.Before}] {
				for _, b := range byDwellingTrade[[2]string{d.ID, s.After}] {
					link(a, b)
				}
			}
		}
	}
	for t, iv := range c.Interventions {
		for _, a := range iv.After {
			if f, ok := c.TaskOf[a]; ok {
				sp.Precedences = append(sp.Precedences, solver.Precedence{From: f, To: t, MaxLag: -1})
			}
		}
	}
	for _, d := range p.Dwellings {
		var out, during, back []int
		for _, t := range byDwelling[d.ID] {
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

	// household profiles over several interventions (rule 7)
	nowMin, hasNow := 0, false
	if now, ok := c.Model.NowTime(c.Clock.Loc); ok {
		nowMin, hasNow = c.Clock.Minute(now), true
	}
	for _, d := range p.Dwellings {
		if !d.Occupied() {
			continue
		}
		h := x.Households[d.Household]
		if h == nil {
			continue
		}
		tasks := byDwelling[d.ID]
		for _, pid := range h.Profiles {
			pr := x.Profiles[pid]
			if pr == nil {
				continue
			}
			if pr.MaxInterventionsPerDay > 0 || pr.MaxDisturbedDaysPerWeek > 0 {
				sp.DayLimits = append(sp.DayLimits, solver.DayLimit{Name: d.ID + "/" + pid, Tasks: tasks,
					MaxPerDay: pr.MaxInterventionsPerDay, MaxDaysPerWeek: pr.MaxDisturbedDaysPerWeek})
			}
			if pr.MaxWaterOutDays > 0 {
				var water []int
				limit := pr.MaxWaterOutDays * 24 * 60
				for _, t := range tasks {
					if tr := x.Trades[c.Interventions[t].Trade]; tr != nil && tr.CutsWater {
						if waterOver(&sp.Tasks[t], nowMin, hasNow, limit) {
							continue
						}
						water = append(water, t)
					}
				}
				if len(water) > 0 {
					sp.Spans = append(sp.Spans, solver.SpanLimit{Name: d.ID + "/" + pid, Tasks: water, Max: pr.MaxWaterOutDays * 24 * 60})
				}
			}
		}
	}
	sp.Objective = objective(p.Operation.Policy)
	// the dwellings' ends count by their mean, so that the operation's end keeps
	// its weight whatever the number of dwellings
	sp.Objective.GroupEnd /= float64(max(1, len(p.Dwellings)))
	return c, nil
}

// objective converts the policy's per-day and per-hour weights to per-minute ones.
func objective(pol model.Policy) solver.Objective {
	w := func(v *float64, def float64) float64 {
		if v == nil {
			return def
		}
		return *v
	}
	return solver.Objective{
		Makespan:   w(pol.Makespan, 10) / 1440,
		GroupEnd:   w(pol.DwellingEnd, 1) / 1440,
		GroupDays:  w(pol.DisturbedDays, 5),
		Preference: w(pol.Preferred, 1) / 60,
		Tardiness:  w(pol.SoftDeadline, 20) / 1440,
	}
}

func (c *Compiled) crewCalendar(cr *model.Crew) (*solver.Calendar, error) {
	// crews share a few calendars: each is expanded once (Clock.Calendar caches
	// them by content)
	shared, err := c.Clock.Calendar(c.Model.CrewCalendar(cr))
	if err != nil {
		return nil, fmt.Errorf("crew %q calendar: %w", cr.ID, err)
	}
	off, err := c.Clock.Periods(cr.Unavailable)
	if err != nil {
		return nil, fmt.Errorf("crew %q unavailable: %w", cr.ID, err)
	}
	return ownCalendar(shared, append(off, c.holidays...)), nil
}

func (c *Compiled) pilotCalendar(pl *model.Pilot) (*solver.Calendar, error) {
	shared, err := c.Clock.Calendar(pl.Hours())
	if err != nil {
		return nil, fmt.Errorf("pilot %q office hours: %w", pl.ID, err)
	}
	off, err := c.Clock.Periods(pl.Absences)
	if err != nil {
		return nil, fmt.Errorf("pilot %q absences: %w", pl.ID, err)
	}
	return ownCalendar(shared, append(off, c.holidays...)), nil
}

// ownCalendar is shared without the holes, a calendar of its own even when there is
// nothing to subtract (as when each resource's calendar was expanded apart).
func ownCalendar(shared *solver.Calendar, holes []solver.Window) *solver.Calendar {
	cal := solver.Subtract(shared, holes)
	if cal == shared {
		cal = solver.NewCalendar(shared.Windows())
	}
	return cal
}

// siteCalendar is the site hours without holidays: the calendar of lags in working days.
func (c *Compiled) siteCalendar() (*solver.Calendar, error) {
	ws, err := c.Clock.Recurrences(c.Model.SiteHours())
	if err != nil {
		return nil, fmt.Errorf("operation.site_hours: %w", err)
	}
	return solver.Subtract(solver.NewCalendar(ws), c.holidays), nil
}

func (c *Compiled) minute(s string, end bool) (int, error) {
	var err error
	if end {
		t, e := model.ParseEndMoment(s, c.Clock.Loc)
		if e == nil {
			return c.Clock.Minute(t), nil
		}
		err = e
	} else {
		t, e := model.ParseMoment(s, c.Clock.Loc)
		if e == nil {
			return c.Clock.Minute(t), nil
		}
		err = e
	}
	return 0, err
}

// task builds the solver task of one intervention, with the rule calendars it is
// made of (kept for explanations).
func (c *Compiled) task(iv *model.Intervention, wd, dwellingRes, group int) (solver.Task, []part, int, int, error) {
	x := c.Index
	fail := func(field string, err error) (solver.Task, []part, int, int, error) {
		return solver.Task{}, nil, -1, -1, fmt.Errorf("intervention %q %s: %w", iv.ID, field, err)
	}
	d, err := model.ParseDuration(iv.Duration, wd)
	if err != nil {
		return fail("duration", err)
	}
	t := solver.Task{Name: iv.ID, Duration: d, Contiguous: model.Contiguous(d), Group: group}
	var parts []part
	add := func(rule string, what phrase, cal *solver.Calendar) {
		parts = append(parts, part{rule, what, cal})
	}
	add(NameCrewCalendar, phrase{"public holidays", "les jours fériés", true}, c.noHoliday)
	h := x.HouseholdOf(iv)
	profiles := x.ProfilesOf(iv)

	// rule 2: someone at home
	if h != nil {
		cal, what, err := c.accessCalendar(iv, h, profiles)
		if err != nil {
			return fail("access", err)
		}
		if cal != nil || what.en != "" {
			add(NameTenantAvailability, what, cal)
		}
		if len(h.Preferred) > 0 {
			pref, ok := c.preferred[h.ID]
			if !ok {
				if pref, err = c.Clock.Calendar(h.Preferred); err != nil {
					return fail("household preferred windows", err)
				}
				c.preferred[h.ID] = pref
			}
			t.Preferred = pref
		}
	}
	// rule 7: hours of work and noisy work
	tr := x.Trades[iv.Trade]
	for _, pr := range profiles {
		if pr.NoWorkBefore != "" || pr.NoWorkAfter != "" {
			from, to := 0, 1440
			if pr.NoWorkBefore != "" {
				from, _ = model.ParseClock(pr.NoWorkBefore)
			}
			if pr.NoWorkAfter != "" {
				to, _ = model.ParseClock(pr.NoWorkAfter)
			}
			hours, _ := c.cached("hours|"+pr.ID, func() (*solver.Calendar, error) {
				return solver.NewCalendar(c.Clock.DailyHours(from, to)), nil
			})
			add(NameHouseholdProfile, phrase{fmt.Sprintf("the hours allowed by profile %q", pr.ID),
				fmt.Sprintf("les horaires que permet le profil %s", frQ(pr.ID)), true}, hours)
		}
		if tr != nil && (tr.Noisy || tr.Dusty) {
			switch pr.NoisyDusty {
			case "relocated":
				stay, err := c.stayCalendar(h)
				if err != nil {
					return fail("relocation", err)
				}
				add(NameHouseholdProfile, phrase{fmt.Sprintf("the household's relocation stay (profile %q allows noisy or dusty work only then)", pr.ID),
					fmt.Sprintf("le séjour du ménage en logement tiroir (le profil %s n'y autorise les travaux bruyants ou poussiéreux qu'à ce moment-là)", frQ(pr.ID)), false}, stay)
			case "hours":
				noisy, err := c.Clock.Calendar(pr.NoisyHours)
				if err != nil {
					// a profile's rules stay out of messages, as in the validation
					return fail("profile noisy hours", fmt.Errorf("profile %q: its noisy hours cannot be expanded over the operation", pr.ID))
				}
				add(NameHouseholdProfile, phrase{fmt.Sprintf("the hours for noisy or dusty work of profile %q", pr.ID),
					fmt.Sprintf("les horaires des travaux bruyants ou poussiéreux du profil %s", frQ(pr.ID)), true}, noisy)
			}
		}
	}
	// rule 8: interventions tied to a stay
	if iv.Relocation != "" {
		stay, err := c.stayCalendar(h)
		if err != nil {
			return fail("relocation", err)
		}
		add(NameRelocation, phrase{"the household's relocation stay", "le séjour du ménage en logement tiroir", false}, stay)
	}
	t.Calendar = c.intersectParts(parts)

	// rule 5: release, deliveries, deadline
	if iv.Release != "" {
		if t.Release, err = c.minute(iv.Release, false); err != nil {
			return fail("release", err)
		}
	}
	for _, did := range iv.Deliveries {
		if dl := x.Deliveries[did]; dl != nil {
			m, err := c.minute(dl.Expected, false)
			if err != nil {
				return fail("delivery "+did, err)
			}
			t.Release = max(t.Release, m)
		}
	}
	t.Release = max(t.Release, 0)
	// rule 9: when the plan is made at a given time (a replan), nothing new starts
	// before it, and a household is told NoticeDays ahead of a new appointment
	if now, ok := c.Model.NowTime(c.Clock.Loc); ok && !iv.Fixed() {
		t.Release = max(t.Release, c.Clock.Minute(now))
		if d := x.Dwellings[iv.Dwelling]; d != nil && d.Occupied() {
			t.Release = max(t.Release, c.Clock.Minute(c.Model.NoticeFloor(now, c.Clock.Loc)))
		}
	}
	if iv.Deadline != "" {
		if t.Deadline, err = c.minute(iv.Deadline, true); err != nil {
			return fail("deadline", err)
		}
		t.Deadline = max(t.Deadline, 1)
	}
	if iv.SoftDeadline != "" {
		if t.SoftDeadline, err = c.minute(iv.SoftDeadline, true); err != nil {
			return fail("soft_deadline", err)
		}
	}

	// resources: crew (rule 1), pilot (rule 3), dwelling (rule 6)
	crewK, pilotK := -1, -1
	if x.NeedsCrew(iv) {
		var alts []int
		for i, cr := range c.Crews {
			if x.CanDo(cr, iv) {
				alts = append(alts, i)
			}
		}
		if len(alts) == 0 {
			return fail("trade", fmt.Errorf("no crew can do trade %q with %d workers", iv.Trade, iv.NeedCrewSize()))
		}
		crewK = len(t.Demands)
		t.Demands = append(t.Demands, solver.Demand{Alternatives: alts, Amount: 1})
	}
	if x.NeedsPilot(iv) {
		if len(c.Pilots) == 0 {
			return fail("needs_pilot", fmt.Errorf("needs the pilot but the operation has none"))
		}
		alts := make([]int, len(c.Pilots))
		for i := range alts {
			alts[i] = c.firstPilot + i
		}
		pilotK = len(t.Demands)
		t.Demands = append(t.Demands, solver.Demand{Alternatives: alts, Amount: 1})
	}
	if x.NeedsCrew(iv) {
		t.Demands = append(t.Demands, solver.Demand{Alternatives: []int{dwellingRes}, Amount: 1})
	}

	// rule 9: announced, done and pinned interventions stay where they are
	if iv.Fixed() {
		t.Fixed = true
		if t.Start, err = c.minute(iv.Start, false); err != nil {
			return fail("start", err)
		}
		if t.End, err = c.minute(iv.End, false); err != nil {
			return fail("end", err)
		}
		t.Choice = make([]int, len(t.Demands))
		for k, dm := range t.Demands {
			t.Choice[k] = dm.Alternatives[0]
		}
		if crewK >= 0 && iv.Crew != "" {
			found := false
			for _, r := range t.Demands[crewK].Alternatives {
				if c.Crews[r].ID == iv.Crew {
					t.Choice[crewK], found = r, true
				}
			}
			if !found {
				return fail("crew", fmt.Errorf("crew %q cannot do trade %q", iv.Crew, iv.Trade))
			}
		}
		if pilotK >= 0 && iv.Pilot != "" {
			for _, r := range t.Demands[pilotK].Alternatives {
				if c.Pilots[r-c.firstPilot].ID == iv.Pilot {
					t.Choice[pilotK] = r
				}
			}
		}
	}
	return t, parts, crewK, pilotK, nil
}

// accessCalendar is when someone can let the crew in (rule 2), or nil when nobody
// needs to be at home.
func (c *Compiled) accessCalendar(iv *model.Intervention, h *model.Household, profiles []*model.Profile) (*solver.Calendar, phrase, error) {
	access := c.Index.AccessOf(iv)
	if access == model.AccessNone {
		return nil, phrase{}, nil
	}
	if access == model.AccessKeys && h.KeysWithPilot {
		if _, err := c.Clock.Periods(h.Absences); err != nil {
			return nil, phrase{}, err
		}
		if c.pilotDuty == nil {
			var ws []solver.Window
			for _, pl := range c.Pilots {
				cal, err := c.pilotCalendar(pl)
				if err != nil {
					return nil, phrase{}, err
				}
				ws = append(ws, cal.Windows()...)
			}
			c.pilotDuty = solver.NewCalendar(ws)
		}
		return c.pilotDuty, phrase{fmt.Sprintf("the pilot's office hours (household %q left its keys)", h.ID),
			fmt.Sprintf("les horaires de bureau du pilote (le ménage %s lui a laissé ses clés)", frQ(h.ID)), true}, nil
	}
	carer := false
	for _, pr := range profiles {
		carer = carer || pr.NeedsCarer
	}
	key := accessKey{h.ID, carer}
	if a, ok := c.access[key]; ok {
		return a.cal, a.what, nil
	}
	recs, what := h.Availability, phrase{fmt.Sprintf("the availability of household %q", h.ID),
		fmt.Sprintf("les disponibilités du ménage %s", frQ(h.ID)), true}
	if carer {
		// in French, the person who must be there, without a word of why
		recs, what = h.CarerAvailability, phrase{fmt.Sprintf("the carer's availability (household %q)", h.ID),
			fmt.Sprintf("les disponibilités de la personne qui doit accompagner le ménage %s", frQ(h.ID)), true}
	}
	// (a household seen before had its absences read without error)
	absences, err := c.Clock.Periods(h.Absences)
	if err != nil {
		return nil, phrase{}, err
	}
	cal, err := c.Clock.Calendar(recs)
	if err != nil {
		return nil, phrase{}, err
	}
	cal = solver.Subtract(cal, absences)
	c.access[key] = accessCal{cal, what}
	return cal, what, nil
}

// accessKey identifies a household's access calendar: its own availability or
// its carer's.
type accessKey struct {
	household string
	carer     bool
}

type accessCal struct {
	cal  *solver.Calendar
	what phrase
}

// stayCalendar is when the household stays in a relocation unit (never, if it has
// no stay).
func (c *Compiled) stayCalendar(h *model.Household) (*solver.Calendar, error) {
	if h == nil {
		return solver.NewCalendar(nil), nil
	}
	return c.cached("stay|"+h.ID, func() (*solver.Calendar, error) {
		var ps []model.Period
		for _, st := range c.Index.Stays[h.ID] {
			ps = append(ps, model.Period{From: st.From, To: st.To})
		}
		ws, err := c.Clock.Periods(ps)
		if err != nil {
			return nil, err
		}
		return solver.NewCalendar(ws), nil
	})
}

func (c *Compiled) cached(key string, f func() (*solver.Calendar, error)) (*solver.Calendar, error) {
	if cal, ok := c.cache[key]; ok {
		return cal, nil
	}
	cal, err := f()
	if err != nil {
		return nil, err
	}
	c.cache[key] = cal
	return cal, nil
}

// CrewAndPilot names the crew and the pilot chosen for task t.
func (c *Compiled) CrewAndPilot(t int, pl solver.Placement) (crew, pilot string) {
	if k := c.crewDemand[t]; k >= 0 && k < len(pl.Choice) {
		crew = c.Crews[pl.Choice[k]].ID
	}
	if k := c.pilotDemand[t]; k >= 0 && k < len(pl.Choice) {
		pilot = c.Pilots[pl.Choice[k]-c.firstPilot].ID
	}
	return crew, pilot
}

// intersectParts intersects the parts' calendars, sharing the result between tasks
// made of the same calendars (the same *solver.Calendar values, in the same order).
func (c *Compiled) intersectParts(parts []part) *solver.Calendar {
	if len(parts) <= len(partsKey{}.cals) {
		key := partsKey{n: len(parts)}
		for i, pt := range parts {
			key.cals[i] = pt.cal
		}
		cal, ok := c.byParts[key]
		if !ok {
			for _, pt := range parts {
				cal = solver.Intersect(cal, pt.cal)
			}
			c.byParts[key] = cal
		}
		return cal
	}
	var b strings.Builder
	b.WriteString("parts")
	for _, pt := range parts {
		fmt.Fprintf(&b, "|%p", pt.cal)
	}
	key := b.String()
	if cal, ok := c.cache[key]; ok {
		return cal
	}
	var cal *solver.Calendar
	for _, pt := range parts {
		cal = solver.Intersect(cal, pt.cal)
	}
	c.cache[key] = cal
	return cal
}

// ChoiceFor is the solver choice (one resource per demand) of task t with the given
// crew and pilot ids, nil when they are not among the task's alternatives. Empty ids
// take the first alternative.
func (c *Compiled) ChoiceFor(t int, crew, pilot string) []int {
	task := &c.Problem.Tasks[t]
	ch := make([]int, len(task.Demands))
	for k, d := range task.Demands {
		ch[k] = d.Alternatives[0]
		want := ""
		switch k {
		case c.crewDemand[t]:
			want = crew
		case c.pilotDemand[t]:
			want = pilot
		}
		if want == "" {
			continue
		}
		found := false
		for _, r := range d.Alternatives {
			if k == c.crewDemand[t] && c.Crews[r].ID == want || k == c.pilotDemand[t] && c.Pilots[r-c.firstPilot].ID == want {
				ch[k], found = r, true
				break
			}
		}
		if !found {
			return nil
		}
	}
	return ch
}

// waterOver reports whether a fixed water-cutting task ended more than the
// profile's limit before now: that water cut is over, and whatever still cuts
// water could never be within the limit of it. The limit then binds the cuts still
// to come (and those that ended within it) as a new stretch without water, as the
// verifier judges it.
func waterOver(t *solver.Task, now int, hasNow bool, limit int) bool {
	return hasNow && t.Fixed && t.End+limit <= now
}
