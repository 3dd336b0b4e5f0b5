package scheduler

import (
	"time"

	"github.com/rehabplan/rehabplan/constraints"
	"github.com/rehabplan/rehabplan/model"
)

// stayExtensionDays is how much longer a replan may keep a household rehoused
// whose stay has not begun: room for works that an event pushed later.
const stayExtensionDays = 28

// extendStays is old with each planned stay whose move out starts after now (or
// is not placed) lasting up to stayExtensionDays longer, as far as its unit
// allows (constraints.LengthenStays: its availability, the horizon, the cleaning
// days before the next stay in it). A replan books the stays so extended; what it
// does not use stays booked (the household can move back sooner).
func extendStays(p *model.Problem, old *model.Plan, now time.Time) *model.Plan {
	if old == nil || len(old.PlannedStays()) == 0 {
		return old
	}
	starts := map[string]time.Time{}
	for _, a := range old.Assignments {
		if t, err := time.Parse(time.RFC3339, a.Start); err == nil {
			starts[a.Intervention] = t
		}
	}
	notBegun := func(st model.Stay) bool {
		t, placed := starts[st.MoveOut]
		return !placed || t.After(now) // moved out: the stay is a fact
	}
	out := *old
	// no other stay moves for it: each is the date a household was told
	out.Stays, _ = constraints.LengthenStays(p, old.Stays, constraints.Lengthening{Lengthen: notBegun, Days: stayExtensionDays})
	return &out
}
