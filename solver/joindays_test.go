package solver

import (
	"math/rand/v2"
	"slices"
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

// TestPickTrain: the train neighbourhood draws only crews (the resources of
// two groups or more, not a dwelling's own), takes up to trainRunMax jobs (2 or more unless the sequence ends) that
// follow each other in that crew's sequence, the first a job alone on a day of
// its dwelling when the draws find one, and marks every group for the
// fewest-days repair; the repair keeps the schedule feasible.
func TestPickTrain(t *testing.T) {
	p := trainProblem(20, rand.New(rand.NewPCG(3, 9)))
	c, err := compile(p)
	require.NoError(t, err)
	first := newWorker(c, 1, 0).build(0, func() bool { return false })
	require.Zero(t, first.score.Unplaced)
	st := newState(c)
	st.restore(first.pl, first.mode)
	l := newLNS(c, st, rand.New(rand.NewPCG(1, 2)))
	crews := 0
	for _, r := range l.trainRes {
		require.Less(t, r, 13, "a crew, not a dwelling")
		crews++
	}
	require.Equal(t, 13, crews)
	lone := 0
	for k := 0; k < 50; k++ {
		for _, u := range l.removed {
			l.inR[u] = false
		}
		l.removed, l.fewDays = l.removed[:0], -1
		l.pickTrain(l.add)
		require.NotEmpty(t, l.removed)
		require.LessOrEqual(t, len(l.removed), trainRunMax)
		require.Equal(t, allGroups, l.fewDays)
		onOne := false
		for _, r := range l.trainRes {
			onOne = onOne || containsRun(l.sequenceOn(r), l.removed)
		}
		require.True(t, onOne, "the jobs follow each other on one crew")
		if l.loneJob(l.removed[0]) {
			lone++
		}
		l.rememberAndRemove()
		if !l.repair() {
			l.revert()
		}
		require.Empty(t, checkSchedule(p, st.pl))
	}
	assert.Greater(t, lone, 25, "most runs start at a lone job")
}

// containsRun reports whether run appears in seq as consecutive elements.
func containsRun(seq, run []int) bool {
	for i := 0; i+len(run) <= len(seq); i++ {
		if slices.Equal(seq[i:i+len(run)], run) {
			return true
		}
	}
	return false
}

// TestTrainMoveLowersDays: on operations whose crews go from one dwelling to
// the next, the search with the train neighbourhood ends with fewer days beyond
// each group's first, and a lower cost, than without it (3,000 steps from the
// same construction, 8 operations); every best schedule checked.
func TestTrainMoveLowersDays(t *testing.T) {
	never := func() bool { return false }
	var days, offDays int
	var soft, offSoft float64
	for seed := uint64(1); seed <= 8; seed++ {
		p := trainProblem(80, rand.New(rand.NewPCG(seed, 9)))
		c, err := compile(p)
		require.NoError(t, err)
		first := newWorker(c, int64(seed), 0).build(0, never)
		require.Zero(t, first.score.Unplaced)
		for _, off := range []bool{true, false} {
			c.noTrainMove = off
			wk := newWorker(c, int64(seed), 0)
			best := first
			wk.improve(first, 3000, never, func(cd *candidate) { cd.fill(); best = cd })
			require.Empty(t, checkSchedule(p, best.pl))
			require.Zero(t, best.score.Unplaced)
			if off {
				offDays, offSoft = offDays+best.terms.GroupDays, offSoft+best.score.Soft
			} else {
				days, soft = days+best.terms.GroupDays, soft+best.score.Soft
			}
		}
	}
	t.Logf("8 operations, 3,000 steps each: days beyond each group's first %d without the train move, %d with it; soft cost %.1f, %.1f", offDays, days, offSoft, soft)
	assert.Less(t, days, offDays)
	assert.Less(t, soft, offSoft)
}
