package solver

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tinyDaysProblem is one group of 2-4 tasks in a dwelling that takes one crew at
// a time, over 6 days of 10 units: crews and the household open some
// half-days, lags in elapsed or working time, releases, a fixed task, one
// stretch or split tasks.
func tinyDaysProblem(rng *rand.Rand, days, most int) *Problem {
	const day = 10
	p := &Problem{Horizon: days * day, Objective: Objective{GroupDays: 1}}
	for d := 0; d <= days; d++ {
		p.DayStarts = append(p.DayStarts, d*day)
	}
	halves := func() *Calendar {
		var ws []Window
		for d := 0; d < days; d++ {
			if rng.IntN(4) > 0 {
				ws = append(ws, Window{d*day + 1, d*day + 4})
			}
			if rng.IntN(4) > 0 {
				ws = append(ws, Window{d*day + 5, d*day + 5 + 1 + rng.IntN(4)})
			}
		}
		if len(ws) == 0 {
			ws = append(ws, Window{1, 4})
		}
		return NewCalendar(ws)
	}
	p.Resources = []Resource{{Name: "dwelling", Capacity: 1}, {Name: "crew a", Capacity: 1, Calendar: halves()}, {Name: "crew b", Capacity: 1, Calendar: halves()}}
	home := halves()
	n := 2 + rng.IntN(most-1)
	for i := 0; i < n; i++ {
		t := Task{Name: fmt.Sprint("T", i), Duration: 1 + rng.IntN(7), Group: 0,
			Demands: []Demand{{Alternatives: []int{0}, Amount: 1}, {Alternatives: []int{1 + rng.IntN(2)}, Amount: 1}}}
		if rng.IntN(3) == 0 {
			t.Demands[1].Alternatives = []int{1, 2}
		}
		if rng.IntN(2) == 0 {
			t.Calendar = home
		}
		t.Contiguous = rng.IntN(4) == 0 && t.Duration <= 3
		if rng.IntN(4) == 0 {
			t.Release = rng.IntN(2 * day)
		}
		p.Tasks = append(p.Tasks, t)
		if i > 0 && rng.IntN(3) > 0 {
			pr := Precedence{From: rng.IntN(i), To: i, MaxLag: -1}
			switch rng.IntN(3) {
			case 1:
				pr.MinLag = 1 + rng.IntN(12)
			case 2:
				pr.MinLag, pr.LagCalendar = 1+rng.IntN(4), p.Resources[1].Calendar
			}
			p.Precedences = append(p.Precedences, pr)
		}
	}
	if rng.IntN(4) == 0 {
		// a fixed task: one unit on the first open minute of a day
		c := p.Resources[1].Calendar
		s, e, _ := c.Advance(rng.IntN(3*day), 1)
		p.Tasks = append(p.Tasks, Task{Name: "fixed", Duration: 1, Group: 0, Fixed: true, Start: s, End: e, Choice: []int{0, 1},
			Demands: []Demand{{Alternatives: []int{0}, Amount: 1}, {Alternatives: []int{1}, Amount: 1}}})
	}
	return p
}

// fewestDaysByEnumeration is the fewest days any complete schedule of p (one
// group) touches: every start and crew of every task, the precedences, the
// dwelling and the crews one task at a time, the horizon, the limits of tasks
// a day; -1 when none is complete.
func fewestDaysByEnumeration(p *Problem) int {
	c, err := compile(p)
	if err != nil {
		panic(err)
	}
	n := len(p.Tasks)
	pl := make([]Placement, n)
	best := -1
	var rec func(t int)
	rec = func(t int) {
		if t == n {
			if !withinDayLimits(c, pl) {
				return
			}
			if d := daysTouched(p, pl)[0]; best < 0 || d < best {
				best = d
			}
			return
		}
		task := &p.Tasks[t]
		if task.Fixed {
			pl[t] = Placement{Placed: true, Start: task.Start, End: task.End, Choice: task.Choice}
			if placedOK(c, pl, t) {
				rec(t + 1)
			}
			return
		}
		for _, m := range c.modes[t] {
			for s := 0; s < p.Horizon; s++ {
				var st, e int
				var ok bool
				if task.Contiguous {
					st, ok = m.cal.FitContiguous(s, task.Duration)
					e = st + task.Duration
				} else {
					st, e, ok = m.cal.Advance(s, task.Duration)
				}
				if !ok || st != s || e > p.Horizon || s < task.Release {
					continue
				}
				pl[t] = Placement{Placed: true, Start: s, End: e, Choice: m.choice}
				if placedOK(c, pl, t) {
					rec(t + 1)
				}
			}
		}
		pl[t] = Placement{}
	}
	rec(0)
	return best
}

// withinDayLimits reports whether no day holds more of a limit's tasks than
// its MaxPerDay (a task holds the days its worked stretches overlap).
func withinDayLimits(c *compiled, pl []Placement) bool {
	p := c.p
	for _, l := range p.DayLimits {
		count := map[int]int{}
		for _, t := range l.Tasks {
			seen := map[int]bool{}
			for _, w := range p.Stretches(t, pl[t]) {
				for d := c.dayOf(w.Start); w.End > w.Start && d <= c.dayOf(w.End-1); d++ {
					if !seen[d] {
						seen[d] = true
						count[d]++
					}
				}
			}
		}
		for _, k := range count {
			if l.MaxPerDay > 0 && k > l.MaxPerDay {
				return false
			}
		}
	}
	return true
}

// placedOK checks task t against the tasks before it: the precedences (lags
// through their calendars), and no resource used by both at once.
func placedOK(c *compiled, pl []Placement, t int) bool {
	for u := 0; u < t; u++ {
		a, b := pl[u], pl[t]
		for k := range c.p.Tasks[t].Demands {
			for j := range c.p.Tasks[u].Demands {
				if a.Choice[j] == b.Choice[k] && a.Start < b.End && b.Start < a.End {
					return false
				}
			}
		}
	}
	for _, pr := range c.p.Precedences {
		if pr.From > t || pr.To > t {
			continue
		}
		at := pl[pr.From].End + pr.MinLag
		if pr.LagCalendar != nil && pr.MinLag > 0 {
			_, x, ok := pr.LagCalendar.Advance(pl[pr.From].End, pr.MinLag)
			if !ok {
				return false
			}
			at = x
		}
		if pl[pr.To].Start < at {
			return false
		}
	}
	return true
}

// The days bound of tiny groups never exceeds the fewest days found by
// enumerating every schedule, and the serial bound raises it on some: it is
// then at least as high as without it, and often the fewest itself.
func TestSerialDaysBoundAgainstEnumeration(t *testing.T) {
	tried, raised, exact, exactBefore := 0, 0, 0, 0
	for seed := uint64(0); seed < 400; seed++ {
		p := tinyDaysProblem(rand.New(rand.NewPCG(seed, 41)), 6, 4)
		fewest := fewestDaysByEnumeration(p)
		if fewest < 0 {
			continue
		}
		tried++
		got, before := serialAndPlainDaysBound(t, p)
		require.LessOrEqual(t, got, fewest, "seed %d: the bound exceeds the fewest days", seed)
		require.GreaterOrEqual(t, got, before, "seed %d", seed)
		if got > before {
			raised++
		}
		if got == fewest {
			exact++
		}
		if before == fewest {
			exactBefore++
		}
	}
	t.Logf("%d groups with a complete schedule: the bound is the fewest days on %d (%d without the serial bound), raised on %d", tried, exact, exactBefore, raised)
	require.Greater(t, tried, 200)
	assert.Greater(t, raised, 10, "the serial bound never raises the bound")
}

// Over more days (12, 2-3 tasks), where a task has more later starts than the
// search keeps apart and takes the rest together (the aggregate, its early
// stop, the table of the open starts as cheap), the bound still never exceeds
// the fewest days.
func TestSerialDaysBoundAgainstEnumerationLonger(t *testing.T) {
	if testing.Short() {
		t.Skip("enumerates every schedule over 12 days")
	}
	tried, exact, raised := 0, 0, 0
	for seed := uint64(0); seed < 150; seed++ {
		p := tinyDaysProblem(rand.New(rand.NewPCG(seed, 43)), 12, 3)
		fewest := fewestDaysByEnumeration(p)
		if fewest < 0 {
			continue
		}
		tried++
		got, before := serialAndPlainDaysBound(t, p)
		require.LessOrEqual(t, got, fewest, "seed %d: the bound exceeds the fewest days", seed)
		require.GreaterOrEqual(t, got, before, "seed %d", seed)
		if got == fewest {
			exact++
		}
		if got > before {
			raised++
		}
	}
	t.Logf("%d groups over 12 days: the bound is the fewest days on %d, raised by the serial bound on %d", tried, exact, raised)
	require.Greater(t, tried, 100)
	assert.Greater(t, raised, 5)
}

// serialAndPlainDaysBound is the first group's days bound with and without
// the serial search.
func serialAndPlainDaysBound(t *testing.T, p *Problem) (serial, plain int) {
	t.Helper()
	c, err := compile(p)
	require.NoError(t, err)
	c2, err := compile(p)
	require.NoError(t, err)
	c2.noSerialDays = true
	return c.groupDayBounds()[0], c2.groupDayBounds()[0]
}

// Two groups alike (the same tasks, calendars and lags, each in its own
// dwelling) are searched once: they get the same bound as either alone, and
// the memo holds one outcome for them.
func TestSerialDaysMemoGroupsAlike(t *testing.T) {
	checked := 0
	for seed := uint64(0); seed < 60; seed++ {
		p := tinyDaysProblem(rand.New(rand.NewPCG(seed, 41)), 6, 4)
		c, err := compile(p)
		require.NoError(t, err)
		alone := c.groupDayBounds()[0]
		// the same group again, in a second dwelling
		q := *p
		q.Resources = append(slices.Clone(p.Resources), Resource{Name: "dwelling 2", Capacity: 1})
		q.Tasks = slices.Clone(p.Tasks)
		q.Precedences = slices.Clone(p.Precedences)
		n := len(p.Tasks)
		for _, task := range p.Tasks {
			task.Group = 1
			task.Demands = slices.Clone(task.Demands)
			task.Demands[0] = Demand{Alternatives: []int{len(q.Resources) - 1}, Amount: 1}
			if task.Fixed {
				task.Choice = []int{len(q.Resources) - 1, task.Choice[1]}
			}
			q.Tasks = append(q.Tasks, task)
		}
		for _, pr := range p.Precedences {
			pr.From += n
			pr.To += n
			q.Precedences = append(q.Precedences, pr)
		}
		c2, err := compile(&q)
		require.NoError(t, err)
		both := c2.groupDayBounds()
		require.Equal(t, []int{alone, alone}, both, "seed %d", seed)
		memo := newSerialMemo()
		var ts [2][]int
		for i := range q.Tasks {
			ts[q.Tasks[i].Group] = append(ts[q.Tasks[i].Group], i)
		}
		dc := newDayCounter(c2)
		need := make([]int, len(q.Tasks))
		for i := range need {
			need[i], _ = dc.minDays(i)
		}
		est := c2.dayEsts()
		b0, ok0 := c2.serialDays(ts[0], dc, need, est, 0, memo)
		spent := serialTotal - memo.budget
		b1, ok1 := c2.serialDays(ts[1], dc, need, est, 0, memo)
		require.Equal(t, b0, b1, "seed %d", seed)
		require.Equal(t, ok0, ok1, "seed %d", seed)
		require.Equal(t, spent, serialTotal-memo.budget, "seed %d: the second group was searched again", seed)
		if len(memo.done) > 0 {
			require.Len(t, memo.done, 1, "seed %d", seed)
			checked++
		}
	}
	require.Greater(t, checked, 30)
}

// A searched task that no plan can place (it cannot end by the horizon, alone
// or after its predecessor's lag) makes every total out of the search's reach:
// the serial bound must then claim nothing, not every day of the horizon (a
// plan that leaves the task out touches fewer).
func TestSerialDaysBoundUnplaceableTask(t *testing.T) {
	const day = 1440
	cases := []struct {
		name  string
		build func() *Problem
	}{
		{"released too late to end by the horizon", func() *Problem {
			return daysProblem([]int{480, 480, 480}, []int{0, 0, 9*day + 900})
		}},
		{"its predecessor's lag runs past the horizon", func() *Problem {
			p := daysProblem([]int{480, 480, 480}, []int{0, 0, 0})
			p.Precedences[1].MinLag = 9 * day
			return p
		}},
		{"its predecessor's lag never ends in its calendar", func() *Problem {
			p := daysProblem([]int{480, 480, 480}, []int{0, 0, 0})
			p.Precedences[1].MinLag = 60
			p.Precedences[1].LagCalendar = NewCalendar([]Window{{0, 480}})
			return p
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.build()
			c, err := compile(p)
			require.NoError(t, err)
			ts := []int{0, 1, 2}
			_, ok := c.newSerialSearch(ts, newDayCounter(c), make([]int, len(p.Tasks)), c.dayEsts())
			assert.False(t, ok, "the search must give up on a task no plan places")
			serial, plain := serialAndPlainDaysBound(t, p)
			assert.Equal(t, plain, serial)
			assert.Less(t, serial, len(p.DayStarts)-1, "the bound climbed to every day")
		})
	}
}

// tinyDaysProblemWithVisits is tinyDaysProblem (2-3 tasks on the dwelling)
// and 1-2 visits off it, each needing a pilot alone: after the last task on
// the dwelling (or after a random one: then not always ordered with the
// others), with no lag, a lag of a day or more, or a lag in the pilot's
// working time; the second after the first, often past a lag of a day or
// more (a survey weeks after the acceptance).
func tinyDaysProblemWithVisits(rng *rand.Rand, days int) *Problem {
	const day = 10
	p := tinyDaysProblem(rng, days, 3)
	pilot := len(p.Resources)
	p.Resources = append(p.Resources, Resource{Name: "pilot", Capacity: 1, Calendar: p.Resources[1+rng.IntN(2)].Calendar})
	last := 0
	for i := range p.Tasks {
		if !p.Tasks[i].Fixed {
			last = i
		}
	}
	lag := func() (int, *Calendar) {
		switch rng.IntN(4) {
		case 0:
			return 0, nil
		case 1:
			return day + rng.IntN(2*day), nil
		case 2:
			return 1 + rng.IntN(3), p.Resources[pilot].Calendar
		}
		return rng.IntN(day), nil
	}
	visits := 1 + rng.IntN(2)
	for v := 0; v < visits; v++ {
		t := Task{Name: fmt.Sprint("V", v), Duration: 1 + rng.IntN(3), Group: 0, Demands: []Demand{{Alternatives: []int{pilot}, Amount: 1}}}
		if rng.IntN(2) == 0 {
			t.Calendar = p.Tasks[0].Calendar
		}
		from := last
		if v == 0 && rng.IntN(4) == 0 {
			from = rng.IntN(last + 1)
		}
		if v == 1 {
			from = len(p.Tasks) - 1
		}
		p.Tasks = append(p.Tasks, t)
		pr := Precedence{From: from, To: len(p.Tasks) - 1, MaxLag: -1}
		pr.MinLag, pr.LagCalendar = lag()
		p.Precedences = append(p.Precedences, pr)
	}
	return p
}

// The visits off the dwelling that the precedences order with every task on
// it are searched with them, or, after a lag that starts a new day, counted
// apart as days of their own: the bound still never exceeds the fewest days
// found by enumeration, and it rises over the bound without them on some.
func TestSerialDaysJoinedVisitsAgainstEnumeration(t *testing.T) {
	tried, exact, raised := boundAgainstEnumeration(t, 300, func(seed uint64) (*Problem, int, int) {
		p := tinyDaysProblemWithVisits(rand.New(rand.NewPCG(seed, 47)), 6)
		c, err := compile(p)
		require.NoError(t, err)
		c.noSerialJoin = true
		return p, c.groupDayBounds()[0], serialDaysOf(t, p)
	})
	t.Logf("%d groups with visits and a complete schedule: the bound is the fewest days on %d, raised by the visits on %d", tried, exact, raised)
	require.Greater(t, tried, 150)
	assert.Greater(t, raised, 10, "the visits never raise the bound")
}

// A limit of tasks a day over the group (one or two a day, a household that
// takes one intervention a day) on the tiny groups with visits: the bound
// never exceeds the fewest days of the schedules within the limit, and the
// limit raises it on some.
func TestDaysBoundUnderADayLimitAgainstEnumeration(t *testing.T) {
	tried, exact, raised := boundAgainstEnumeration(t, 200, func(seed uint64) (*Problem, int, int) {
		rng := rand.New(rand.NewPCG(seed, 53))
		p := tinyDaysProblemWithVisits(rng, 6)
		before := serialDaysOf(t, p)
		l := DayLimit{Name: "household", MaxPerDay: 1 + rng.IntN(2)}
		for i := range p.Tasks {
			l.Tasks = append(l.Tasks, i)
		}
		p.DayLimits = []DayLimit{l}
		return p, before, serialDaysOf(t, p)
	})
	t.Logf("%d groups under a day limit: the bound is the fewest days on %d, raised by the limit on %d", tried, exact, raised)
	require.Greater(t, tried, 100)
	assert.Greater(t, raised, 10, "the limit never raises the bound")
}

// boundAgainstEnumeration makes a problem for each seed below seeds (with the
// first group's bound before and after what the test adds) and, on those with
// a complete schedule, requires the bound after never above the fewest days
// found by enumeration and never below the bound before; it counts the
// problems tried, those whose bound is the fewest days, and those it raised.
func boundAgainstEnumeration(t *testing.T, seeds uint64, build func(seed uint64) (p *Problem, before, got int)) (tried, exact, raised int) {
	t.Helper()
	for seed := uint64(0); seed < seeds; seed++ {
		p, before, got := build(seed)
		fewest := fewestDaysByEnumeration(p)
		if fewest < 0 {
			continue
		}
		tried++
		require.LessOrEqual(t, got, fewest, "seed %d: the bound exceeds the fewest days", seed)
		require.GreaterOrEqual(t, got, before, "seed %d", seed)
		if got > before {
			raised++
		}
		if got == fewest {
			exact++
		}
	}
	return tried, exact, raised
}

// serialDaysOf is the first group's days bound.
func serialDaysOf(t *testing.T, p *Problem) int {
	t.Helper()
	c, err := compile(p)
	require.NoError(t, err)
	return c.groupDayBounds()[0]
}
