package solver

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGroupDayBoundsShareUnions: dwellings whose tasks have the same calendars
// share one union per day; the bounds are those computed with every dwelling's
// calendars its own (the same windows, other calendars, so nothing is shared).
func TestGroupDayBoundsShareUnions(t *testing.T) {
	const day = 1440
	days := 120
	households := make([][]Window, 4) // four patterns of availability
	for d := 0; d < days; d++ {
		if d%7 >= 5 {
			continue
		}
		households[0] = append(households[0], Window{d*day + 480, d*day + 1020})
		households[1] = append(households[1], Window{d*day + 540, d*day + 720})
		if d%2 == 0 {
			households[2] = append(households[2], Window{d*day + 480, d*day + 600}, Window{d*day + 840, d*day + 960})
		}
		households[3] = append(households[3], Window{d*day + 780, d*day + 1020})
	}
	build := func(own bool) *Problem {
		// a crew on site hours, 40 dwellings of 8 short works in a chain without
		// lags: their load on the dwelling, over the household's hours, binds
		var site []Window
		for d := 0; d < days; d++ {
			if d%7 < 5 {
				site = append(site, Window{d*day + 480, d*day + 720}, Window{d*day + 780, d*day + 1020})
			}
		}
		p := &Problem{Horizon: days * day, Objective: Objective{Makespan: 1, GroupDays: 5}}
		for d := 0; d <= days; d++ {
			p.DayStarts = append(p.DayStarts, d*day)
		}
		p.Resources = append(p.Resources, Resource{Name: "crew", Capacity: 3, Calendar: NewCalendar(site)})
		shared := make([]*Calendar, len(households))
		for i, ws := range households {
			shared[i] = NewCalendar(ws)
		}
		for g := 0; g < 40; g++ {
			dr := len(p.Resources)
			p.Resources = append(p.Resources, Resource{Name: fmt.Sprint("dw", g), Capacity: 1})
			for k := 0; k < 8; k++ {
				h := (g * 7 / 3) % len(households)
				if g%5 == 4 && k > 4 {
					h = (h + 1) % len(households) // a dwelling with two patterns
				}
				cal := shared[h]
				if own {
					cal = NewCalendar(shared[h].Windows())
				}
				p.Tasks = append(p.Tasks, Task{Name: fmt.Sprintf("d%d/t%d", g, k), Duration: 60 + 30*(k%3), Group: g, Calendar: cal,
					Demands: []Demand{{Alternatives: []int{0}, Amount: 1}, {Alternatives: []int{dr}, Amount: 1}}})
				if k > 0 {
					i := len(p.Tasks) - 1
					p.Precedences = append(p.Precedences, Precedence{From: i - 1, To: i, MaxLag: -1})
				}
			}
		}
		return p
	}
	sharedBounds, err := DayBounds(build(false))
	require.NoError(t, err)
	ownBounds, err := DayBounds(build(true))
	require.NoError(t, err)
	require.Len(t, sharedBounds, 40)
	require.Equal(t, ownBounds, sharedBounds)
	distinct := map[int]bool{}
	for _, b := range sharedBounds {
		require.Positive(t, b)
		distinct[b] = true
	}
	require.Greater(t, len(distinct), 1, fmt.Sprint("the patterns give different bounds: ", sharedBounds))
}

// TestPerDayUnion: the union's length on each day (the lists merged one by one
// with mergeWindows, as the days bound's prefixes of classes are, then spread
// by perDay), against a count minute by minute, for random lists of pieces
// (overlapping, touching, across midnight).
func TestPerDayUnion(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const days = 6
	var starts []int
	for d := 0; d <= days; d++ {
		starts = append(starts, d*100)
	}
	for round := 0; round < 300; round++ {
		lists := make([][]Window, rng.IntN(5))
		open := make([]bool, days*100)
		for i := range lists {
			for at := rng.IntN(40); at < days*100; {
				end := min(days*100, at+1+rng.IntN(120))
				lists[i] = append(lists[i], Window{at, end})
				for m := at; m < end; m++ {
					open[m] = true
				}
				at = end + rng.IntN(60)
			}
		}
		want := make([]int, days)
		for m, o := range open {
			if o {
				want[m/100]++
			}
		}
		dc := &dayCounter{starts: starts}
		var union []Window
		for _, l := range lists {
			union = mergeWindows(union, l)
		}
		for i := 1; i < len(union); i++ {
			require.Less(t, union[i-1].End, union[i].Start, "round %d: merged pieces sorted, apart", round)
		}
		require.Equal(t, want, dc.perDay(union), "round %d: %v", round, lists)
	}
}

// TestTouchedDaysOf: the days a placement touches, walked without the list of
// its stretches, are those of the list, for contiguous and split tasks, over one
// calendar or the meet of several, at random starts.
func TestTouchedDaysOf(t *testing.T) {
	p := bigProblem(30)
	// a second calendar on the dwellings (mornings, weekdays): the tasks' modes
	// then meet two calendars
	var mornings []Window
	for d := 0; d < 2*365; d++ {
		if d%7 < 5 {
			mornings = append(mornings, Window{d*1440 + 420, d*1440 + 660})
		}
	}
	for i := range p.Resources {
		if i%3 == 0 && p.Resources[i].Calendar == nil {
			p.Resources[i].Calendar = NewCalendar(mornings)
		}
	}
	c, err := compile(p)
	require.NoError(t, err)
	st := newState(c)
	rng := rand.New(rand.NewPCG(5, 6))
	for round := 0; round < 2000; round++ {
		task := rng.IntN(len(p.Tasks))
		m := rng.IntN(len(c.modes[task]))
		s := rng.IntN(300 * 1440)
		e := s + rng.IntN(5*1440)
		var want, got []int
		st.touchedDays(st.stretches(task, m, s, e), func(d int) { want = append(want, d) })
		st.touchedDaysOf(task, m, s, e, func(d int) { got = append(got, d) })
		require.Equal(t, want, got, "task %d mode %d [%d, %d)", task, m, s, e)
	}
}

// TestBoundsLater: a solve whose bounds are computed while the caller goes on
// gives, once waited for, the bounds and the stop of one that computes them
// before returning.
func TestBoundsLater(t *testing.T) {
	p := bigProblem(60)
	now, err := Solve(context.Background(), p, &Settings{WorkLimit: 3, Workers: 1, Seed: 2})
	require.NoError(t, err)
	later, err := Solve(context.Background(), p, &Settings{WorkLimit: 3, Workers: 1, Seed: 2, BoundsLater: true})
	require.NoError(t, err)
	later.WaitBounds()
	require.NotNil(t, now.Bounds)
	require.Positive(t, now.LowerBound)
	require.Equal(t, now.LowerBound, later.LowerBound)
	require.Equal(t, now.Bounds, later.Bounds)
	require.Equal(t, now.Stop, later.Stop)
	require.Equal(t, now.Placements, later.Placements)
	later.WaitBounds() // twice is harmless
}

// TestDayCounterUnion: the union of alternatives' calendars, folded in one
// after the other, is NewCalendar of all their windows (random calendars with
// overlapping, touching and nested windows); an always-open alternative makes
// the union always open.
func TestDayCounterUnion(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for round := 0; round < 200; round++ {
		p := &Problem{}
		var all []Window
		n := 2 + rng.IntN(5)
		for r := 0; r < n; r++ {
			var ws []Window
			for at := rng.IntN(50); at < 2000; at += 1 + rng.IntN(80) {
				ws = append(ws, Window{at, at + rng.IntN(100)})
			}
			all = append(all, ws...)
			p.Resources = append(p.Resources, Resource{Name: fmt.Sprint("r", r), Capacity: 1, Calendar: NewCalendar(ws)})
		}
		rs := make([]int, n)
		for i := range rs {
			rs[i] = i
		}
		dc := &dayCounter{c: &compiled{p: p}, unions: map[string]*Calendar{}}
		got := dc.union(rs)
		want := NewCalendar(all)
		require.Equal(t, want.Windows(), got.Windows(), "round %d", round)
		require.Equal(t, want.Total(), got.Total(), "round %d", round)
		require.Same(t, got, dc.union(rs), "round %d: built once", round)
		p.Resources[n-1].Calendar = nil
		dc = &dayCounter{c: &compiled{p: p}, unions: map[string]*Calendar{}}
		require.Nil(t, dc.union(rs), "round %d: always open", round)
	}
}
