package constraints

import (
	"fmt"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

//// HouseholdProfile

var (
	_ taskCalendarer    = HouseholdProfile{}
	_ termCompiler      = HouseholdProfile{}
	_ unplacedExplainer = HouseholdProfile{}
)

// taskCalendar: the hours of work a profile allows, and when noisy or dusty
// work may be done.
func (HouseholdProfile) taskCalendar(b *taskBuild) error {
	c := b.c
	tr := c.Index.Trades[b.iv.Trade]
	for _, pr := range b.profiles {
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
			b.addPart(NameHouseholdProfile, phrase{fmt.Sprintf("the hours allowed by profile %q", pr.ID),
				fmt.Sprintf("les horaires que permet le profil %s", frQ(pr.ID)), true}, hours)
		}
		if tr != nil && (tr.Noisy || tr.Dusty) {
			switch pr.NoisyDusty {
			case "relocated":
				stay, err := c.stayCalendar(b.h)
				if err != nil {
					return b.fail("relocation", err)
				}
				b.addPart(NameHouseholdProfile, phrase{fmt.Sprintf("the household's relocation stay (profile %q allows noisy or dusty work only then)", pr.ID),
					fmt.Sprintf("le séjour du ménage en logement tiroir (le profil %s n'y autorise les travaux bruyants ou poussiéreux qu'à ce moment-là)", frQ(pr.ID)), false}, stay)
			case "hours":
				noisy, err := c.Clock.Calendar(pr.NoisyHours)
				if err != nil {
					// a profile's rules stay out of messages, as in the validation
					return b.fail("profile noisy hours", fmt.Errorf("profile %q: its noisy hours cannot be expanded over the operation", pr.ID))
				}
				b.addPart(NameHouseholdProfile, phrase{fmt.Sprintf("the hours for noisy or dusty work of profile %q", pr.ID),
					fmt.Sprintf("les horaires des travaux bruyants ou poussiéreux du profil %s", frQ(pr.ID)), true}, noisy)
			}
		}
	}
	return nil
}

// compileTerms: the household's limits over several interventions (per day,
// disturbed days per week, days without water).
func (HouseholdProfile) compileTerms(c *Compiled, g *taskGroups) error {
	p, x, sp := c.Model, c.Index, c.Problem
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
		tasks := g.byDwelling[d.ID]
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
	return nil
}

// waterOver reports whether a fixed water-cutting task ended more than the
// profile's limit before now: that water cut is over, and whatever still cuts
// water could never be within the limit of it. The limit then binds the cuts still
// to come (and those that ended within it) as a new stretch without water, as the
// verifier judges it.
func waterOver(t *solver.Task, now int, hasNow bool, limit int) bool {
	return hasNow && t.Fixed && t.End+limit <= now
}

// explainUnplaced: the days without water, or the limits per day and per week.
func (HouseholdProfile) explainUnplaced(c *Compiled, t int, p solver.Placement, lang Lang) ([]model.Reason, bool) {
	iv := c.Interventions[t]
	switch p.Reason {
	case solver.ReasonSpan:
		return []model.Reason{{Rule: NameHouseholdProfile, Message: phrase{
			fmt.Sprintf("the works that cut water in dwelling %s cannot fit in the days the household's profile allows", iv.Dwelling),
			fmt.Sprintf("Les travaux qui coupent l'eau dans le logement %s (dont %s) ne tiennent pas dans le nombre de jours que permet le profil du ménage", iv.Dwelling, iv.ID), false}.in(lang)}}, true
	case solver.ReasonDayLimit:
		return []model.Reason{{Rule: NameHouseholdProfile, Message: phrase{
			fmt.Sprintf("no day is left before the deadline within the household's limit of interventions per day or disturbed days per week (dwelling %s)", iv.Dwelling),
			fmt.Sprintf("Il ne reste aucun jour avant l'échéance où placer %s sans dépasser la limite d'interventions par jour ou de jours dérangés par semaine du ménage (logement %s)", iv.ID, iv.Dwelling), false}.in(lang)}}, true
	}
	return nil, false
}

//// RelocationRule

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

//// FrozenAppointments

var (
	_ taskTimer      = FrozenAppointments{}
	_ taskPinner     = FrozenAppointments{}
	_ startExplainer = FrozenAppointments{}
)

// taskTiming: when the plan is made at a given time (a replan), nothing new
// starts before it, and a household is told NoticeDays ahead of a new appointment.
func (FrozenAppointments) taskTiming(b *taskBuild) error {
	c, iv, t := b.c, b.iv, &b.task
	if now, ok := c.Model.NowTime(c.Clock.Loc); ok && !iv.Fixed() {
		t.Release = max(t.Release, c.Clock.Minute(now))
		if d := c.Index.Dwellings[iv.Dwelling]; d != nil && d.Occupied() {
			t.Release = max(t.Release, c.Clock.Minute(c.Model.NoticeFloor(now, c.Clock.Loc)))
		}
	}
	return nil
}

// taskPin: announced, done and pinned interventions stay where they are, with
// their crew and pilot.
func (FrozenAppointments) taskPin(b *taskBuild) error {
	c, iv, t := b.c, b.iv, &b.task
	if !iv.Fixed() {
		return nil
	}
	var err error
	t.Fixed = true
	if t.Start, err = c.minute(iv.Start, false); err != nil {
		return b.fail("start", err)
	}
	if t.End, err = c.minute(iv.End, false); err != nil {
		return b.fail("end", err)
	}
	t.Choice = make([]int, len(t.Demands))
	for k, dm := range t.Demands {
		t.Choice[k] = dm.Alternatives[0]
	}
	if b.crewK >= 0 && iv.Crew != "" {
		found := false
		for _, r := range t.Demands[b.crewK].Alternatives {
			if c.Crews[r].ID == iv.Crew {
				t.Choice[b.crewK], found = r, true
			}
		}
		if !found {
			return b.fail("crew", fmt.Errorf("crew %q cannot do trade %q", iv.Crew, iv.Trade))
		}
	}
	if b.pilotK >= 0 && iv.Pilot != "" {
		for _, r := range t.Demands[b.pilotK].Alternatives {
			if c.Pilots[r-c.firstPilot].ID == iv.Pilot {
				t.Choice[b.pilotK] = r
			}
		}
	}
	return nil
}

// explainStart: a fixed task keeps its time, whatever else holds.
func (FrozenAppointments) explainStart(c *Compiled, t int, pl []solver.Placement, lang Lang) ([]model.Reason, bool) {
	if !c.Problem.Tasks[t].Fixed {
		return nil, false
	}
	iv, start := c.Interventions[t], c.Clock.Time(pl[t].Start)
	if lang == French {
		msg := fmt.Sprintf("%s est fixée au %s : elle garde son horaire", iv.ID, frAt(start))
		switch iv.StatusOf() {
		case model.StatusAnnounced:
			msg = fmt.Sprintf("%s a déjà été annoncée pour le %s : elle garde son horaire", iv.ID, frAt(start))
		case model.StatusDone:
			msg = fmt.Sprintf("%s a été faite le %s : elle garde son horaire", iv.ID, frAt(start))
		}
		return []model.Reason{{Rule: NameFrozen, Message: msg}}, true
	}
	return []model.Reason{{Rule: NameFrozen, Message: fmt.Sprintf("%s is %s at %s: it keeps its time", iv.ID, iv.StatusOf(), start.Format("2006-01-02 15:04"))}}, true
}
