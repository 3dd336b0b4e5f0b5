package solver

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPredecessorOfAFixedTaskEndsBeforeIt: task 2 is fixed at [12, 13) and follows
// task 0 (released at 3, 5 long); task 1 (10 long, released at 0) shares their one
// resource. Task 1 first ends everything soonest (at 15) but pushes task 0 past
// the fixed task: every schedule must end task 0 by the fixed task's start, less
// the lag (in a lag calendar's working time too), or leave it out with a reason.
func TestPredecessorOfAFixedTaskEndsBeforeIt(t *testing.T) {
	for _, tc := range []struct {
		name   string
		minLag int
		lagCal *Calendar
		placed bool // task 0 fits before the fixed task
	}{
		{"no lag", 0, nil, true},
		{"elapsed lag", 2, nil, true},
		// 2 working units before 12 in [0, 9) ∪ [11, 20): end by 8
		{"lag in a calendar's working time", 2, NewCalendar([]Window{{Start: 0, End: 9}, {Start: 11, End: 20}}), true},
		{"a lag that leaves no room", 9, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			one := []Demand{{Alternatives: []int{0}, Amount: 1}}
			p := &Problem{
				Resources: []Resource{{Name: "crew", Capacity: 1}},
				Tasks: []Task{
					{Name: "pred", Duration: 5, Release: 3, Demands: one, Group: -1},
					{Name: "other", Duration: 10, Demands: one, Group: -1},
					{Name: "fixed", Duration: 1, Fixed: true, Start: 12, End: 13, Group: -1},
				},
				Precedences: []Precedence{{From: 0, To: 2, MinLag: tc.minLag, LagCalendar: tc.lagCal, MaxLag: -1}},
				Objective:   Objective{Makespan: 1},
			}
			for _, seed := range []int64{1, 2, 3} {
				res, err := Solve(context.Background(), p, &Settings{WorkLimit: 20, Seed: seed, Workers: 1, Check: true})
				require.NoError(t, err)
				errs := checkSchedule(p, res.Placements)
				if !tc.placed {
					// the fixed task is placed whatever happens: only the
					// predecessor's placement could break the precedence
					assert.False(t, res.Placements[0].Placed, "seed %d", seed)
					assert.Equal(t, ReasonDeadline, res.Placements[0].Reason, "seed %d", seed)
					continue
				}
				assert.Empty(t, errs, "seed %d", seed)
				assert.True(t, res.Placements[0].Placed, "seed %d", seed)
				assert.True(t, res.Placements[1].Placed, "seed %d", seed)
			}
		})
	}
}
