package solver

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withAnchorsAndPreferences anchors some tasks (with move and shift costs) and
// gives others preferred hours, so that every term of the score moves.
func withAnchorsAndPreferences(p *Problem, rng *rand.Rand) *Problem {
	for i := range p.Tasks {
		if rng.IntN(3) == 0 {
			p.Tasks[i].Anchored, p.Tasks[i].AnchorStart = true, rng.IntN(500)
			p.Tasks[i].MoveCost, p.Tasks[i].ShiftCost = 100, 0.5
		}
		if rng.IntN(3) == 0 {
			p.Tasks[i].Preferred = NewCalendar([]Window{{0, 300}, {1000, 1500}})
		}
	}
	return p
}

// TestCheckModeChangesNothing: with a work limit and a seed, the production path
// (Check off) and the check mode give the same schedule, score, terms and work, on
// problems of every shape the search treats apart: a job shop (tabu search), a pure
// flow shop (the heads-and-tails insertion), same-order rules that are no flow shop
// (order search by decoding), small random problems with calendars, cumulative
// resources, anchors and preferences (genetic and large-neighbourhood search), and a
// housing-sized problem.
func TestCheckModeChangesNothing(t *testing.T) {
	ft06, _ := loadJobShop(t, "testdata/ft06")
	rng := rand.New(rand.NewPCG(13, 4))
	sameOrder := withAnchorsAndPreferences(randomProblem(rng), rng)
	withSameOrder(sameOrder, rng)
	cases := []struct {
		name string
		p    *Problem
		work int
		// the search path the case is there for
		flowShop, disjunctive, ordered bool
	}{
		{name: "job shop ft06", p: ft06, work: 1500, disjunctive: true},
		{name: "pure flow shop", p: flowShop(randomJobs(rng, 30, 10, 99)), work: 8000, flowShop: true, disjunctive: true, ordered: true},
		{name: "same order with calendars", p: sameOrder, work: 300, ordered: true},
		{name: "random 1", p: withAnchorsAndPreferences(randomProblem(rng), rng), work: 200},
		{name: "random 2", p: withAnchorsAndPreferences(randomProblem(rng), rng), work: 200},
		{name: "random 3", p: randomProblem(rng), work: 200},
		{name: "60 dwellings", p: bigProblem(60), work: 40},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := compile(tc.p)
			require.NoError(t, err)
			require.Equal(t, tc.flowShop, c.pureFlowShop() != nil, "the case's shape")
			require.Equal(t, tc.disjunctive, c.disjunctive(), "the case's shape")
			require.Equal(t, tc.ordered, c.ordered(), "the case's shape")
			for _, workers := range []int{1, 2} {
				var res [2]*Result
				for k, check := range []bool{false, true} {
					res[k], err = Solve(context.Background(), tc.p, &Settings{TimeLimit: time.Minute, WorkLimit: tc.work,
						Seed: 7, Workers: workers, Check: check})
					require.NoError(t, err, "check %v", check)
					require.Equal(t, StopDone, res[k].Stop, "check %v: the work limit, not the time, ends the run", check)
				}
				off, on := res[0], res[1]
				assert.Equal(t, on.Placements, off.Placements, "%d workers", workers)
				assert.Equal(t, on.Score, off.Score, "%d workers", workers)
				assert.Equal(t, on.Terms, off.Terms, "%d workers", workers)
				assert.Equal(t, on.Iterations, off.Iterations, "%d workers", workers)
				assert.Equal(t, on.LowerBound, off.LowerBound, "%d workers", workers)
				assert.Empty(t, checkSchedule(tc.p, off.Placements), "%d workers", workers)
			}
		})
	}
}
