package solver

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// joinProblem: a dwelling (group 0) with a morning's job A of crew X released on
// the second day and two hours B of crew Y free from the first; avail is B's
// hours (nil: always). At its earliest B stands alone on the first day.
func joinProblem(avail []Window) *Problem {
	const day, days = 1440, 5
	p := &Problem{Objective: Objective{GroupDays: 1}}
	p.Resources = []Resource{{Name: "X", Capacity: 1, Calendar: holdCrew(days)}, {Name: "Y", Capacity: 1, Calendar: holdCrew(days)},
		{Name: "home 0", Capacity: 1}}
	for d := 0; d <= days; d++ {
		p.DayStarts = append(p.DayStarts, d*day)
	}
	var cal *Calendar
	if avail != nil {
		cal = NewCalendar(avail)
	}
	p.Tasks = []Task{
		{Name: "A", Duration: 240, Group: 0, Release: day, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}, {Alternatives: []int{2}, Amount: 1}}},
		{Name: "B", Duration: 120, Group: 0, Calendar: cal, Demands: []Demand{{Alternatives: []int{1}, Amount: 1}, {Alternatives: []int{2}, Amount: 1}}},
	}
	return p
}

// TestJoinDay: a repair that puts B back by fewest days, its group's other work
// on the second day, moves it from a first day of its own onto the second day
// (one day fewer); with the rule left out (noJoinDays), or when B may not work
// the second day, it stays at its earliest.
func TestJoinDay(t *testing.T) {
	const day = 1440
	cases := []struct {
		name   string
		avail  []Window
		noJoin bool
		day    int
	}{
		{"B joins its group's day", nil, false, 1},
		{"the rule left out: B opens a day", nil, true, 0},
		{"B's household away the second day: B stays", []Window{{0, day}, {2 * day, 5 * day}}, false, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := joinProblem(tc.avail)
			c, err := compile(p)
			require.NoError(t, err)
			c.noJoinDays = tc.noJoin
			st := newState(c)
			st.check = true
			for _, u := range []int{0, 1} {
				est, ok, _ := st.earliestFromPreds(u)
				require.True(t, ok)
				m, s, e, why, _ := st.bestMode(u, est, 0)
				require.Equal(t, ReasonNone, why)
				st.place(u, m, s, e)
			}
			require.Equal(t, 0, c.dayOf(st.pl[1].Start), "B alone on the first day")
			l := newLNS(c, st, rand.New(rand.NewPCG(1, 1)))
			l.add(1)
			l.fewDays = allGroups
			l.rememberAndRemove()
			require.True(t, l.repair())
			require.NoError(t, st.drift)
			require.Empty(t, checkSchedule(p, st.pl))
			assert.Equal(t, tc.day, c.dayOf(st.pl[1].Start))
			_, terms := st.scoreTerms()
			assert.Equal(t, tc.day == 0, terms.GroupDays == 1, "days beyond the first")
		})
	}
}
