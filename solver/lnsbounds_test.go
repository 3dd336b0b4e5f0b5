package solver

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// daysProblem is one group (a dwelling, unary) whose crew works 08:00-12:00 and
// 13:00-17:00 (in units of minutes, days of 1440) over ten days.
func daysProblem(durs []int, releases []int) *Problem {
	const day = 1440
	var ws []Window
	for d := 0; d < 10; d++ {
		ws = append(ws, Window{d*day + 480, d*day + 720}, Window{d*day + 780, d*day + 1020})
	}
	p := &Problem{Horizon: 10 * day, Grid: 15, Objective: Objective{Makespan: 1, GroupDays: 1000}}
	for d := 0; d <= 10; d++ {
		p.DayStarts = append(p.DayStarts, d*day)
	}
	p.Resources = []Resource{{Name: "dwelling", Capacity: 1}, {Name: "crew", Capacity: 1, Calendar: NewCalendar(ws)}}
	for i, d := range durs {
		p.Tasks = append(p.Tasks, Task{Duration: d, Group: 0, Release: releases[i],
			Demands: []Demand{{Alternatives: []int{0}, Amount: 1}, {Alternatives: []int{1}, Amount: 1}}})
		if i > 0 {
			p.Precedences = append(p.Precedences, Precedence{From: i - 1, To: i, MaxLag: -1})
		}
	}
	return p
}

// TestFewestDays: the days neighbourhood's placement takes, among a task's
// earliest start and the first starts of the next days, the one that adds the
// fewest days to its group, then the earliest end.
func TestFewestDays(t *testing.T) {
	const day = 1440
	cases := []struct {
		name     string
		durs     []int
		releases []int
		// the start of the last task with the fewest-days placement
		want int
	}{
		{"a short task after another shares its day", []int{180, 240}, []int{540, 0}, 780},
		{"a day's work that could start at 10:00 on a new day waits for the next day's start", []int{60, 480}, []int{540, day + 600}, 2*day + 480},
		{"a day's work that ends on a new day either way starts at once", []int{60, 480}, []int{day + 540, 0}, day + 600},
		{"a day's work that fits the rest of the day stays", []int{60, 300}, []int{day + 480, 0}, day + 540},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := daysProblem(tc.durs, tc.releases)
			c, err := compile(p)
			require.NoError(t, err)
			st := newState(c)
			l := newLNS(c, st, rand.New(rand.NewPCG(1, 1)))
			last := len(p.Tasks) - 1
			for k := 0; k < last; k++ {
				est, ok, _ := st.earliestFromPreds(k)
				require.True(t, ok)
				m, s, e, why, _ := st.bestMode(k, est, 0)
				require.Equal(t, ReasonNone, why)
				st.place(k, m, s, e)
			}
			est, ok, _ := st.earliestFromPreds(last)
			require.True(t, ok)
			m, s, e, why, _ := st.fewestDays(last, est, 0, l.lagsAndSpansOK)
			require.Equal(t, ReasonNone, why)
			assert.Equal(t, tc.want, s)
			st.place(last, m, s, e)
			require.Empty(t, checkSchedule(p, st.pl))
		})
	}
}

// TestDaysNeighbourhoodLowersDays: on dwellings whose tasks start at odd times
// (days to merge), a construction by fewest days touches fewer days than one by
// earliest starts, and the same search from the same construction ends with
// fewer days and a better score with the days neighbourhood than without it;
// every schedule valid, the score kept exactly (check mode).
func TestDaysNeighbourhoodLowersDays(t *testing.T) {
	p := bigProblem(12)
	for i := range p.Tasks {
		p.Tasks[i].Release += 37 * (i % 5)
	}
	// the days weigh most (a day as much as a week of the end)
	p.Objective = Objective{Makespan: 0.005, GroupEnd: 0.001, GroupDays: 50}
	c, err := compile(p)
	require.NoError(t, err)
	// the days neighbourhood measured alone: the dwelling pull (lnspull.go),
	// drawn in both searches, would change both trajectories
	c.noPullMove = true
	never := func() bool { return false }
	build := func(days bool) *candidate {
		c.noDaysMove = !days
		wk := newWorker(c, 2, 0)
		wk.st.check = true
		cd := wk.build(1, never)
		require.NoError(t, wk.st.drift)
		require.Empty(t, checkSchedule(p, cd.pl))
		return cd
	}
	plain, fewest := build(false), build(true)
	t.Logf("days beyond the first: construction %d, by fewest days %d", plain.terms.GroupDays, fewest.terms.GroupDays)
	assert.Less(t, fewest.terms.GroupDays, plain.terms.GroupDays)
	search := func(days bool) *candidate {
		c.noDaysMove = !days
		wk := newWorker(c, 2, 0)
		wk.st.check = true
		best := plain
		wk.improve(plain, 1500, never, func(cd *candidate) { cd.fill(); best = cd })
		require.NoError(t, wk.st.drift)
		require.Empty(t, checkSchedule(p, best.pl))
		return best
	}
	without, with := search(false), search(true)
	t.Logf("days beyond the first: search %d (%v), with the days neighbourhood %d (%v)", without.terms.GroupDays, without.score, with.terms.GroupDays, with.score)
	assert.Less(t, with.terms.GroupDays, without.terms.GroupDays)
	assert.True(t, with.score.Less(without.score), "%v, without %v", with.score, without.score)
}

// TestFewestDaysKeepsSpans: the construction's fewest-days placement tries a later
// day's start only where the group's span limit still holds. Two tasks: 60 min at
// 09:00 on day 0, then a day's work that could start at 10:00 on day 1 (ending on
// day 2 at 10:00: 49 hours from the first start) or wait for day 2's start (fewer
// days, 56 hours); a span limit of 50 hours over both (a dwelling's time without
// heating) forbids the wait, so the work starts at once.
func TestFewestDaysKeepsSpans(t *testing.T) {
	const day = 1440
	for _, tc := range []struct {
		name string
		max  int // the span limit, 0: none
		want int
	}{
		{"without a span limit it waits for the next day", 0, 2*day + 480},
		{"a span limit that the wait would break keeps it on the day", 50 * 60, day + 600},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := daysProblem([]int{60, 480}, []int{540, day + 600})
			if tc.max > 0 {
				p.Spans = []SpanLimit{{Name: "heating", Tasks: []int{0, 1}, Max: tc.max}}
			}
			c, err := compile(p)
			require.NoError(t, err)
			st := newState(c)
			est, ok, _ := st.earliestFromPreds(0)
			require.True(t, ok)
			m, s, e, why, _ := st.bestMode(0, est, 0)
			require.Equal(t, ReasonNone, why)
			st.place(0, m, s, e)
			est, ok, _ = st.earliestFromPreds(1)
			require.True(t, ok)
			m, s, e, why, _ = st.fewestDays(1, max(est, p.Tasks[1].Release), 0, st.predLagsOK)
			require.Equal(t, ReasonNone, why)
			assert.Equal(t, tc.want, s)
			st.place(1, m, s, e)
			require.Empty(t, checkSchedule(p, st.pl))
		})
	}
}

// TestDaysGain: the tournaments' key is what the score would gain were the
// group on its days bound: its days above the bound at the GroupDays weight,
// those above both the bound and its limit at the GroupDaysOver weight.
func TestDaysGain(t *testing.T) {
	cases := []struct {
		name         string
		bound, limit int
		want         float64
	}{
		{"above the bound, no limit", 4, 0, 5 * 2},
		{"above the bound and a lower limit: over from the bound on", 4, 3, 5*2 + 20*2},
		{"above the bound and a higher limit: over from the limit on", 4, 5, 5*2 + 20*1},
		{"no bound known: every day", 0, 0, 5 * 6},
		{"on the bound, above the limit: nothing to gain", 6, 2, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// six tasks of a whole working day each, one after the other: six days
			p := daysProblem([]int{480, 480, 480, 480, 480, 480}, make([]int, 6))
			p.Objective.GroupDays, p.Objective.GroupDaysOver = 5, 20
			p.GroupDaysLimit = []int{tc.limit}
			c, err := compile(p)
			require.NoError(t, err)
			st := newState(c)
			l := newLNS(c, st, rand.New(rand.NewPCG(1, 1)))
			for k := range p.Tasks {
				est, ok, _ := st.earliestFromPreds(k)
				require.True(t, ok)
				m, s, e, why, _ := st.bestMode(k, est, 0)
				require.Equal(t, ReasonNone, why)
				st.place(k, m, s, e)
			}
			st.tally.flush()
			require.Equal(t, 5, st.tally.days[0], "six days: five beyond the first")
			assert.InDelta(t, tc.want, l.daysGain(0, []int{tc.bound}), 1e-9)
		})
	}
}

// TestDaysGainEmptyGroup: a group with nothing placed touches no day, so it
// has nothing to gain (it counted one day before).
func TestDaysGainEmptyGroup(t *testing.T) {
	p := daysProblem([]int{480, 480}, make([]int, 2))
	p.Objective.GroupDays = 5
	c, err := compile(p)
	require.NoError(t, err)
	st := newState(c)
	l := newLNS(c, st, rand.New(rand.NewPCG(1, 1)))
	st.tally.flush()
	assert.InDelta(t, 0.0, l.daysGain(0, []int{0}), 1e-9)
	assert.InDelta(t, -5.0, l.daysGain(0, []int{1}), 1e-9)
}

// trainProblem is an operation whose crews go from one dwelling to the next:
// 8 trades in a chain in each dwelling (a 36-hour lag before the fifth), one or
// two crews a trade, jobs of a half day to two days (split over nights), a site
// working 08:00-12:00 and 13:00-17:00 on weekdays, rehabplan's weights (a day
// of the end 10, of a dwelling's end 0.001, a disturbed day 5; minutes).
func trainProblem(dwellings int, rng *rand.Rand) *Problem {
	const day, days = 1440, 2 * 365
	var work []Window
	for d := 0; d < days; d++ {
		if d%7 < 5 {
			work = append(work, Window{d*day + 480, d*day + 720}, Window{d*day + 780, d*day + 1020})
		}
	}
	site := NewCalendar(work)
	p := &Problem{Horizon: days * day, Objective: Objective{Makespan: 10.0 / day, GroupEnd: 0.001 / day, GroupDays: 5}}
	for d := 0; d <= days; d++ {
		p.DayStarts = append(p.DayStarts, d*day)
		if d%7 == 0 {
			p.WeekStarts = append(p.WeekStarts, d*day)
		}
	}
	crews := []int{1, 2, 2, 2, 1, 2, 2, 1}
	var alts [][]int
	for tr, n := range crews {
		var a []int
		for k := 0; k < n; k++ {
			a = append(a, len(p.Resources))
			p.Resources = append(p.Resources, Resource{Name: fmt.Sprintf("crew%d-%d", tr, k), Capacity: 1, Calendar: site})
		}
		alts = append(alts, a)
	}
	for d := 0; d < dwellings; d++ {
		dr := len(p.Resources)
		p.Resources = append(p.Resources, Resource{Name: fmt.Sprint("dw", d), Capacity: 1})
		for tr := range crews {
			dur := 240 * (1 + rng.IntN(4))
			if tr == 0 {
				dur = 240
			}
			p.Tasks = append(p.Tasks, Task{Name: fmt.Sprintf("d%d/t%d", d, tr), Duration: dur,
				Group: d, Demands: []Demand{{Alternatives: alts[tr], Amount: 1}, {Alternatives: []int{dr}, Amount: 1}}})
			if tr > 0 {
				lag := 0
				if tr == 4 {
					lag = 36 * 60
				}
				i := len(p.Tasks) - 1
				p.Precedences = append(p.Precedences, Precedence{From: i - 1, To: i, MinLag: lag, MaxLag: -1})
			}
		}
	}
	return p
}

// The groups, window and stretch moves put the tasks of groups back by fewest
// days (at their earliest, they gave back, on 1,000 generated
// dwellings, half the days the days neighbourhood took off): over 8 operations
// of 80 dwellings whose crews go from one to the next, the same steps from the
// same construction end with fewer disturbed days and a lower score in all,
// every schedule valid.
func TestRepairsByFewestDays(t *testing.T) {
	never := func() bool { return false }
	var days, plainDays int
	var soft, plainSoft float64
	for seed := uint64(1); seed <= 8; seed++ {
		p := trainProblem(80, rand.New(rand.NewPCG(seed, 9)))
		c, err := compile(p)
		require.NoError(t, err)
		first := newWorker(c, int64(seed), 0).build(0, never)
		require.Zero(t, first.score.Unplaced)
		for _, plain := range []bool{true, false} {
			c.plainRepairs = plain
			wk := newWorker(c, int64(seed), 0)
			best := first
			wk.improve(first, 3000, never, func(cd *candidate) { cd.fill(); best = cd })
			require.Empty(t, checkSchedule(p, best.pl))
			require.Zero(t, best.score.Unplaced)
			if plain {
				plainDays, plainSoft = plainDays+best.terms.GroupDays, plainSoft+best.score.Soft
			} else {
				days, soft = days+best.terms.GroupDays, soft+best.score.Soft
			}
		}
	}
	t.Logf("8 operations, 3,000 steps each: days beyond each group's first %d with plain repairs, %d by fewest days; soft cost %.1f, %.1f", plainDays, days, plainSoft, soft)
	assert.Less(t, days, plainDays)
	assert.Less(t, soft, plainSoft)
}
