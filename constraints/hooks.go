package constraints

import (
	"fmt"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

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
