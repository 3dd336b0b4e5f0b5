package constraints

import (
	"fmt"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// FrozenAppointments is rule 9.
type FrozenAppointments struct{}

// NameFrozen is FrozenAppointments's name.
const NameFrozen = "frozen-appointments"

var _ Checker = FrozenAppointments{}

func (FrozenAppointments) Name() string { return NameFrozen }
func (FrozenAppointments) Number() int  { return 9 }

// Requires says what the rule requires, in lang.
func (FrozenAppointments) Requires(lang Lang) string {
	return phrase{
		"announced, done and pinned interventions keep their crew and their times; when the plan is made at a given time (operation.now), no other intervention starts before it, and one in an occupied dwelling starts no earlier than the notice owed to the household (its trade's notice period, by default the operation's)",
		"les interventions annoncées, faites ou épinglées gardent leur équipe et leurs horaires ; quand le plan est fait à un moment donné (operation.now), aucune autre intervention ne commence avant, et une intervention dans un logement occupé ne commence pas avant le délai de prévenance dû au ménage (celui de son corps d'état, par défaut celui de l'opération)", false}.in(lang)
}

var (
	_ taskTimer      = FrozenAppointments{}
	_ taskPinner     = FrozenAppointments{}
	_ startExplainer = FrozenAppointments{}
)

// taskTiming: when the plan is made at a given time (a replan), nothing new
// starts before it, and a household is told its trade's notice period
// (Problem.TradeNoticeDays) ahead of a new appointment.
func (FrozenAppointments) taskTiming(b *taskBuild) error {
	c, iv, t := b.c, b.iv, &b.task
	if c.Typed.Now.OK() && !iv.Fixed() {
		now := c.Typed.Now.V
		t.Release = max(t.Release, c.Clock.Minute(now))
		if d := c.Index.Dwellings[iv.Dwelling]; d != nil && d.Occupied() {
			t.Release = max(t.Release, c.Clock.Minute(c.Model.TradeNoticeFloor(c.Index.Trades[iv.Trade], now, c.Clock.Loc)))
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
	if t.Start, err = c.minute(b.ti.Start); err != nil {
		return b.fail("start", err)
	}
	if t.End, err = c.minute(b.ti.End); err != nil {
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

// Check verifies rule 9: an announced, done or pinned intervention is placed, with
// its given crew (when one is given) and with start and end equal, as instants, to its
// given ones.
//
// When the problem gives operation.now, every other placed intervention starts at or
// after it, and one in an occupied dwelling no earlier than local midnight
// notice_days days after now's date (the trade's notice_days, default the
// operation's).
func (r FrozenAppointments) Check(v *Verification) []Violation {
	var out []Violation
	var now time.Time
	hasNow := false
	if v.Typed.Now.Set {
		t, err := v.Typed.Now.V, v.Typed.Now.Err
		if err != nil {
			out = append(out, Violation{Rule: r.Name(), Message: fmt.Sprintf("operation.now cannot be read: %v", err)})
		} else {
			now, hasNow = t, true
		}
	}
	for i := range v.Problem.Interventions {
		iv := &v.Problem.Interventions[i]
		if !iv.Fixed() {
			if pl := v.Placed[iv.ID]; hasNow && pl != nil {
				d := v.Index.Dwellings[iv.Dwelling]
				days := v.Problem.TradeNoticeDays(v.Index.Trades[iv.Trade])
				n := now.In(v.Loc)
				floor := time.Date(n.Year(), n.Month(), n.Day()+days, 0, 0, 0, 0, v.Loc)
				switch {
				case pl.Start.Before(now):
					out = append(out, vfViolation(r, iv.ID, "starts %s, before the plan was made (%s)", v.at(pl.Start), v.at(now)))
				case d != nil && !d.Vacant && d.Household != "" && pl.Start.Before(floor):
					out = append(out, vfViolation(r, iv.ID, "starts %s, but household %q must be told %d days ahead for %s: not before %s", v.at(pl.Start), d.Household, days, iv.Trade, v.at(floor)))
				}
			}
			continue
		}
		add := func(format string, args ...any) {
			out = append(out, vfViolation(r, iv.ID, format, args...))
		}
		what := iv.StatusOf()
		if iv.Pinned {
			what = "pinned"
		}
		if v.Assigned[iv.ID] == nil {
			add("%s but not placed", what)
			continue
		}
		pl := v.Placed[iv.ID]
		if pl == nil {
			continue // its times do not parse: LocalTime reports them
		}
		if iv.Crew != "" && pl.Assignment.Crew != iv.Crew {
			add("%s with crew %s, the plan gives crew %q", what, iv.Crew, pl.Assignment.Crew)
		}
		ti := &v.Typed.Interventions()[i]
		start, err := ti.Start.V, ti.Start.Err
		switch {
		case err != nil:
			add("%s, but its start cannot be read: %v", what, err)
		case !pl.Start.Equal(start):
			add("%s to start %s, the plan moves it to %s", what, v.at(start), v.at(pl.Start))
		}
		end, err := ti.End.V, ti.End.Err
		switch {
		case err != nil:
			add("%s, but its end cannot be read: %v", what, err)
		case !pl.End.Equal(end):
			add("%s to end %s, the plan moves it to %s", what, v.at(end), v.at(pl.End))
		}
	}
	return out
}
