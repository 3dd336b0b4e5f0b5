package solver

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHistoryForGrowsWithinBounds: the late-acceptance memory never shrinks as
// the steps per task grow, stays between its floor and its ceiling, reaches
// both, and is the proportional length between them up to historyTasks tasks.
func TestHistoryForGrowsWithinBounds(t *testing.T) {
	prev := 0
	for s := 0.0; s < 1e6; s = s*1.07 + 0.01 {
		n := historyFor(s, 846)
		require.GreaterOrEqual(t, n, prev, "%.2f steps a task", s)
		require.GreaterOrEqual(t, n, historyMin)
		require.LessOrEqual(t, n, historyMax)
		prev = n
	}
	assert.Equal(t, historyMin, historyFor(0, 846))
	assert.Equal(t, historyMin, historyFor(-5, historyTasks))
	assert.Equal(t, historyMax, historyFor(1e9, 1))
	assert.Equal(t, historyFloor, historyFor(0, 1e6))
	// the example at 150,000 and 30,000 work (74,997 and 14,997 steps a
	// worker, 846 tasks): ex23's lengths; 1,000 dwellings at 300,000 (149,997 a
	// worker, 12,084 tasks): 3, not ex23's 17
	assert.Equal(t, 120, historyFor(74997.0/846, 846))
	assert.Equal(t, 24, historyFor(14997.0/846, 846))
	assert.Equal(t, 3, historyFor(149997.0/12084, 12084))
}

// TestHistoryForShrinksWithTasks: at any steps per task, the memory never grows
// with the tasks, stays within [historyFloor, historyMax], and is the same for
// every problem up to historyTasks tasks.
func TestHistoryForShrinksWithTasks(t *testing.T) {
	for _, s := range []float64{0, 5, 12.4, 17.7, 88.65, 400, 1e5} {
		prev := historyMax + 1
		for n := 1.0; n < 1e7; n = n*1.1 + 1 {
			h := historyFor(s, n)
			require.LessOrEqual(t, h, prev, "%.2f steps a task, %.0f tasks", s, n)
			require.GreaterOrEqual(t, h, historyFloor)
			require.LessOrEqual(t, h, historyMax)
			if n <= historyTasks {
				require.Equal(t, historyFor(s, 1), h)
			}
			prev = h
		}
	}
}

// TestHistorySizedBySteps: on a days problem the work limit sizes the memory at
// once (keeping the scores it held), a time limit after its probe; a problem
// that is not toward the days bound keeps lahcLength.
func TestHistorySizedBySteps(t *testing.T) {
	p := bigProblem(6)
	c, err := compile(p)
	require.NoError(t, err)
	require.True(t, c.towardBounds())
	fresh := func() *lns {
		wk := newWorker(c, 1, 0)
		cd := wk.build(0, func() bool { return false })
		st := wk.st
		st.reset()
		for tk := range cd.pl {
			st.place(tk, cd.mode[tk], cd.pl[tk].Start, cd.pl[tk].End)
		}
		return newLNS(c, st, rand.New(rand.NewPCG(1, 1)))
	}
	l := fresh()
	require.Len(t, l.history, lahcLength)
	budget := 300 * len(p.Tasks)
	newHistorySizer(l, budget, time.Time{})
	assert.Len(t, l.history, historyFor(300, float64(len(p.Tasks))))
	assert.Greater(t, len(l.history), lahcLength)
	for _, h := range l.history {
		assert.Equal(t, l.cur, h)
	}

	l = fresh()
	z := newHistorySizer(l, 0, time.Now().Add(200*time.Millisecond))
	z.tick(16)
	assert.Len(t, l.history, lahcLength, "sized before its probe")
	time.Sleep(z.probe + time.Millisecond)
	z.tick(32)
	n := len(l.history)
	assert.GreaterOrEqual(t, n, historyMin)
	assert.LessOrEqual(t, n, historyMax)
	z.tick(1 << 30)
	assert.Len(t, l.history, n, "sized once")

	// the same problem with the days move off is not toward the days bound
	c.noDaysMove = true
	require.False(t, c.towardBounds())
	l = fresh()
	newHistorySizer(l, budget, time.Time{})
	assert.Len(t, l.history, lahcLength)
}

// TestSizedHistoryDeterministic: a work-limited solve of a days problem, whose
// memory the work limit sizes, gives the same plan twice.
func TestSizedHistoryDeterministic(t *testing.T) {
	p := bigProblem(12)
	set := func() *Settings { return &Settings{WorkLimit: 1500, Seed: 7, Workers: 2, TimeLimit: time.Hour} }
	a, err := Solve(context.Background(), p, set())
	require.NoError(t, err)
	b, err := Solve(context.Background(), p, set())
	require.NoError(t, err)
	assert.Equal(t, a.Placements, b.Placements)
	assert.Equal(t, a.Score, b.Score)
	assert.NotEqual(t, lahcLength, historyFor(float64((1500-6)/2)/float64(len(p.Tasks)), float64(len(p.Tasks))), "the memory is sized away from the default")
}
