package constraints

import (
	"fmt"
	"time"

	"github.com/rehabplan/rehabplan/model"
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
		"announced, done and pinned interventions keep their crew and their times; when the plan is made at a given time (operation.now), no other intervention starts before it, and one in an occupied dwelling starts no earlier than the notice owed to the household",
		"les interventions annoncées, faites ou épinglées gardent leur équipe et leurs horaires ; quand le plan est fait à un moment donné (operation.now), aucune autre intervention ne commence avant, et une intervention dans un logement occupé ne commence pas avant le délai de prévenance dû au ménage", false}.in(lang)
}

// Check verifies rule 9: an announced, done or pinned intervention is placed, with
// its given crew (when one is given) and with start and end equal, as instants, to its
// given ones.
//
// When the problem gives operation.now, every other placed intervention starts at or
// after it, and one in an occupied dwelling no earlier than local midnight
// notice_days days after now's date.
func (r FrozenAppointments) Check(v *Verification) []Violation {
	var out []Violation
	var now, floor time.Time
	hasNow := false
	if v.Problem.Operation.Now != "" {
		t, err := model.ParseMoment(v.Problem.Operation.Now, v.Loc)
		if err != nil {
			out = append(out, Violation{Rule: r.Name(), Message: fmt.Sprintf("operation.now cannot be read: %v", err)})
		} else {
			now, hasNow = t, true
			n := now.In(v.Loc)
			floor = time.Date(n.Year(), n.Month(), n.Day()+v.Problem.NoticeDays(), 0, 0, 0, 0, v.Loc)
		}
	}
	for i := range v.Problem.Interventions {
		iv := &v.Problem.Interventions[i]
		if !iv.Fixed() {
			if pl := v.Placed[iv.ID]; hasNow && pl != nil {
				d := v.Index.Dwellings[iv.Dwelling]
				switch {
				case pl.Start.Before(now):
					out = append(out, vfViolation(r, iv.ID, "starts %s, before the plan was made (%s)", v.at(pl.Start), v.at(now)))
				case d != nil && !d.Vacant && d.Household != "" && pl.Start.Before(floor):
					out = append(out, vfViolation(r, iv.ID, "starts %s, but household %q must be told %d days ahead: not before %s", v.at(pl.Start), d.Household, v.Problem.NoticeDays(), v.at(floor)))
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
		start, err := model.ParseMoment(iv.Start, v.Loc)
		switch {
		case err != nil:
			add("%s, but its start cannot be read: %v", what, err)
		case !pl.Start.Equal(start):
			add("%s to start %s, the plan moves it to %s", what, v.at(start), v.at(pl.Start))
		}
		end, err := model.ParseMoment(iv.End, v.Loc)
		switch {
		case err != nil:
			add("%s, but its end cannot be read: %v", what, err)
		case !pl.End.Equal(end):
			add("%s to end %s, the plan moves it to %s", what, v.at(end), v.at(pl.End))
		}
	}
	return out
}
