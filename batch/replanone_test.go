package batch

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// ReplanOne books the plan's stays once: the replan does (model.ApplyStays, which
// validates the problem with them); ReplanOne books them no second time to tell
// "unchanged", so it validates no more than the replan alone.
func TestReplanOneBooksStaysOnce(t *testing.T) {
	now, p, res := withPlannedStays(t)
	set := &scheduler.Settings{WorkLimit: 2, Workers: 1}
	none := &model.Events{Format: model.EventsFormat, Events: []model.Event{}}

	before := model.Validations()
	rr, err := scheduler.Replan(context.Background(), p, res.Plan, none, now, set)
	require.NoError(t, err)
	replan := model.Validations() - before
	require.Positive(t, replan)
	require.Empty(t, rr.Diff.Changes)
	require.Empty(t, scheduler.Verify(rr.Problem, rr.Plan))

	before = model.Validations()
	out, err := ReplanOne(context.Background(), p, res.Plan, none, func(*model.Problem) (time.Time, error) { return now, nil }, set)
	require.NoError(t, err)
	assert.Equal(t, replan, model.Validations()-before, "ReplanOne validates what Replan does, nothing more")
	assert.Equal(t, "unchanged", out.Report.Status, "booking the plan's stays is no change")
	require.Empty(t, scheduler.Verify(out.Problem, out.Plan))
}

// statusesChanged sees a changed status, crew or fixed time, an intervention
// gone or new, but not the moves of the plan's stays that booking them adds.
func TestStatusesChanged(t *testing.T) {
	_, p, res := withPlannedStays(t)
	stays := res.Plan.PlannedStays()
	booked, err := model.WithPlannedStays(p, res.Plan)
	require.NoError(t, err)
	byID := func(q *model.Problem, id string) *model.Intervention {
		for i := range q.Interventions {
			if q.Interventions[i].ID == id {
				return &q.Interventions[i]
			}
		}
		t.Fatalf("no intervention %s", id)
		return nil
	}
	for _, tc := range []struct {
		name   string
		old    *model.Problem
		new    *model.Problem // changed by change
		change func(q *model.Problem)
		plan   *model.Plan
		want   bool
	}{
		{"nothing", p, p, nil, res.Plan, false},
		{"the stays booked", p, booked, nil, res.Plan, false},
		{"booked already", booked, booked, nil, res.Plan, false},
		{"a move announced", p, booked, func(q *model.Problem) {
			iv := byID(q, stays[0].MoveOut)
			iv.Status, iv.Start, iv.End = model.StatusAnnounced, "2027-03-01T08:00", "2027-03-01T12:00"
		}, res.Plan, true},
		{"a move not of the plan", p, booked, nil, &model.Plan{}, true},
		{"a status", booked, booked, func(q *model.Problem) { q.Interventions[0].Status = model.StatusDone }, res.Plan, true},
		{"pinned", booked, booked, func(q *model.Problem) { q.Interventions[0].Pinned = true }, res.Plan, true},
		{"an intervention gone", booked, booked, func(q *model.Problem) { q.Interventions = q.Interventions[1:] }, res.Plan, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.new.Clone()
			if tc.change != nil {
				tc.change(q)
			}
			assert.Equal(t, tc.want, statusesChanged(tc.old, q, tc.plan))
		})
	}
}
