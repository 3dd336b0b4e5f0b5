package scheduler

import (
	"time"

	"github.com/rehabplan/rehabplan/constraints"
	"github.com/rehabplan/rehabplan/model"
)

// keepOld is a replan without events: nothing happened, so no appointment has a
// cause to move and the old plan stands as it is. q is the problem with the
// statuses brought up to date at now (done, under way) and kinds says how each
// intervention is treated; the appointments inside the notice period become
// announced, as a replan that keeps them makes them. It returns nil when the
// verifier finds the old plan broken in the problem brought up to date (then a
// full replan repairs it).
func keepOld(p, q *model.Problem, old *model.Plan, kinds map[string]pinKind, slots map[string]slot, now time.Time, begin time.Time) *ReplanResult {
	if old == nil {
		return nil
	}
	out := *q
	out.Interventions = append([]model.Intervention(nil), q.Interventions...)
	for i := range out.Interventions {
		iv := &out.Interventions[i]
		sl, ok := slots[iv.ID]
		switch k := kinds[iv.ID]; {
		case k == kindFrozen:
		case (k == kindPinned || k == kindAnnounced) && ok:
			iv.Status, iv.Pinned = toldStatus(iv), false
			iv.Crew, iv.Pilot, iv.Start, iv.End = sl.crew, sl.pilot, sl.startS, sl.endS
		default:
			iv.Status, iv.Pinned = model.StatusPlanned, false
			iv.Crew, iv.Pilot, iv.Start, iv.End = "", "", "", ""
		}
	}
	plan := *old
	plan.Operation = q.Operation.ID
	plan.Assignments = append([]model.Assignment(nil), old.Assignments...)
	plan.Unplaced = append([]model.Unplaced{}, old.Unplaced...)
	if old.Score != nil {
		sc := *old.Score
		plan.Score = &sc
	}
	violations := constraints.Verify(&out, &plan)
	if len(violations) > 0 {
		return nil
	}
	status := statusOf(&plan, violations)
	plan.Status = string(status)
	r := &Result{Plan: &plan, Status: status, Stop: StopDone, Elapsed: time.Since(begin)}
	loc, err := model.LoadLocation(q.Operation.TimeZone)
	if err == nil {
		for _, a := range plan.Assignments {
			if e, err := model.ParseMoment(a.End, loc); err == nil && e.After(r.Makespan) {
				r.Makespan = e
			}
		}
	}
	d := diffPlans(p, &out, old, &plan, &now, nil, nil)
	return &ReplanResult{Problem: &out, Plan: &plan, Diff: d, Result: r, Released: map[string]string{}}
}
