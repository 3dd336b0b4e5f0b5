package constraints

import (
	"fmt"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

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
