package solver

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// daysTouched counts, per group, the days the worked stretches of a schedule touch.
func daysTouched(p *Problem, pl []Placement) []int {
	c, _ := compile(p)
	seen := make([]map[int]bool, c.groups)
	for t := range pl {
		g := p.Tasks[t].Group
		if !pl[t].Placed || g < 0 {
			continue
		}
		for _, w := range p.Stretches(t, pl[t]) {
			if w.End <= w.Start {
				continue
			}
			if seen[g] == nil {
				seen[g] = map[int]bool{}
			}
			for d := c.dayOf(w.Start); d <= c.dayOf(w.End-1); d++ {
				seen[g][d] = true
			}
		}
	}
	out := make([]int, c.groups)
	for g := range seen {
		out[g] = len(seen[g])
	}
	return out
}

// Every complete schedule of a random problem ends no earlier than the end bound
// and touches, per group, no fewer days than the days bound; the bound does not
// depend on the known end it is given.
func TestBoundsBelowEveryCompleteSchedule(t *testing.T) {
	complete, tight := 0, 0
	for seed := uint64(0); seed < 200; seed++ {
		rng := rand.New(rand.NewPCG(seed, 23))
		p := randomProblem(rng)
		if seed%2 == 1 {
			for i := range p.Precedences { // lags of a day and more, in elapsed or working time
				if p.Precedences[i].MaxLag < 0 {
					p.Precedences[i].MinLag *= 8
				}
			}
		}
		if seed%3 == 0 && len(p.Tasks) > 2 {
			// a fixed task, where a first solve put it
			first, err := Solve(context.Background(), p, &Settings{WorkLimit: 3, Seed: int64(seed), Workers: 1})
			require.NoError(t, err)
			if pl := first.Placements[0]; pl.Placed && len(p.SameOrders) == 0 {
				p.Tasks[0].Fixed, p.Tasks[0].Start, p.Tasks[0].End, p.Tasks[0].Choice = true, pl.Start, pl.End, pl.Choice
			}
		}
		res, err := Solve(context.Background(), p, &Settings{WorkLimit: 20, Seed: int64(seed), Workers: 1})
		require.NoError(t, err)
		if res.Score.Unplaced > 0 {
			continue
		}
		complete++
		require.NotNil(t, res.Bounds)
		assert.LessOrEqual(t, res.Bounds.End.Value, res.Terms.Makespan, "seed %d", seed)
		assert.Equal(t, res.LowerBound, res.Bounds.End.Value)
		days := daysTouched(p, res.Placements)
		for g, b := range res.Bounds.GroupDays {
			assert.LessOrEqual(t, b, days[g], "seed %d group %d", seed, g)
			if b == days[g] && b > 1 {
				tight++
			}
		}
		again, err := ComputeBounds(p, 0)
		require.NoError(t, err)
		assert.Equal(t, res.Bounds.End, again.End, "seed %d: the bound depends on the known end", seed)
	}
	t.Logf("%d complete schedules, %d groups at their days bound (more than one day)", complete, tight)
	require.Greater(t, complete, 50)
	require.Greater(t, tight, 0, "the days bound is never reached: it says nothing")
}

// The days bound of hand-made groups: a unary resource one day at a time, a lag
// longer than a day, a chain without lags.
func TestGroupDayBounds(t *testing.T) {
	const day = 100
	var ws []Window
	for d := 0; d < 30; d++ {
		ws = append(ws, Window{d*day + 20, d*day + 60}) // 40 units a day
	}
	cal := NewCalendar(ws)
	base := func() *Problem {
		p := &Problem{Horizon: 30 * day, Objective: Objective{Makespan: 1}}
		for d := 0; d <= 30; d++ {
			p.DayStarts = append(p.DayStarts, d*day)
		}
		p.Resources = []Resource{{Name: "dwelling", Capacity: 1}, {Name: "crew", Capacity: 2, Calendar: cal}}
		return p
	}
	task := func(dur int) Task {
		return Task{Duration: dur, Group: 0, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}, {Alternatives: []int{1}, Amount: 1}}}
	}
	cases := []struct {
		name  string
		durs  []int
		precs []Precedence
		want  int
	}{
		{"one task of two and a half days", []int{100}, nil, 3},
		{"one at a time: 30+30+30 in days of 40", []int{30, 30, 30}, nil, 3},
		{"chain with a lag of a day", []int{10, 10}, []Precedence{{From: 0, To: 1, MinLag: day, MaxLag: -1}}, 2},
		{"chain without lag shares a day", []int{40, 40}, []Precedence{{From: 0, To: 1, MaxLag: -1}}, 2},
		{"chain of long tasks", []int{50, 50}, []Precedence{{From: 0, To: 1, MaxLag: -1}}, 3},
		// two pairs cut by a lag of a day: 2 days before it, 2 after (the whole
		// work, 120 in days of 40, says 3; the chain 2)
		{"cut by a lag of a day", []int{30, 30, 30, 30}, []Precedence{{From: 0, To: 1, MaxLag: -1},
			{From: 1, To: 2, MinLag: day, MaxLag: -1}, {From: 2, To: 3, MaxLag: -1}}, 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			for _, d := range tc.durs {
				p.Tasks = append(p.Tasks, task(d))
			}
			p.Precedences = tc.precs
			b, err := ComputeBounds(p, 0)
			require.NoError(t, err)
			require.Equal(t, []int{tc.want}, b.GroupDays)
			res, err := Solve(context.Background(), p, &Settings{WorkLimit: 20, Seed: 1, Workers: 1})
			require.NoError(t, err)
			require.Zero(t, res.Score.Unplaced)
			require.LessOrEqual(t, tc.want, daysTouched(p, res.Placements)[0])
		})
	}
}

// The window bound is the one-machine bound with heads and tails on a job shop
// (ft06: 52, computed by hand over every head and tail) and binds there by a
// machine's windows or load; edge finding and detectable precedences, with the
// heads and deadlines they find carried along the jobs, raise it to 55, the
// optimum.
func TestWindowBoundOnAJobShop(t *testing.T) {
	p, _ := loadJobShop(t, "testdata/ft06")
	c, err := compile(p)
	require.NoError(t, err)
	old := c.endBoundWith(0, false)
	assert.Equal(t, 52, old.Value)
	assert.NotEqual(t, BindPath, old.Binding)
	assert.Len(t, old.Resources, 1)
	b, err := ComputeBounds(p, 0)
	require.NoError(t, err)
	assert.Equal(t, EndBound{Value: 55, Binding: BindEdge, Resources: b.End.Resources}, b.End)
	assert.Len(t, b.End.Resources, 1)
}

// A task worked in several stretches holds its crew from its start to its end:
// two tasks of 45 units whose calendar opens 30 units each morning, on a crew
// open 80 units a day, hold the crew 95 units each however they start, so the
// second cannot end before day 2 at 40 (240), the optimum, where their
// durations alone prove only the first's end (125).
func TestHeldTimeBound(t *testing.T) {
	const day = 100
	var mornings, crew []Window
	for d := 0; d < 10; d++ {
		mornings = append(mornings, Window{d*day + 10, d*day + 40})
		crew = append(crew, Window{d*day + 10, d*day + 90})
	}
	task := func(name string) Task {
		return Task{Name: name, Duration: 45, Group: -1, Calendar: NewCalendar(mornings),
			Demands: []Demand{{Alternatives: []int{0}, Amount: 1}}}
	}
	p := &Problem{Horizon: 10 * day, Objective: Objective{Makespan: 1},
		Resources: []Resource{{Name: "crew", Capacity: 1, Calendar: NewCalendar(crew)}},
		Tasks:     []Task{task("A"), task("B")}}
	b, err := ComputeBounds(p, 0)
	require.NoError(t, err)
	assert.Equal(t, 240, b.End.Value)
	assert.Equal(t, BindWindow, b.End.Binding)
	res, err := Solve(context.Background(), p, &Settings{WorkLimit: 20, Seed: 1, Workers: 1})
	require.NoError(t, err)
	require.Zero(t, res.Score.Unplaced)
	assert.Equal(t, 240, res.Terms.Makespan)
	assert.Equal(t, b.End, res.Bounds.End)

	// held only while present (a pilot), the crew takes other work in the gaps:
	// the durations are all the bound counts
	for i := range p.Tasks {
		p.Tasks[i].Demands[0].WhilePresent = true
	}
	b, err = ComputeBounds(p, 0)
	require.NoError(t, err)
	assert.Less(t, b.End.Value, 240)
}

// leastHeld is the least over every start: on random problems, against trying
// each start of a random stretch [from, to] one by one (a resource always open
// counts the duration), walked alone and from curves shared over the horizon.
func TestLeastHeldIsTheLeast(t *testing.T) {
	checked, more := 0, 0
	for seed := uint64(0); seed < 80; seed++ {
		rng := rand.New(rand.NewPCG(seed, 31))
		p := randomProblem(rng)
		c, err := compile(p)
		require.NoError(t, err)
		_, est := c.basicBound()
		for ti := range p.Tasks {
			task := &p.Tasks[ti]
			for d, dm := range task.Demands {
				if dm.Amount == 0 || task.Contiguous || dm.WhilePresent {
					continue
				}
				from := max(0, est[ti]) + rng.IntN(300)
				to := from + rng.IntN(p.Horizon-from+1)
				want := MaxTime
				for _, m := range c.modes[ti] {
					rc := p.Resources[m.choice[d]].Calendar
					if rc == nil { // always open: left to the path, the duration counts
						want = min(want, dm.Amount*task.Duration)
						continue
					}
					for s := from; s <= to; s++ {
						st, e, ok := m.cal.Advance(s, task.Duration)
						if ok && st <= to {
							want = min(want, dm.Amount*rc.Work(st, e))
						}
					}
				}
				if want == MaxTime {
					want = dm.Amount * task.Duration
				}
				require.Equal(t, want, c.leastHeld(ti, d, from, to, nil), "seed %d task %d demand %d [%d, %d]", seed, ti, d, from, to)
				hc := newHeldCache()
				hc.reserve(c, ti, d, 0, p.Horizon) // a wider stretch, as for another task
				hc.reserve(c, ti, d, from, to)
				require.Equal(t, want, c.leastHeld(ti, d, from, to, hc), "seed %d task %d demand %d [%d, %d], shared", seed, ti, d, from, to)
				checked++
				if want > task.Duration*dm.Amount {
					more++
				}
			}
		}
	}
	t.Logf("%d demands checked, %d hold more than their work", checked, more)
	require.Greater(t, more, 10)
}

// The curve of held times and its edge (a start at from inside a stretch)
// against every start, on random calendars of two stretches a day met with a
// crew's day, walked over the stretch asked and over a wider one.
func TestHeldCurveAgainstEveryStart(t *testing.T) {
	const day = 100
	rng := rand.New(rand.NewPCG(5, 8))
	days := func(spans ...[2]int) *Calendar {
		var ws []Window
		for d := 0; d < 12; d++ {
			if rng.IntN(6) == 0 {
				continue // a day off
			}
			for _, sp := range spans {
				ws = append(ws, Window{d*day + sp[0], d*day + sp[1]})
			}
		}
		return NewCalendar(ws)
	}
	edges := 0
	for it := 0; it < 3000; it++ {
		a := 5 + rng.IntN(30)
		b := a + 5 + rng.IntN(30)
		crew := days([2]int{10, 45}, [2]int{50, 90})
		m := meetOf(days([2]int{a, b}, [2]int{b + 10, b + 10 + rng.IntN(20)}), crew)
		dur := 5 + rng.IntN(120)
		from := rng.IntN(6 * day)
		to := from + rng.IntN(6*day)
		if it%2 == 0 {
			to = from + rng.IntN(day/2) // a short stretch: the edges count
		}
		want := MaxTime
		for s := from; s <= to; s++ {
			if h, ok := heldAt(m, crew, dur, s); ok {
				want = min(want, h)
			}
		}
		cv := newHeldCurve(m, crew, dur, from, to)
		require.NotNil(t, cv)
		require.Equal(t, want, cv.least(m, crew, dur, from, to), "iteration %d", it)
		cv = newHeldCurve(m, crew, dur, 0, 12*day) // shared over a wider stretch
		require.NotNil(t, cv)
		require.Equal(t, want, cv.least(m, crew, dur, from, to), "iteration %d, shared", it)
		inner := MaxTime
		for k, s := range cv.s {
			if s >= from && s <= to {
				inner = min(inner, cv.h[k])
			}
		}
		if want < inner {
			edges++ // met only at from
		}
	}
	t.Logf("%d of 3000 met only at from", edges)
	require.Greater(t, edges, 0)
}

// A fixed task in the afternoon of a day leaves that day to the work after it
// only from its end: a fixed 40-50 (days of 20-60), then two tasks of 30 one
// at a time touch three days (50-60 and 120-140, 140-160 and 220-230), which
// the bound finds (counting the whole first day, it would say two).
func TestGroupDaysAfterAFixedTask(t *testing.T) {
	const day = 100
	var ws []Window
	for d := 0; d < 10; d++ {
		ws = append(ws, Window{d*day + 20, d*day + 60})
	}
	cal := NewCalendar(ws)
	p := &Problem{Horizon: 10 * day, Objective: Objective{Makespan: 1}}
	for d := 0; d <= 10; d++ {
		p.DayStarts = append(p.DayStarts, d*day)
	}
	p.Resources = []Resource{{Name: "dwelling", Capacity: 1}, {Name: "crew", Capacity: 2, Calendar: cal}}
	task := func(dur int) Task {
		return Task{Duration: dur, Group: 0, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}, {Alternatives: []int{1}, Amount: 1}}}
	}
	fixed := task(10)
	fixed.Fixed, fixed.Start, fixed.End, fixed.Choice = true, 40, 50, []int{0, 1}
	p.Tasks = []Task{fixed, task(30), task(30)}
	p.Precedences = []Precedence{{From: 0, To: 1, MaxLag: -1}, {From: 0, To: 2, MaxLag: -1}}
	b, err := ComputeBounds(p, 0)
	require.NoError(t, err)
	assert.Equal(t, []int{3}, b.GroupDays)
	res, err := Solve(context.Background(), p, &Settings{WorkLimit: 20, Seed: 1, Workers: 1})
	require.NoError(t, err)
	require.Zero(t, res.Score.Unplaced)
	assert.Equal(t, 3, daysTouched(p, res.Placements)[0])
}
