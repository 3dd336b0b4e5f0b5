package solver

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAdaptiveWeightsFollowGain: over a segment in which one kind takes score
// off and another takes none, the first's weight rises above its share and the
// second's falls below it; a kind not drawn keeps its weight; repeated, with
// the first's draws gaining ten times the mean, the weights stop at the
// ceiling and the floor.
func TestAdaptiveWeightsFollowGain(t *testing.T) {
	var share [kindCount]float64
	share[0], share[kindDays], share[kindPull] = 1, 2, 1
	a := newAdaptive(share)
	require.NotNil(t, a)
	assert.InDelta(t, 0.5, a.weight[kindDays], 1e-12)
	segment := func(every int) {
		for i := 0; i < adaptSegment; i++ {
			if i%every == 0 {
				a.learn(kindPull, 3)
			} else {
				a.learn(kindDays, 0)
			}
		}
	}
	segment(2)
	assert.Greater(t, a.weight[kindPull], a.share[kindPull], "the kind that gained")
	assert.Less(t, a.weight[kindDays], a.share[kindDays], "the kind that did not")
	assert.Equal(t, a.share[0], a.weight[0], "not drawn")
	assert.Zero(t, a.weight[1], "never drawn")
	for i := 0; i < 40; i++ {
		segment(10)
	}
	assert.InDelta(t, adaptCeil*a.share[kindPull], a.weight[kindPull], 1e-9, "none takes over")
	assert.InDelta(t, adaptFloor*a.share[kindDays], a.weight[kindDays], 1e-9, "none starves")
	assert.Equal(t, kindPull, a.draw(0.999))
	assert.Equal(t, 0, a.draw(0))
	assert.Nil(t, newAdaptive([kindCount]float64{}), "nothing to draw")
}

// TestFixedSharesMatchTheDraw: the adaptive choice starts at the shares the
// fixed draw gives each kind on a problem where every neighbourhood is on
// (groups, a days goal, an end goal whose bound binds by a crew, a crew that
// holds): fixedShares against 200,000 fixed draws, each within 0.5 points.
func TestFixedSharesMatchTheDraw(t *testing.T) {
	p := pullProblem()
	c, err := compile(p)
	require.NoError(t, err)
	c.fixedDraw = true
	st := newState(c)
	l := newLNS(c, st, rand.New(rand.NewPCG(3, 3)))
	require.Nil(t, l.adapt)
	require.True(t, l.towardBounds)
	require.NotEmpty(t, l.pullRes)
	require.NotEmpty(t, l.holdRes)
	want := l.fixedShares()
	var seen [kindCount]float64
	const n = 200000
	for i := 0; i < n; i++ {
		seen[l.drawKind()] += 1.0 / n
	}
	for k := range want {
		assert.InDelta(t, want[k], seen[k], 0.005, "kind %d", k)
	}
	c.fixedDraw = false
	assert.NotNil(t, newLNS(c, st, rand.New(rand.NewPCG(3, 3))).adapt, "adaptive by default on a days problem")
}

// TestAdaptiveSearchDeterministic: the search with the adaptive choice takes
// the same steps twice from the same seed and construction: the same schedule
// and the same weights, moved from the starting shares; a valid schedule with
// the score kept exactly (check mode); not the fixed draw's trajectory.
func TestAdaptiveSearchDeterministic(t *testing.T) {
	p := bigProblem(8)
	p.Objective = Objective{Makespan: 0.05, GroupEnd: 0.001, GroupDays: 5}
	c, err := compile(p)
	require.NoError(t, err)
	run := func(fixed bool) *lns {
		c.fixedDraw = fixed
		wk := newWorker(c, 4, 0)
		wk.st.check = true
		first := wk.build(0, func() bool { return false })
		st := wk.st
		st.reset()
		for task, pl := range first.pl {
			if pl.Placed {
				st.place(task, first.mode[task], pl.Start, pl.End)
			}
		}
		l := newLNS(c, st, rand.New(rand.NewPCG(4, 4)))
		for step := 0; step < 3*adaptSegment; step++ {
			l.step()
		}
		require.NoError(t, st.drift)
		require.Empty(t, checkSchedule(p, st.pl))
		return l
	}
	a, b, f := run(false), run(false), run(true)
	require.NotNil(t, a.adapt)
	assert.Equal(t, a.cur, b.cur)
	assert.Equal(t, a.st.pl, b.st.pl)
	assert.Equal(t, a.adapt.weight, b.adapt.weight)
	assert.NotEqual(t, a.adapt.share, a.adapt.weight, "the weights moved")
	assert.NotEqual(t, a.st.pl, f.st.pl, "not the fixed draw's steps")
	t.Logf("adaptive %v, fixed %v; shares %.3f, weights %.3f", a.cur, f.cur, a.adapt.share, a.adapt.weight)
}
