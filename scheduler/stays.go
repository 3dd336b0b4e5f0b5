package scheduler

import (
	"time"

	"github.com/rehabplan/rehabplan/model"
)

// stayExtensionDays is how much longer a replan may keep a household rehoused
// whose stay has not begun: room for works that an event pushed later.
const stayExtensionDays = 28

// extendStays is old with each planned stay whose move out starts after now (or
// is not placed) lasting up to stayExtensionDays longer: as far as its unit
// allows (its availability, the horizon, the cleaning days before the next stay
// in it). A replan books the stays so extended; what it does not use stays
// booked (the household can move back sooner).
func extendStays(p *model.Problem, old *model.Plan, now time.Time) *model.Plan {
	if old == nil || len(old.PlannedStays()) == 0 {
		return old
	}
	tv := p.Typed()
	loc := tv.Loc
	starts := map[string]time.Time{}
	for _, a := range old.Assignments {
		if t, err := time.Parse(time.RFC3339, a.Start); err == nil {
			starts[a.Intervention] = t
		}
	}
	date := func(s string) (time.Time, bool) {
		t, err := model.ParseDate(s, loc)
		return t, err == nil
	}
	cleaning := p.Operation.Rehousing.CleaningDaysOf()
	// every stay of each unit, booked or planned
	type span struct{ from, to time.Time }
	byUnit := map[string][]span{}
	for _, r := range p.Relocations {
		if a, ok := date(r.From[:min(10, len(r.From))]); ok {
			if b, ok := date(r.To[:min(10, len(r.To))]); ok {
				byUnit[r.Unit] = append(byUnit[r.Unit], span{a, b})
			}
		}
	}
	for _, st := range old.Stays {
		if a, ok := date(st.From); ok && st.Planned {
			if b, ok := date(st.To); ok {
				byUnit[st.Unit] = append(byUnit[st.Unit], span{a, b})
			}
		}
	}
	units := map[string]*model.RelocationUnit{}
	for i := range p.RelocationUnits {
		units[p.RelocationUnits[i].ID] = &p.RelocationUnits[i]
	}
	out := *old
	out.Stays = append([]model.Stay(nil), old.Stays...)
	for i, st := range out.Stays {
		from, ok1 := date(st.From)
		to, ok2 := date(st.To)
		u := units[st.Unit]
		if !st.Planned || !ok1 || !ok2 || u == nil {
			continue
		}
		if t, placed := starts[st.MoveOut]; placed && !t.After(now) {
			continue // the household has moved out: its stay is a fact
		}
		limit := to.AddDate(0, 0, stayExtensionDays)
		if e := tv.End; e.OK() && e.V.Before(limit) {
			limit = e.V
		}
		if t, ok := date(u.AvailableTo); u.AvailableTo != "" && ok && t.Before(limit) {
			limit = t
		}
		for _, s := range byUnit[st.Unit] {
			if s.from.After(to) {
				if t := s.from.AddDate(0, 0, -cleaning-1); t.Before(limit) {
					limit = t
				}
			}
		}
		if limit.After(to) && !limit.Before(from) {
			out.Stays[i].To = limit.Format(time.DateOnly)
		}
	}
	return &out
}
