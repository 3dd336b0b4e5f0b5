package solver

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDiscouraged: work inside a task's Discouraged calendar costs
// Objective.Discouraged per unit; the search uses it when nothing better is
// open, or when the delay would cost more, and the incremental score agrees with
// the full one (check mode).
func TestDiscouraged(t *testing.T) {
	// one unary resource open [0, 100) and [500, 600); the first window is
	// discouraged for task a, not for task b; delaying an end by 500 costs 5
	res := NewCalendar([]Window{{0, 100}, {500, 600}})
	disc := NewCalendar([]Window{{0, 100}})
	for _, tc := range []struct {
		name        string
		weight      float64
		withB       bool
		starts      []int
		discouraged int
	}{
		{"free", 0, false, []int{0}, 60},
		{"not worth the delay", 0.05, false, []int{0}, 60},
		{"worth the delay", 10, false, []int{500}, 0},
		// b takes the first window, a the second
		{"b first", 10, true, []int{500, 0}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &Problem{
				Resources: []Resource{{Name: "r", Capacity: 1, Calendar: res}},
				Tasks: []Task{
					{Name: "a", Duration: 60, Contiguous: true, Group: -1, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}}, Discouraged: disc},
				},
				Objective: Objective{Makespan: 0.01, Discouraged: tc.weight},
			}
			if tc.withB {
				p.Tasks = append(p.Tasks, Task{Name: "b", Duration: 60, Contiguous: true, Group: -1, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}}})
			}
			r, err := Solve(context.Background(), p, &Settings{WorkLimit: 50, Workers: 1, Seed: 1, Check: true})
			require.NoError(t, err)
			require.Equal(t, 0, r.Score.Unplaced)
			for i, s := range tc.starts {
				require.Equal(t, s, r.Placements[i].Start, p.Tasks[i].Name)
			}
			require.Equal(t, tc.discouraged, r.Terms.Discouraged)
			require.InDelta(t, 0.01*float64(r.Terms.Makespan)+tc.weight*float64(tc.discouraged), r.Score.Soft, 1e-9)
		})
	}
}
