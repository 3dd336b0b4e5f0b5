package solver

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// preferredProblem: two unary resources A (0) and B (1); a long task on A first,
// then a task of group 0 that prefers A but may take B: on A it runs before or
// after the long task, the makespan 10 longer either way; on B it costs nothing
// but the weight.
func preferredProblem(weight float64) *Problem {
	return &Problem{
		Resources: []Resource{{Name: "A", Capacity: 1}, {Name: "B", Capacity: 1}},
		Tasks: []Task{
			{Name: "busy", Duration: 100, Group: -1, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}}},
			{Name: "visit", Duration: 10, Group: 0, Demands: []Demand{{Alternatives: []int{0, 1}, Amount: 1, Preferred: []int{0}}}},
		},
		Precedences: []Precedence{},
		Objective:   Objective{Makespan: 1, GroupEnd: 0.1, Unpreferred: weight},
	}
}

// A preferred alternative is taken when its weight outweighs the delay it costs,
// the other one otherwise; the terms count the tasks placed outside their
// preferred alternatives, and the check mode agrees with the incremental score.
func TestPreferredAlternatives(t *testing.T) {
	for _, tc := range []struct {
		weight      float64
		resource    int
		unpreferred int
	}{{0, 1, 1}, {5, 1, 1}, {1000, 0, 0}} {
		res, err := Solve(context.Background(), preferredProblem(tc.weight), &Settings{WorkLimit: 20, Workers: 1, Check: true})
		require.NoError(t, err)
		require.Equal(t, 0, res.Score.Unplaced)
		pl := res.Placements[1]
		assert.Equal(t, tc.resource, pl.Choice[0], "weight %g: %+v", tc.weight, pl)
		assert.Equal(t, tc.unpreferred, res.Terms.Unpreferred, "weight %g", tc.weight)
		assert.Empty(t, checkSchedule(preferredProblem(tc.weight), res.Placements))
	}
}

func TestPreferredMustBeAnAlternative(t *testing.T) {
	p := preferredProblem(1)
	p.Tasks[1].Demands[0].Preferred = []int{1, 7}
	assert.ErrorContains(t, p.Validate(), "preferred resource 7 is not an alternative")
}
