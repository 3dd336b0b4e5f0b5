package solver

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A case (found by the random problems of energy_test.go) where the preemptive
// relaxation passes an end that no schedule reaches, and edge finding sees it.
// One crew of one unit, always open: a works 6 from 0; b works 4, 1 after a;
// c works 2, released at 1, after a; d, 1 long and on no resource, follows b.
// For an end of 12: b must end by 11 (d follows), c by 12, both start at 6 at
// the earliest (b at 7). Preempted, c runs [6, 7), b [7, 11), c [11, 12): the
// windows pass. Whole: c first puts b's end at 12, b first puts c's at 13. Edge
// finding: c cannot end before b does (6 + 4 + 2 > 11), so c starts at 11 at
// the earliest and cannot end by 12. The bound is 13, the optimum; without
// edge finding it is 12.
func TestEdgeFindingRaisesTheBound(t *testing.T) {
	crew := []Demand{{Alternatives: []int{0}, Amount: 1}}
	p := &Problem{
		Horizon:   40,
		Resources: []Resource{{Name: "R", Capacity: 1}},
		Tasks: []Task{
			{Name: "a", Duration: 6, Group: -1, Demands: crew},
			{Name: "b", Duration: 4, Group: -1, Demands: crew},
			{Name: "c", Duration: 2, Release: 1, Contiguous: true, Group: -1, Demands: crew},
			{Name: "d", Duration: 1, Group: -1},
		},
		Precedences: []Precedence{{From: 0, To: 1, MinLag: 1, MaxLag: -1}, {From: 0, To: 2, MaxLag: -1}, {From: 1, To: 3, MaxLag: -1}},
		Objective:   Objective{Makespan: 1},
	}
	requireBruteOptimum(t, p, 13)
	b, err := ComputeBounds(p, 0)
	require.NoError(t, err)
	require.Equal(t, EndBound{Value: 13, Binding: BindEdge, Resources: []int{0}}, b.End)
	c, err := compile(p)
	require.NoError(t, err)
	require.Equal(t, 12, c.endBoundWith(0, false).Value, "without edge finding")

	_, est := c.basicBound()
	sets := c.energySets(est)
	require.True(t, sets[0].unary)
	l := newLatest(c, est)
	_, ok := l.feasible(12, sets)
	require.True(t, ok, "the windows alone refute 12")
	l.edge = true
	_, ok = l.feasible(12, sets)
	require.False(t, ok)
	require.Equal(t, BindEdge, l.why)
	require.Equal(t, est, l.est, "the heads are restored")
	_, ok = l.feasible(13, sets)
	require.True(t, ok)
}

// edgeHeads: a task that cannot end before a task interval does starts after
// its earliest completion; a task inside or one that can go first keeps its
// head; an overloaded interval fails.
func TestEdgeHeads(t *testing.T) {
	r, d, p := []int{0, 0, 1}, []int{20, 5, 20}, []int{3, 4, 2}
	heads := make([]int, 3)
	require.True(t, edgeHeads(r, d, p, heads))
	// {1} ends by 5: 0 + 4 + 3 > 5 puts task 0 after it, 1 + 4 + 2 > 5 task 2
	require.Equal(t, []int{4, 0, 4}, heads)
	r, d, p = []int{0, 0, 0}, []int{20, 9, 20}, []int{3, 4, 2}
	require.True(t, edgeHeads(r, d, p, heads))
	require.Equal(t, []int{0, 0, 0}, heads, "each fits before task 1")
	require.False(t, edgeHeads([]int{0, 1}, []int{5, 5}, []int{3, 3}, heads))
}

// detectHeads: a task that cannot go before others starts after them all; one
// that can keeps its head.
func TestDetectHeads(t *testing.T) {
	// task 0 (head 2, 3 long) cannot go before 1 nor 2 (each 2 long, to end by
	// 6): both go first, from 0 and 1, ending at 0 + 2 + 2 = 4 at the earliest
	r, d, p := []int{2, 0, 1}, []int{20, 6, 6}, []int{3, 2, 2}
	heads := make([]int, 3)
	detectHeads(r, d, p, heads)
	require.Equal(t, []int{4, 0, 1}, heads)
	r = []int{0, 0, 1}
	detectHeads(r, d, p, heads)
	require.Equal(t, []int{0, 0, 1}, heads, "0 fits before both")
}
