package solver

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func neverStop() bool { return false }

// withEpoch runs f with the workers meeting every epoch steps.
func withEpoch(epoch int, f func()) {
	old := exchangeEpoch
	exchangeEpoch = epoch
	defer func() { exchangeEpoch = old }()
	f()
}

// TestExchangeDeterministic: with the workers meeting every 150 steps, a
// work-limited solve gives the same plan twice; the meetings took place, and
// the plan is not the one of the searches left apart.
func TestExchangeDeterministic(t *testing.T) {
	p := bigProblem(40)
	require.Greater(t, len(p.Tasks), listSearchMaxTasks, "every worker runs the LNS")
	set := func() *Settings { return &Settings{WorkLimit: 1500, Seed: 3, Workers: 2, TimeLimit: time.Hour} }
	var a, b, apart *Result
	var err error
	withEpoch(150, func() {
		a, err = Solve(context.Background(), p, set())
		require.NoError(t, err)
		b, err = Solve(context.Background(), p, set())
		require.NoError(t, err)
	})
	assert.Equal(t, a.Placements, b.Placements)
	assert.Equal(t, a.Score, b.Score)
	assert.Equal(t, StopDone, a.Stop)
	require.Empty(t, checkSchedule(p, a.Placements))
	withEpoch(1<<30, func() {
		apart, err = Solve(context.Background(), p, set())
		require.NoError(t, err)
	})
	assert.NotEqual(t, apart.Placements, a.Placements, "the meetings changed the search")
}

// TestMeetingsRestartTheWorse: at a meeting, the worker whose best is worse
// goes on from the better plan, and the other goes on from its own.
func TestMeetingsRestartTheWorse(t *testing.T) {
	p := bigProblem(40)
	c, err := compile(p)
	require.NoError(t, err)
	good, bad := newWorker(c, 1, 0).build(1, neverStop), newWorker(c, 1, 1).build(0, neverStop)
	if !good.score.Less(bad.score) {
		good, bad = bad, good
	}
	require.True(t, good.score.Less(bad.score))
	meet := newRendezvous(1, func() *candidate { return good })
	wk := newWorker(c, 1, 0)
	wk.meet, wk.stopped = meet, make(chan struct{})
	at, ok := wk.meetAt(exchangeEpoch-1, bad.score)
	assert.True(t, ok)
	assert.Nil(t, at, "no meeting before the epoch's end")
	at, ok = wk.meetAt(exchangeEpoch, bad.score)
	assert.True(t, ok)
	assert.Same(t, good, at, "the worse goes on from the better")
	at, ok = wk.meetAt(2*exchangeEpoch, good.score)
	assert.True(t, ok)
	assert.Nil(t, at, "the better goes on from its own")
	assert.Equal(t, 2, meet.rounds)

	// restartFrom loads the plan: the search's current score is the plan's,
	// and the memory holds the scores it held
	st := newState(c)
	st.load(bad)
	l := newLNS(c, st, nil)
	l.restartFrom(good)
	assert.Equal(t, good.score, l.cur)
	assert.Equal(t, good.pl, st.pl)
	for _, h := range l.history {
		assert.Equal(t, bad.score, h)
	}
}

// TestMeetingHonoursStop: a worker waiting at a meeting for one that never
// comes leaves as soon as the search is stopped, and a worker that leaves the
// meetings completes the meeting the others wait at.
func TestMeetingHonoursStop(t *testing.T) {
	p := bigProblem(40)
	c, err := compile(p)
	require.NoError(t, err)
	first := newWorker(c, 1, 0).build(1, neverStop)
	meet := newRendezvous(2, func() *candidate { return first })
	wk := newWorker(c, 1, 0)
	stopped := make(chan struct{})
	wk.meet, wk.stopped = meet, stopped
	var offered *candidate
	done := make(chan struct{})
	go func() {
		defer close(done)
		wk.improve(first, 0, func() bool {
			select {
			case <-stopped:
				return true
			default:
				return false
			}
		}, func(cd *candidate) { cd.fill(); offered = cd })
	}()
	waiting := func() bool {
		meet.mu.Lock()
		defer meet.mu.Unlock()
		return meet.arrived == 1
	}
	require.Eventually(t, waiting, time.Minute, time.Millisecond, "the worker waits at the first meeting")
	t0 := time.Now()
	close(stopped)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the waiting worker did not leave when stopped")
	}
	assert.Less(t, time.Since(t0), 5*time.Second)
	assert.Equal(t, 0, meet.arrived, "the stopped worker no longer counts at the meeting")
	assert.Equal(t, 0, meet.rounds)
	if offered != nil {
		assert.True(t, offered.score.Less(first.score))
	}

	// one waits, the other leaves: the meeting completes without it
	meet = newRendezvous(2, func() *candidate { return first })
	got := make(chan *candidate)
	go func() { got <- meet.arrive(make(chan struct{})) }()
	require.Eventually(t, func() bool {
		meet.mu.Lock()
		defer meet.mu.Unlock()
		return meet.arrived == 1
	}, time.Minute, time.Millisecond)
	meet.leave()
	select {
	case at := <-got:
		assert.Same(t, first, at)
	case <-time.After(5 * time.Second):
		t.Fatal("the meeting did not complete when the other worker left")
	}
}

// TestSolveCancelledAtAMeeting: a solve whose workers meet every few steps,
// cancelled while it searches, returns promptly with a complete plan.
func TestSolveCancelledAtAMeeting(t *testing.T) {
	p := bigProblem(40)
	withEpoch(16, func() {
		ctx, cancel := context.WithCancel(context.Background())
		var once bool
		set := &Settings{Seed: 2, Workers: 2, TimeLimit: time.Minute, NoBound: true, Progress: func(pr Progress) {
			if pr.Iterations > 12 && !once {
				once = true
				go func() { time.Sleep(200 * time.Millisecond); cancel() }()
			}
		}}
		t0 := time.Now()
		res, err := Solve(ctx, p, set)
		require.NoError(t, err)
		assert.Less(t, time.Since(t0), 20*time.Second)
		assert.Equal(t, StopCancelled, res.Stop)
		assert.Equal(t, 0, res.Score.Unplaced)
		assert.Empty(t, checkSchedule(p, res.Placements))
	})
}
