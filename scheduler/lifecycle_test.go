package scheduler

import (
	"context"
	"time"

	"github.com/rehabplan/rehabplan/model"
)

var _ = context.Background

// declinable is the first appointment of the fixture's plan, more than two weeks
// after now, that needs the tenant at home in an occupied dwelling.
func declinable(fx *eventFixture) oldAppt {
	x := model.NewIndex(fx.p)
	for _, a := range fx.plan.Assignments {
		s, err1 := model.ParseMoment(a.Start, fx.loc)
		e, err2 := model.ParseMoment(a.End, fx.loc)
		if err1 != nil || err2 != nil || !s.After(fx.now.Add(14*24*time.Hour)) {
			continue
		}
		iv := x.Interventions[a.Intervention]
		h := x.HouseholdOf(iv)
		if h == nil || x.AccessOf(iv) != model.AccessTenant || iv.StatusOf() != model.StatusPlanned {
			continue
		}
		return oldAppt{a: a, start: s, end: e}
	}
	return oldAppt{}
}
