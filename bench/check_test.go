package bench

import (
	"testing"

	"github.com/rehabplan/rehabplan/solver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The orders the resources impose on the chains of a same-order rule, checked for
// a contradiction: each case gives, per resource, the chains in the order it
// processes them (each chain has one task of length 1 on every resource).
func TestCheckSameOrderContradictions(t *testing.T) {
	for _, tc := range []struct {
		name   string
		orders [][]int // resource -> chains in processing order
		want   string  // "" when the orders agree
	}{
		{"one order everywhere", [][]int{{0, 1, 2}, {0, 1, 2}}, ""},
		{"orders that agree where they overlap", [][]int{{0, 1}, {1, 2}, {0, 2}}, ""},
		{"two chains swapped", [][]int{{0, 1, 2}, {0, 2, 1}}, "chains 1 and 2 are in opposite orders on two resources"},
		{"a cycle of three, no pair swapped", [][]int{{0, 1}, {1, 2}, {2, 0}},
			"the resources process chains 0, 1, 2 in orders that contradict one another"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const chains = 3
			p := &solver.Problem{Horizon: 100}
			for r := range tc.orders {
				p.Resources = append(p.Resources, solver.Resource{Name: string(rune('a' + r)), Capacity: 1})
			}
			so := solver.SameOrder{Name: "order", Chains: make([][]int, chains)}
			var pl []solver.Placement
			for r, order := range tc.orders {
				for slot, k := range order {
					so.Chains[k] = append(so.Chains[k], len(p.Tasks))
					p.Tasks = append(p.Tasks, solver.Task{Name: "t", Duration: 1,
						Demands: []solver.Demand{{Alternatives: []int{r}, Amount: 1}}})
					pl = append(pl, solver.Placement{Placed: true, Start: 10*r + slot, End: 10*r + slot + 1, Choice: []int{r}})
				}
			}
			err := checkSameOrder(p, pl, so)
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}
