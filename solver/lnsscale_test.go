package solver

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// crewsProblem is a small operation whose crews are busy day after day: two
// crews of one trade (alternatives) and one of another, with working hours,
// dwellings (groups) holding at most two crews at once, households at home some
// days only, jobs from an hour to three days (split over nights when they are
// not contiguous), chains of works in each dwelling, day limits per household
// and, for some, the pilot held only while working (a present use).
func crewsProblem(rng *rand.Rand) *Problem {
	const day, days = 100, 60
	p := &Problem{Horizon: days * day, Objective: Objective{Makespan: 1, GroupDays: 5}}
	for d := 0; d <= days; d++ {
		p.DayStarts = append(p.DayStarts, d*day)
		if d%7 == 0 {
			p.WeekStarts = append(p.WeekStarts, d*day)
		}
	}
	hours := func(from, to int, keep func(d int) bool) *Calendar {
		var ws []Window
		for d := 0; d < days; d++ {
			if d%7 < 5 && keep(d) {
				ws = append(ws, Window{d*day + from, d*day + to})
			}
		}
		return NewCalendar(ws)
	}
	all := func(int) bool { return true }
	for r := 0; r < 3; r++ {
		p.Resources = append(p.Resources, Resource{Name: fmt.Sprint("crew", r), Capacity: 1, Calendar: hours(20, 20+50+rng.IntN(20), all)})
	}
	p.Resources = append(p.Resources, Resource{Name: "pilot", Capacity: 1, Calendar: hours(10, 90, all)})
	groups := 4 + rng.IntN(5)
	for g := 0; g < groups; g++ {
		home := len(p.Resources)
		p.Resources = append(p.Resources, Resource{Name: fmt.Sprint("home", g), Capacity: 2})
		var cal *Calendar
		if rng.IntN(2) == 0 {
			k := rng.IntN(3)
			cal = hours(10+rng.IntN(40), 60+rng.IntN(40), func(d int) bool { return d%3 != k })
		}
		first := len(p.Tasks)
		n := 3 + rng.IntN(5)
		var lim []int
		for i := 0; i < n; i++ {
			trade := []int{0, 1}
			if rng.IntN(3) == 0 {
				trade = []int{2}
			}
			t := Task{Name: fmt.Sprint("T", g, "-", i), Duration: 10 + rng.IntN(200), Group: g, Calendar: cal,
				Demands: []Demand{{Alternatives: trade, Amount: 1}, {Alternatives: []int{home}, Amount: 1}}}
			t.Contiguous = t.Duration <= 40 && rng.IntN(2) == 0
			if rng.IntN(4) == 0 {
				t.Demands = append(t.Demands, Demand{Alternatives: []int{3}, Amount: 1, WhilePresent: true})
			}
			if i > 0 && rng.IntN(3) > 0 {
				p.Precedences = append(p.Precedences, Precedence{From: first + i - 1, To: first + i, MinLag: rng.IntN(30), MaxLag: -1})
			}
			lim = append(lim, len(p.Tasks))
			p.Tasks = append(p.Tasks, t)
		}
		if rng.IntN(2) == 0 {
			p.DayLimits = append(p.DayLimits, DayLimit{Name: fmt.Sprint("home", g), Tasks: lim, MaxPerDay: 1 + rng.IntN(2), MaxDaysPerWeek: rng.IntN(4)})
		}
	}
	return p
}

// The larger steps of a held mode's walk (conflictGaps over the crews' nights)
// find the same placement as the small steps, with the same reason and blocker
// when there is none: from random starts, with and without an end cap, in mixed
// states of busy crews built by constructions and random removals.
func TestHeldWalkFindsTheSamePlacement(t *testing.T) {
	const day = 100
	held, fast := 0, 0
	for seed := uint64(0); seed < 60; seed++ {
		rng := rand.New(rand.NewPCG(seed, 21))
		p := crewsProblem(rng)
		if seed%3 == 0 {
			p.Grid = 5
		}
		c, err := compile(p)
		require.NoError(t, err)
		wk := newWorker(c, int64(seed), 0)
		wk.build(int(seed%4), func() bool { return false })
		st := wk.st
		for q := 0; q < 300; q++ {
			if q%20 == 0 {
				// take a few tasks out, so that the crews have holes
				for k := 0; k < 3; k++ {
					st.unplace(rng.IntN(len(p.Tasks)))
				}
			}
			task := rng.IntN(len(p.Tasks))
			if st.pl[task].Placed {
				continue
			}
			m := rng.IntN(len(c.modes[task]))
			est := rng.IntN(p.Horizon)
			st.endCap = MaxTime
			if rng.IntN(3) == 0 {
				st.endCap = est + rng.IntN(p.Horizon/2)
			}
			grid, limit := 0, 0
			if p.Grid > 0 && rng.IntN(2) == 0 {
				grid, limit = p.Grid, est+rng.IntN(5*day)
				est = ceilGrid(est, grid)
			}
			s1, e1, w1, b1 := st.walk(task, m, est, grid, limit, false)
			s2, e2, w2, b2 := st.earliestRaw(task, m, est, grid, limit)
			require.Equal(t, []int{s1, e1, int(w1), b1}, []int{s2, e2, int(w2), b2}, "seed %d query %d task %d mode %d from %d", seed, q, task, m, est)
			if !c.modes[task][m].present {
				held++
				if _, _, w, _ := st.walk(task, m, est, grid, limit, true); w == ReasonNone {
					fast++
				}
			}
			st.endCap = MaxTime
			s, e, w, _ := st.earliest(task, m, est)
			// a caller that drops the placements ending after by gets
			// earliest's placement when it ends by then (and never another)
			by := est + rng.IntN(10*day)
			sb, eb, wb, _ := st.earliestBy(task, m, est, by)
			if w == ReasonNone && e <= by {
				require.Equal(t, ReasonNone, wb, "seed %d query %d: by %d", seed, q, by)
			}
			if wb == ReasonNone {
				require.Equal(t, []int{s, e, int(ReasonNone)}, []int{sb, eb, int(w)}, "seed %d query %d: by %d", seed, q, by)
			}
			if w == ReasonNone && rng.IntN(2) == 0 {
				st.place(task, m, s, e)
			}
		}
		// the tally and the timelines still agree with the placements
		full, _ := c.score(st.pl, st.mode)
		require.Equal(t, full, st.score(), "seed %d", seed)
	}
	require.Greater(t, held, 1000)
	require.Greater(t, fast, 500)
}

// The sums and reads the search keeps instead of counting over the whole
// operation each step (the time each crew's tasks hold it beyond their work, the
// group task that ends last) equal the counts along random LNS steps.
func TestIncrementalReadsFollowLNSSteps(t *testing.T) {
	holds := 0
	for seed := uint64(0); seed < 30; seed++ {
		rng := rand.New(rand.NewPCG(seed, 22))
		p := crewsProblem(rng)
		p.Objective.GroupEnd = 1
		c, err := compile(p)
		require.NoError(t, err)
		wk := newWorker(c, int64(seed), 0)
		first := wk.build(1, func() bool { return false })
		st := wk.st
		st.reset()
		for task, pl := range first.pl {
			if pl.Placed {
				st.place(task, first.mode[task], pl.Start, pl.End)
			}
		}
		l := newLNS(c, st, rng)
		require.NotEmpty(t, l.holdRes, "seed %d", seed)
		for step := 0; step < 200; step++ {
			l.step()
			for _, r := range l.holdRes {
				require.Equal(t, l.wasteCounted(r), l.waste(r), "seed %d step %d resource %d", seed, step, r)
				holds += l.waste(r)
			}
			require.Equal(t, lastGroupTaskCounted(l), l.lastGroupTask(), "seed %d step %d", seed, step)
			at, k := rng.IntN(p.Horizon), rng.IntN(40)
			require.Equal(t, nearestStartsCounted(l, at, k), append([]keyedTask(nil), l.nearestStarts(at, k)...), "seed %d step %d", seed, step)
			for r := range p.Resources {
				require.Equal(t, justBeforeCounted(l, r, at), l.justBefore(r, at), "seed %d step %d resource %d at %d", seed, step, r, at)
			}
			skip := rng.IntN(len(p.Tasks))
			var got []int
			l.lastEnds(skip, func(u int) bool { got = append(got, u); return len(got) < 25 })
			require.Equal(t, lastEndsCounted(l, skip, 25), got, "seed %d step %d", seed, step)
		}
	}
	require.Positive(t, holds)
}

// lastGroupTaskCounted is lastGroupTask over every task.
func lastGroupTaskCounted(l *lns) int {
	last, end := -1, MinTime
	for t := range l.st.pl {
		if p := l.st.pl[t]; p.Placed && l.c.p.Tasks[t].Group >= 0 && p.End > end {
			last, end = t, p.End
		}
	}
	return last
}

// nearestStartsCounted is nearestStarts over every task.
func nearestStartsCounted(l *lns, at, k int) []keyedTask {
	var ds []keyedTask
	for u := range l.st.pl {
		if l.st.pl[u].Placed && !l.c.p.Tasks[u].Fixed && !l.inR[u] {
			d := l.st.pl[u].Start - at
			if d < 0 {
				d = -d
			}
			ds = append(ds, keyedTask{u, d})
		}
	}
	ds = smallestK(ds, k, func(a, b keyedTask) bool { return a.k < b.k || a.k == b.k && a.t < b.t })
	if len(ds) == 0 {
		return nil
	}
	return ds
}

// lastEndsCounted is the first n of lastEnds(skip) over every task.
func lastEndsCounted(l *lns, skip, n int) []int {
	var es []keyedTask
	for u := range l.st.pl {
		if l.st.pl[u].Placed {
			es = append(es, keyedTask{u, l.st.pl[u].End})
		}
	}
	sort.Slice(es, func(i, j int) bool { return es[i].k > es[j].k || es[i].k == es[j].k && es[i].t < es[j].t })
	var out []int
	for i := skip; i < len(es) && len(out) < n; i++ {
		out = append(out, es[i].t)
	}
	return out
}

// justBeforeCounted is justBefore over r's tasks.
func justBeforeCounted(l *lns, r, at int) int {
	prev, start := -1, MinTime
	for _, v := range l.byRes[r] {
		if pv := l.st.pl[v]; pv.Placed && l.c.p.Tasks[v].Group >= 0 && pv.Start < at && pv.Start > start {
			prev, start = v, pv.Start
		}
	}
	return prev
}
