package solver

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMeetingTakesTheBest: a worker searching from a poor schedule (a
// construction) meets, halfway through its steps, a best schedule much better
// than its own (a longer search's result): it goes on from that one, so that
// it ends no worse than that best; without the meeting it ends worse. Every schedule
// valid, the score kept exactly (check mode).
func TestMeetingTakesTheBest(t *testing.T) {
	p := trainProblem(80, rand.New(rand.NewPCG(1, 9)))
	c, err := compile(p)
	require.NoError(t, err)
	require.Greater(t, len(p.Tasks), listSearchMaxTasks)
	never := func() bool { return false }
	wk := newWorker(c, 5, 0)
	wk.st.check = true
	first := wk.build(0, never)
	good := first
	wk.improve(first, 3000, never, func(cd *candidate) { cd.fill(); good = cd })
	require.True(t, good.score.Less(first.score), "%v %v %d", good.score, first.score, len(first.pl))

	run := func(meet bool) *candidate {
		wk := newWorker(c, 6, 0)
		wk.st.check = true
		if meet {
			wk.meet = newMeeting(1, time.Time{}, func() *candidate { return good })
		}
		last := first
		wk.improve(first, 200, never, func(cd *candidate) { cd.fill(); last = cd })
		require.NoError(t, wk.st.drift)
		require.Empty(t, checkSchedule(p, last.pl))
		return last
	}
	with, without := run(true), run(false)
	t.Logf("first %v, good %v; with the meeting %v, without %v", first.score, good.score, with.score, without.score)
	assert.False(t, good.score.Less(with.score), "no worse than the best it met")
	assert.True(t, good.score.Less(without.score), "alone it stays behind")
}

// TestMeetingDeterministic: a solve with two workers and a work limit on a
// problem where both run the large-neighbourhood search gives the same plan
// twice (the workers meet at the same step, after the same offers), a valid
// one; the meeting is on for two workers, off for one or when left out.
func TestMeetingDeterministic(t *testing.T) {
	p := trainProblem(80, rand.New(rand.NewPCG(2, 9)))
	set := &Settings{WorkLimit: 600, Seed: 2, Workers: 2, Check: true, NoBound: true}
	a, err := Solve(context.Background(), p, set)
	require.NoError(t, err)
	b, err := Solve(context.Background(), p, set)
	require.NoError(t, err)
	assert.Equal(t, a.Score, b.Score)
	assert.Equal(t, a.Placements, b.Placements)
	require.Empty(t, checkSchedule(p, a.Placements))
	c, err := compile(p)
	require.NoError(t, err)
	require.NotNil(t, c.meeting(2, time.Time{}, false, nil))
	require.Nil(t, c.meeting(1, time.Time{}, false, nil), "one worker meets no one")
	c.noMeeting = true
	require.Nil(t, c.meeting(2, time.Time{}, false, nil))
}

// TestLateAcceptanceLength: the longer late-acceptance history only on the
// problems that aim at the days bound; the others (job shops, RCPSP, groups
// without a days goal) keep lahcLength.
func TestLateAcceptanceLength(t *testing.T) {
	p := trainProblem(10, rand.New(rand.NewPCG(1, 9)))
	c, err := compile(p)
	require.NoError(t, err)
	require.True(t, c.towardBounds())
	l := newLNS(c, newState(c), rand.New(rand.NewPCG(1, 1)))
	assert.Len(t, l.history, lahcDaysLength)
	p.Objective.GroupDays = 0
	c, err = compile(p)
	require.NoError(t, err)
	l = newLNS(c, newState(c), rand.New(rand.NewPCG(1, 1)))
	assert.Len(t, l.history, lahcLength)
}
