package solver

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGridStarts: with Problem.Grid a task starts on the grid when the same day
// allows it, keeps an off-grid start only when its calendar leaves no start on the
// grid that day, keeps an anchor off the grid, and the score counts each start off
// it (Terms.OffGrid, Objective.OffGrid).
func TestGridStarts(t *testing.T) {
	days := []int{0, 1440, 2880, 4320}
	one := []Resource{{Name: "crew", Capacity: 1}}
	use := []Demand{{Alternatives: []int{0}, Amount: 1}}
	cases := []struct {
		name string
		p    *Problem
		// starts of the tasks, and how many are off the grid
		starts  []int
		offGrid int
	}{
		{
			name: "a predecessor ending off the grid",
			p: &Problem{Resources: one, DayStarts: days, Grid: 15, Objective: Objective{Makespan: 1, OffGrid: 10},
				Tasks:       []Task{{Name: "a", Duration: 37, Demands: use, Group: -1}, {Name: "b", Duration: 30, Demands: use, Group: -1}},
				Precedences: []Precedence{{From: 0, To: 1, MaxLag: -1}}},
			starts: []int{0, 45},
		},
		{
			name: "a release off the grid",
			p: &Problem{Resources: one, DayStarts: days, Grid: 15, Objective: Objective{Makespan: 1, OffGrid: 10},
				Tasks: []Task{{Name: "a", Duration: 60, Release: 601, Demands: use, Group: -1}}},
			starts: []int{615},
		},
		{
			name: "a calendar that leaves no start on the grid that day",
			p: &Problem{Resources: one, DayStarts: days, Grid: 15, Objective: Objective{Makespan: 1, OffGrid: 10},
				Tasks: []Task{{Name: "a", Duration: 30, Contiguous: true, Demands: use, Group: -1,
					Calendar: NewCalendar([]Window{{607, 637}, {1440 + 600, 1440 + 700}})}}},
			starts:  []int{607},
			offGrid: 1,
		},
		{
			name: "without days: the grid within 96 steps",
			p: &Problem{Resources: one, Grid: 15, Objective: Objective{Makespan: 1, OffGrid: 10},
				Tasks:       []Task{{Name: "a", Duration: 10, Demands: use, Group: -1}, {Name: "b", Duration: 10, Demands: use, Group: -1}},
				Precedences: []Precedence{{From: 0, To: 1, MinLag: 3, MaxLag: -1}}},
			starts: []int{0, 15},
		},
		{
			name: "an anchor off the grid is kept",
			p: &Problem{Resources: one, DayStarts: days, Grid: 15, Objective: Objective{Makespan: 1, OffGrid: 10},
				Tasks: []Task{{Name: "a", Duration: 60, Demands: use, Group: -1, Anchored: true, AnchorStart: 601, MoveCost: 1000, ShiftCost: 1}}},
			starts:  []int{601},
			offGrid: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Solve(context.Background(), tc.p, &Settings{WorkLimit: 30, Seed: 1, Workers: 1, Check: true})
			require.NoError(t, err)
			require.Empty(t, checkSchedule(tc.p, res.Placements))
			for i, s := range tc.starts {
				require.True(t, res.Placements[i].Placed, "task %d", i)
				assert.Equal(t, s, res.Placements[i].Start, "task %d", i)
			}
			assert.Equal(t, tc.offGrid, res.Terms.OffGrid)
		})
	}
}

// TestGridRandomProblems: on random problems with a grid the incremental score
// (check mode) follows the starts off the grid, every schedule passes the checker,
// and the score counts exactly the placed tasks that start off the grid.
func TestGridRandomProblems(t *testing.T) {
	for seed := uint64(0); seed < 60; seed++ {
		rng := rand.New(rand.NewPCG(seed, 15))
		p := withAnchorsAndPreferences(randomProblem(rng), rng)
		p.Grid = 5 + rng.IntN(20)
		p.Objective.OffGrid = 3
		res, err := Solve(context.Background(), p, &Settings{WorkLimit: 80, Seed: int64(seed), Workers: 2, Check: true})
		require.NoError(t, err, "seed %d", seed)
		require.Empty(t, checkSchedule(p, res.Placements), "seed %d", seed)
		off := 0
		for _, pl := range res.Placements {
			if pl.Placed && !onGrid(pl.Start, p.Grid) {
				off++
			}
		}
		assert.Equal(t, off, res.Terms.OffGrid, "seed %d", seed)
	}
}

func TestGridArithmetic(t *testing.T) {
	for _, tc := range []struct{ t, g, ceil int }{{0, 15, 0}, {1, 15, 15}, {15, 15, 15}, {-1, 15, 0}, {-15, 15, -15}, {-16, 15, -15}, {29, 15, 30}} {
		assert.Equal(t, tc.ceil, ceilGrid(tc.t, tc.g), "ceil(%d, %d)", tc.t, tc.g)
		assert.Equal(t, tc.t == tc.ceil, onGrid(tc.t, tc.g), "on(%d, %d)", tc.t, tc.g)
	}
}

func TestGridValidation(t *testing.T) {
	p := &Problem{Grid: -1, Tasks: []Task{{Name: "a", Duration: 1, Group: -1}}}
	require.ErrorIs(t, p.Validate(), ErrInvalid)
}
