package solver

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pullProblem: two dwellings (groups 0 and 1), each with a morning's job of
// crew W and two hours of crew Y, one crew at a time in a dwelling. W has more
// work than Y, so that the end bound binds by W: both W jobs on the first day.
func pullProblem() *Problem {
	const day, days = 1440, 5
	p := &Problem{Objective: Objective{Makespan: 1, GroupDays: 1}}
	p.Resources = []Resource{{Name: "W", Capacity: 1, Calendar: holdCrew(days)}, {Name: "Y", Capacity: 1, Calendar: holdCrew(days)},
		{Name: "home 0", Capacity: 1}, {Name: "home 1", Capacity: 1}}
	for d := 0; d <= days; d++ {
		p.DayStarts = append(p.DayStarts, d*day)
	}
	for g := 0; g < 2; g++ {
		home := 2 + g
		p.Tasks = append(p.Tasks,
			Task{Name: "w", Duration: 240, Group: g, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}, {Alternatives: []int{home}, Amount: 1}}},
			Task{Name: "y", Duration: 120, Group: g, Demands: []Demand{{Alternatives: []int{1}, Amount: 1}, {Alternatives: []int{home}, Amount: 1}}})
	}
	return p
}

// TestPullMove: the second dwelling's W job waits a day while W idles the
// first afternoon; its Y job shares its day. The dwelling pull takes the whole
// dwelling (not the W job alone, which, pulled to the first afternoon, would
// leave its Y job alone on the second day), puts the W job back first into
// W's idle afternoon and the Y job on that day's morning: the end comes to the
// bound and the dwelling still works on one day.
func TestPullMove(t *testing.T) {
	const day = 1440
	p := pullProblem()
	c, err := compile(p)
	require.NoError(t, err)
	b := c.endBound(0)
	require.NotEqual(t, BindPath, b.Binding)
	require.Equal(t, []int{0}, b.Resources)
	require.Equal(t, []int{0}, c.pullResources())
	st := newState(c)
	st.check = true
	// dwelling 0: W in the first morning, Y in the first afternoon; dwelling 1:
	// W in the second morning, Y in the second afternoon
	for _, at := range []struct{ t, est int }{{0, 0}, {1, 780}, {2, day}, {3, day + 780}} {
		m, s, e, why, _ := st.bestMode(at.t, at.est, 0)
		require.Equal(t, ReasonNone, why)
		st.place(at.t, m, s, e)
	}
	require.Empty(t, checkSchedule(p, st.pl))
	_, before := st.scoreTerms()
	require.Equal(t, 0, before.GroupDays, "the two dwellings on one day each")
	require.Equal(t, day+900, before.Makespan)

	l := newLNS(c, st, rand.New(rand.NewPCG(1, 1)))
	l.clearPull()
	l.pickPull(l.add)
	assert.ElementsMatch(t, []int{2, 3}, l.removed, "the whole second dwelling")
	assert.Equal(t, []int{2}, l.front)
	l.rememberAndRemove()
	require.True(t, l.repair())
	require.NoError(t, st.drift)
	require.Empty(t, checkSchedule(p, st.pl))
	assert.Equal(t, 780, st.pl[2].Start, "W's idle afternoon")
	assert.Equal(t, 0, c.dayOf(st.pl[3].Start), "Y on the same day")
	_, after := st.scoreTerms()
	assert.Equal(t, 0, after.GroupDays, "still one day each")
	assert.Equal(t, b.Value, after.Makespan, "the end at the bound")
	assert.Equal(t, 1020, after.Makespan)
}

// TestPullNeighbourhoodOff: no binding resources (and so no dwelling pull)
// without an end goal, or when the critical path binds.
func TestPullNeighbourhoodOff(t *testing.T) {
	p := pullProblem()
	p.Objective.Makespan = 0
	c, err := compile(p)
	require.NoError(t, err)
	assert.Nil(t, c.pullResources(), "no end goal")

	p = pullProblem()
	p.Precedences = []Precedence{{From: 0, To: 1, MinLag: 3 * 1440, MaxLag: -1}}
	c, err = compile(p)
	require.NoError(t, err)
	require.Equal(t, BindPath, c.endBound(0).Binding)
	assert.Nil(t, c.pullResources(), "the path binds")
}
