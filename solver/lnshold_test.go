package solver

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// holdCrew is a crew's calendar, 08:00-12:00 and 13:00-17:00 (minutes, days of
// 1440) over n days.
func holdCrew(n int) *Calendar {
	const day = 1440
	var ws []Window
	for d := 0; d < n; d++ {
		ws = append(ws, Window{d*day + 480, d*day + 720}, Window{d*day + 780, d*day + 1020})
	}
	return NewCalendar(ws)
}

// TestLeastHold: the hold neighbourhood's placement takes, among a task's
// earliest start and the starts of its calendar's next stretches before that
// start's end, the one that holds the crew least beyond its work, then the
// earliest end; a later start that the caller refuses (a maximum lag) is not
// taken.
func TestLeastHold(t *testing.T) {
	const day = 1440
	cases := []struct {
		name string
		// the household's hours: the task's own calendar (nil: always)
		avail []Window
		// the predecessor's maximum lag (-1: none)
		maxLag int
		want   int
	}{
		{"a day's work started on an afternoon waits for the whole day two days on",
			[]Window{{480 + 300, 1020}, {2*day + 480, 2*day + 1020}}, -1, 2*day + 480},
		{"a day's work at home every day starts at once", nil, -1, 480 + 60},
		{"a whole afternoon then a morning: as good as the later whole day, it ends first",
			[]Window{{780, 1020}, {day + 480, day + 720}, {day + 780, day + 1020}}, -1, 780},
		{"the wait is not taken beyond the predecessor's maximum lag",
			[]Window{{480 + 300, 1020}, {2*day + 480, 2*day + 1020}}, 600, 480 + 300},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			crew := holdCrew(5)
			p := &Problem{Resources: []Resource{{Name: "crew", Capacity: 1, Calendar: crew}},
				Objective: Objective{Makespan: 1}}
			var cal *Calendar
			if tc.avail != nil {
				cal = NewCalendar(tc.avail)
			}
			p.Tasks = []Task{
				{Name: "before", Duration: 60, Group: 0, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}}},
				{Name: "held", Duration: 480, Group: 0, Calendar: cal, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}}},
			}
			p.Precedences = []Precedence{{From: 0, To: 1, MaxLag: tc.maxLag}}
			c, err := compile(p)
			require.NoError(t, err)
			st := newState(c)
			l := newLNS(c, st, rand.New(rand.NewPCG(1, 1)))
			assert.Equal(t, []int{0}, l.holdRes)
			m, s, e, why, _ := st.bestMode(0, 0, 0)
			require.Equal(t, ReasonNone, why)
			st.place(0, m, s, e)
			est, ok, _ := st.earliestFromPreds(1)
			require.True(t, ok)
			_, s0, e0, _, _ := st.bestModeSpan(1, est, 0)
			m, s, e, why, _ = st.leastHold(1, est, 0, l.lagsAndSpansOK)
			require.Equal(t, ReasonNone, why)
			assert.Equal(t, tc.want, s)
			assert.LessOrEqual(t, c.heldAll(1, m, s, e), c.heldAll(1, m, s0, e0), "never holds more than the earliest start")
			st.place(1, m, s, e)
			require.Empty(t, checkSchedule(p, st.pl))
		})
	}
}

// holdProblem: twelve households, each with a day's work of one crew (the crew
// of the end) after a short task of another; half of them are at home on two
// afternoons and one whole day of every three, so that a start at their earliest
// holds the crew over days it does not work there.
func holdProblem() *Problem {
	const day, days = 1440, 60
	// the households' ends alone: the ahead neighbourhood, drawn only with an
	// end goal, stays out of the comparison
	p := &Problem{Objective: Objective{GroupEnd: 1}}
	p.Resources = []Resource{{Name: "crew", Capacity: 1, Calendar: holdCrew(days)}, {Name: "prep", Capacity: 1, Calendar: holdCrew(days)}}
	for d := 0; d <= days; d++ {
		p.DayStarts = append(p.DayStarts, d*day)
	}
	for g := 0; g < 12; g++ {
		var cal *Calendar
		if g%2 == 1 {
			var ws []Window
			for d := 0; d < days; d++ {
				switch (d + g) % 3 {
				case 0:
					ws = append(ws, Window{d*day + 780, d*day + 1020})
				case 1:
					ws = append(ws, Window{d*day + 480, d*day + 1020})
				}
			}
			cal = NewCalendar(ws)
		}
		p.Tasks = append(p.Tasks,
			Task{Name: "prep", Duration: 120, Group: g, Demands: []Demand{{Alternatives: []int{1}, Amount: 1}}},
			Task{Name: "held", Duration: 480, Group: g, Calendar: cal, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}}})
		p.Precedences = append(p.Precedences, Precedence{From: 2 * g, To: 2*g + 1, MaxLag: -1})
	}
	return p
}

// TestHoldNeighbourhoodShortensTheEnd: the same search from the same
// construction ends the households' works earlier, its crew holding less
// beyond its work, with the hold neighbourhood than without it.
func TestHoldNeighbourhoodShortensTheEnd(t *testing.T) {
	p := holdProblem()
	c, err := compile(p)
	require.NoError(t, err)
	never := func() bool { return false }
	first := newWorker(c, 3, 0).build(1, never)
	require.Empty(t, checkSchedule(p, first.pl))
	search := func(hold bool) (*candidate, int) {
		c.noHoldMove = !hold
		wk := newWorker(c, 3, 0)
		wk.st.check = true
		best := first
		wk.improve(first, 400, never, func(cd *candidate) { cd.fill(); best = cd })
		require.NoError(t, wk.st.drift)
		require.Empty(t, checkSchedule(p, best.pl))
		waste := 0
		for tk := range best.pl {
			if pl := best.pl[tk]; pl.Placed {
				waste += c.heldBeyond(0, tk, best.mode[tk], pl.Start, pl.End)
			}
		}
		return best, waste
	}
	without, wasteWithout := search(false)
	with, wasteWith := search(true)
	t.Logf("households' ends: construction %d, search %d (held beyond the work %d), with the hold neighbourhood %d (%d)",
		first.terms.GroupEnd, without.terms.GroupEnd, wasteWithout, with.terms.GroupEnd, wasteWith)
	assert.Less(t, with.terms.GroupEnd, without.terms.GroupEnd)
	assert.Less(t, wasteWith, wasteWithout)
}
