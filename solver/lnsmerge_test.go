package solver

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mergeProblem: a dwelling (group 0) with a morning's job of crew X and, after
// it, two hours of crew Y; crew Y has the afternoon of the first day taken by
// another dwelling's job (group 1), so that at their earliest the two hours stand
// alone on the second day. avail is the first dwelling's hours for the two hours
// (nil: always); perDay caps the tasks of the first dwelling on a day (0: none).
func mergeProblem(avail []Window, perDay int) *Problem {
	const days = 5
	p := twoCrews(days, Objective{GroupDays: 1})
	p.Resources = append(p.Resources, Resource{Name: "home 0", Capacity: 1}, Resource{Name: "home 1", Capacity: 1})
	var cal *Calendar
	if avail != nil {
		cal = NewCalendar(avail)
	}
	p.Tasks = []Task{
		{Name: "A", Duration: 240, Group: 0, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}, {Alternatives: []int{2}, Amount: 1}}},
		{Name: "B", Duration: 120, Group: 0, Calendar: cal, Demands: []Demand{{Alternatives: []int{1}, Amount: 1}, {Alternatives: []int{2}, Amount: 1}}},
		{Name: "C", Duration: 240, Group: 1, Demands: []Demand{{Alternatives: []int{1}, Amount: 1}, {Alternatives: []int{3}, Amount: 1}}},
	}
	p.Precedences = []Precedence{{From: 0, To: 1, MaxLag: -1}}
	if perDay > 0 {
		p.DayLimits = []DayLimit{{Name: "one a day", Tasks: []int{0, 1}, MaxPerDay: perDay}}
	}
	return p
}

// TestMergeMove: the merge neighbourhood takes a task alone on its day with the
// job that holds its crew on a day its group works, and the repair puts it on
// that day (the job moves to the crew's free morning): one day fewer. It takes
// nothing when the task may not start on that day (the household is away, a day
// limit).
func TestMergeMove(t *testing.T) {
	const day = 1440
	cases := []struct {
		name    string
		avail   []Window
		perDay  int
		merged  bool
		removed int
	}{
		{"the lone task joins its group's day, the job it meets takes the free morning", nil, 0, true, 2},
		{"the household is away that afternoon: nothing taken", []Window{{day, 5 * day}}, 0, false, 0},
		{"one task a day for the household: nothing taken", nil, 1, false, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := mergeProblem(tc.avail, tc.perDay)
			c, err := compile(p)
			require.NoError(t, err)
			st := newState(c)
			st.check = true
			// A in the first morning, C in the first afternoon, B at its earliest
			for _, at := range []struct{ t, est int }{{0, 0}, {2, 780}, {1, 0}} {
				est := at.est
				if e, ok, _ := st.earliestFromPreds(at.t); ok {
					est = max(est, e)
				}
				m, s, e, why, _ := st.bestMode(at.t, est, 0)
				require.Equal(t, ReasonNone, why)
				st.place(at.t, m, s, e)
			}
			require.Empty(t, checkSchedule(p, st.pl))
			require.Equal(t, 1, c.dayOf(st.pl[1].Start), "B alone on the second day")
			_, before := st.scoreTerms()
			require.Equal(t, 1, before.GroupDays)

			l := newLNS(c, st, rand.New(rand.NewPCG(1, 1)))
			l.pickMerge()
			assert.Len(t, l.removed, tc.removed)
			if tc.removed == 0 {
				return
			}
			assert.Equal(t, 1, l.first)
			l.rememberAndRemove()
			require.True(t, l.repair())
			require.NoError(t, st.drift)
			require.Empty(t, checkSchedule(p, st.pl))
			_, after := st.scoreTerms()
			if tc.merged {
				assert.Equal(t, 0, c.dayOf(st.pl[1].Start), "B on the first day")
				assert.Equal(t, 0, after.GroupDays)
			}
		})
	}
}

// mergeSearchProblem: sixteen dwellings, each with a morning's job of crew X, then
// a short job of crew Y (one to two hours), then a morning's job of crew X again;
// crew Y is scarce, so that at their earliest the short jobs stand alone on
// their days.
func mergeSearchProblem() *Problem {
	const days, n = 60, 16
	p := twoCrews(days, Objective{GroupDays: 1, GroupEnd: 0.001})
	for g := 0; g < n; g++ {
		p.Resources = append(p.Resources, Resource{Name: "home", Capacity: 1})
		home := len(p.Resources) - 1
		p.Tasks = append(p.Tasks,
			Task{Name: "first", Duration: 240, Group: g, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}, {Alternatives: []int{home}, Amount: 1}}},
			Task{Name: "short", Duration: 60 + 60*(g%2), Group: g, Demands: []Demand{{Alternatives: []int{1}, Amount: 1}, {Alternatives: []int{home}, Amount: 1}}},
			Task{Name: "last", Duration: 240, Group: g, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}, {Alternatives: []int{home}, Amount: 1}}})
		p.Precedences = append(p.Precedences, Precedence{From: 3 * g, To: 3*g + 1, MaxLag: -1}, Precedence{From: 3*g + 1, To: 3*g + 2, MaxLag: -1})
	}
	return p
}

// TestMergeNeighbourhoodFewerDays: the same search from the same construction
// ends with fewer disturbed days with the merge neighbourhood than without it.
func TestMergeNeighbourhoodFewerDays(t *testing.T) {
	p := mergeSearchProblem()
	c, err := compile(p)
	require.NoError(t, err)
	never := func() bool { return false }
	first := newWorker(c, 3, 0).build(1, never)
	require.Empty(t, checkSchedule(p, first.pl))
	without, with := searchWithAndWithout(t, p, c, first, 300, func(on bool) { c.noMergeMove = !on })
	t.Logf("days beyond the first: construction %d, search %d, with the merge neighbourhood %d",
		first.terms.GroupDays, without.terms.GroupDays, with.terms.GroupDays)
	assert.Less(t, with.terms.GroupDays, without.terms.GroupDays)
}

// searchWithAndWithout improves first for steps steps from the same seed, with
// a neighbourhood switched off by set(false), then on by set(true); each search
// runs in check mode and its best plan passes the checker.
func searchWithAndWithout(t *testing.T, p *Problem, c *compiled, first *candidate, steps int, set func(on bool)) (without, with *candidate) {
	t.Helper()
	never := func() bool { return false }
	search := func(on bool) *candidate {
		set(on)
		wk := newWorker(c, 3, 0)
		wk.st.check = true
		best := first
		wk.improve(first, steps, never, func(cd *candidate) { cd.fill(); best = cd })
		require.NoError(t, wk.st.drift)
		require.Empty(t, checkSchedule(p, best.pl))
		return best
	}
	return search(false), search(true)
}

// twoCrews is a problem of days whole days (day starts at midnight) with crews
// X and Y (resources 0 and 1, holdCrew's hours) and objective o.
func twoCrews(days int, o Objective) *Problem {
	p := &Problem{Objective: o}
	p.Resources = []Resource{{Name: "X", Capacity: 1, Calendar: holdCrew(days)}, {Name: "Y", Capacity: 1, Calendar: holdCrew(days)}}
	for d := 0; d <= days; d++ {
		p.DayStarts = append(p.DayStarts, d*1440)
	}
	return p
}
