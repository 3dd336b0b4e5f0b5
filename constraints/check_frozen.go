package constraints

import (
	"github.com/rehabplan/rehabplan/model"
)

// Check verifies rule 9: an announced, done or pinned intervention is placed, with
// its given crew (when one is given) and with start and end equal, as instants, to its
// given ones.
func (r FrozenAppointments) Check(v *Verification) []Violation {
	var out []Violation
	for i := range v.Problem.Interventions {
		iv := &v.Problem.Interventions[i]
		if !iv.Fixed() {
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
