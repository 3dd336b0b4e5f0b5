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

// Zero-length tasks hold no resource: wherever they lie they make no chains
// interleave and no cycle; the contradictions of the tasks with a length are
// still found beside them.
func TestCheckSameOrderZeroLength(t *testing.T) {
	type task struct{ chain, res, start, end int }
	for _, tc := range []struct {
		name  string
		tasks []task
		want  string // "" when one order fits
	}{
		{"at another chain's start", []task{{0, 0, 5, 8}, {1, 0, 5, 5}}, ""},
		{"at another chain's end", []task{{0, 0, 0, 5}, {1, 0, 5, 5}, {1, 0, 5, 9}}, ""},
		{"inside another chain's stretch", []task{{0, 0, 0, 10}, {1, 0, 5, 5}}, ""},
		{"no cycle from touching zeros", []task{{0, 0, 0, 5}, {1, 0, 5, 5}, {1, 1, 0, 5}, {0, 1, 5, 5}}, ""},
		{"a flow shop with zero times", []task{{0, 0, 0, 3}, {0, 1, 3, 3}, {0, 2, 3, 5}, {1, 0, 3, 3}, {1, 1, 3, 7}, {1, 2, 7, 7}, {2, 0, 3, 6}, {2, 1, 7, 7}, {2, 2, 7, 9}}, ""},
		{"interleaved beside zeros", []task{{0, 0, 0, 4}, {0, 0, 6, 10}, {1, 0, 4, 6}, {1, 0, 6, 6}}, "on resource 0 (a), chains 0 and 1 interleave"},
		{"swapped beside zeros", []task{{0, 0, 0, 5}, {1, 0, 5, 10}, {1, 1, 0, 5}, {0, 1, 5, 10}, {0, 1, 10, 10}, {1, 0, 0, 0}},
			"chains 0 and 1 are in opposite orders on two resources"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &solver.Problem{Horizon: 100}
			for r := range 3 {
				p.Resources = append(p.Resources, solver.Resource{Name: string(rune('a' + r)), Capacity: 1})
			}
			so := solver.SameOrder{Name: "order", Chains: make([][]int, 3)}
			var pl []solver.Placement
			for _, x := range tc.tasks {
				so.Chains[x.chain] = append(so.Chains[x.chain], len(p.Tasks))
				p.Tasks = append(p.Tasks, solver.Task{Name: "t", Duration: x.end - x.start,
					Demands: []solver.Demand{{Alternatives: []int{x.res}, Amount: 1}}})
				pl = append(pl, solver.Placement{Placed: true, Start: x.start, End: x.end, Choice: []int{x.res}})
			}
			err := checkSameOrder(p, pl, so)
			if tc.want == "" {
				require.NoError(t, err)
				_, err = Check(p, pl)
				require.NoError(t, err, "the whole check agrees")
				return
			}
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}
