package solver

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The tally follows random placements and removals on random problems: after
// each one, its score equals a full recomputation.
func TestTallyFollowsPlaceAndUnplace(t *testing.T) {
	for seed := uint64(0); seed < 100; seed++ {
		rng := rand.New(rand.NewPCG(seed, 5))
		p := randomProblem(rng)
		// anchors and preferences, so that every term moves
		for i := range p.Tasks {
			if rng.IntN(3) == 0 {
				p.Tasks[i].Anchored, p.Tasks[i].AnchorStart = true, rng.IntN(500)
				p.Tasks[i].MoveCost, p.Tasks[i].ShiftCost = 100, 0.5
			}
			if rng.IntN(3) == 0 {
				p.Tasks[i].Preferred = NewCalendar([]Window{{0, 300}, {1000, 1500}})
			}
		}
		c, err := compile(p)
		require.NoError(t, err)
		st := newState(c)
		st.check = true
		wk := &worker{c: c, st: st, prio: make([]float64, len(p.Tasks))}
		wk.build(1, func() bool { return false })
		for step := 0; step < 50; step++ {
			task := rng.IntN(len(p.Tasks))
			if st.pl[task].Placed {
				st.unplace(task)
			} else if est, ok, _ := st.earliestFromPreds(task); ok {
				if m, s, e, why, _ := st.bestMode(task, est, 0); why == ReasonNone {
					st.place(task, m, s, e)
				}
			}
			full, _ := c.score(st.pl, st.mode)
			require.Equal(t, full, st.score(), "seed %d step %d", seed, step)
			require.NoError(t, st.drift, "seed %d step %d", seed, step)
		}
	}
}

// The check mode catches a placement changed behind the tally's back.
func TestScoreCheckCatchesDrift(t *testing.T) {
	p, _ := loadJobShop(t, "testdata/ft06")
	c, err := compile(p)
	require.NoError(t, err)
	st := newState(c)
	st.check = true
	st.construct(c.topo, nil, nil)
	require.NoError(t, st.drift)
	before := st.score()
	require.NoError(t, st.drift)
	last := 0
	for i := range st.pl {
		if st.pl[i].End > st.pl[last].End {
			last = i
		}
	}
	st.pl[last].End += 7 // not through place: the tally does not know
	got := st.score()
	require.Error(t, st.drift)
	require.Contains(t, st.drift.Error(), "incremental score drifted")
	require.Equal(t, before.Soft+7, got.Soft, "the full score is returned")
}
