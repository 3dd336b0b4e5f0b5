package solver

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pullProblem: n dwellings (groups), each with a morning's job of crew X and,
// after it, two hours of crew Y; with an end goal. Crew X binds the end: its
// four jobs take two days, and the last one's two hours come after them.
func pullProblem(n int) *Problem {
	const day, days = 1440, 10
	p := &Problem{Objective: Objective{Makespan: 1}}
	p.Resources = []Resource{{Name: "X", Capacity: 1, Calendar: holdCrew(days)}, {Name: "Y", Capacity: 1, Calendar: holdCrew(days)}}
	for d := 0; d <= days; d++ {
		p.DayStarts = append(p.DayStarts, d*day)
	}
	for g := 0; g < n; g++ {
		p.Resources = append(p.Resources, Resource{Name: "home", Capacity: 1})
		home := len(p.Resources) - 1
		p.Tasks = append(p.Tasks,
			Task{Name: "x", Duration: 240, Group: g, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}, {Alternatives: []int{home}, Amount: 1}}},
			Task{Name: "y", Duration: 120, Group: g, Demands: []Demand{{Alternatives: []int{1}, Amount: 1}, {Alternatives: []int{home}, Amount: 1}}})
		p.Precedences = append(p.Precedences, Precedence{From: 2 * g, To: 2*g + 1, MaxLag: -1})
	}
	return p
}

// placeAt places the tasks in the order given, each at its earliest from the
// time given (and its predecessors' ends).
func placeAt(t *testing.T, st *state, at [][2]int) {
	for _, a := range at {
		est := a[1]
		if e, ok, _ := st.earliestFromPreds(a[0]); ok {
			est = max(est, e)
		}
		m, s, e, why, _ := st.bestMode(a[0], est, 0)
		require.Equal(t, ReasonNone, why)
		st.place(a[0], m, s, e)
	}
}

// TestPullMove: crew X, which the end bound binds by, idles a day and a half
// before its second job; the pull neighbourhood takes its jobs from there to
// the end of its sequence (not the first) with the later works of the last
// one's dwelling, and the repair packs them left: the plan passes the checker
// and ends earlier (at the bound when nothing stays behind).
func TestPullMove(t *testing.T) {
	const day = 1440
	p := pullProblem(4)
	c, err := compile(p)
	require.NoError(t, err)
	b := c.endBound(0)
	require.NotEqual(t, BindPath, b.Binding)
	require.Equal(t, []int{0}, b.Resources)
	st := newState(c)
	st.check = true
	// x0 on the first morning; x1 and x2 on the third day, x3 on the fourth
	placeAt(t, st, [][2]int{{0, 0}, {2, 2 * day}, {4, 2 * day}, {6, 3 * day}, {1, 0}, {3, 0}, {5, 0}, {7, 0}})
	require.Empty(t, checkSchedule(p, st.pl))
	_, before := st.scoreTerms()

	l := newLNS(c, st, rand.New(rand.NewPCG(1, 1)))
	require.Equal(t, []int{0}, l.pullRes)
	l.pickPull(l.add)
	for _, x := range []int{2, 4, 6, 7} {
		assert.True(t, l.inR[x], "task %d taken", x)
	}
	for _, x := range []int{0, 1} {
		assert.False(t, l.inR[x], "task %d left", x)
	}
	assert.Equal(t, 0, l.hold)
	assert.True(t, l.inOrder)
	l.rememberAndRemove()
	require.True(t, l.repair())
	require.NoError(t, st.drift)
	require.Empty(t, checkSchedule(p, st.pl))
	_, after := st.scoreTerms()
	assert.Less(t, after.Makespan, before.Makespan)
	if l.inR[5] {
		// x2's two hours taken too: nothing stays behind on the fifth day
		assert.Equal(t, b.Value, after.Makespan, "the plan ends at the bound")
	}
}

// TestPullNeighbourhoodOff: nothing to pull when the critical path binds the
// end (one dwelling), when the problem has no end goal, or when the crew loses
// no time.
func TestPullNeighbourhoodOff(t *testing.T) {
	p := pullProblem(1)
	c, err := compile(p)
	require.NoError(t, err)
	assert.Nil(t, c.pullResources(), "the critical path binds")

	p = pullProblem(4)
	p.Objective = Objective{GroupEnd: 1}
	c, err = compile(p)
	require.NoError(t, err)
	assert.Nil(t, c.pullResources(), "no end goal")

	p = pullProblem(4)
	c, err = compile(p)
	require.NoError(t, err)
	st := newState(c)
	placeAt(t, st, [][2]int{{0, 0}, {2, 0}, {4, 0}, {6, 0}, {1, 0}, {3, 0}, {5, 0}, {7, 0}})
	l := newLNS(c, st, rand.New(rand.NewPCG(1, 1)))
	l.pickPull(l.add)
	assert.Empty(t, l.removed, "crew X packed: no loss")
}
