package solver

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tinyProblem is a problem small enough to be solved to optimality by brute
// force: a few tasks, one or two resources with or without working hours,
// releases, precedences with lags, tasks split across a calendar's gaps (which
// hold their resource, gaps included) or run in one stretch.
func tinyProblem(rng *rand.Rand) *Problem {
	const day, days = 10, 7
	hours := func(from, to int) *Calendar {
		var ws []Window
		for d := 0; d < days; d++ {
			ws = append(ws, Window{d*day + from, d*day + to})
		}
		return NewCalendar(ws)
	}
	p := &Problem{Horizon: day * days, Objective: Objective{Makespan: 1}}
	nr := 1 + rng.IntN(2)
	for r := 0; r < nr; r++ {
		res := Resource{Name: fmt.Sprint("R", r), Capacity: 1 + rng.IntN(2)}
		if rng.IntN(2) == 0 {
			res.Calendar = hours(rng.IntN(3), 6+rng.IntN(4))
		}
		p.Resources = append(p.Resources, res)
	}
	nt := 3 + rng.IntN(3)
	for i := 0; i < nt; i++ {
		t := Task{Name: fmt.Sprint("T", i), Duration: 1 + rng.IntN(7), Group: -1, Contiguous: rng.IntN(3) == 0}
		if rng.IntN(4) == 0 {
			t.Calendar = hours(2+rng.IntN(3), 7+rng.IntN(3))
		}
		if rng.IntN(3) == 0 {
			t.Release = rng.IntN(12)
		}
		if rng.IntN(6) > 0 { // most tasks need a resource; some are lags or tails
			alts := []int{rng.IntN(nr)}
			if nr == 2 && rng.IntN(3) == 0 {
				alts = []int{0, 1}
			}
			amt := 1
			if p.Resources[alts[0]].Capacity > 1 && p.Resources[alts[len(alts)-1]].Capacity > 1 && rng.IntN(3) == 0 {
				amt = 2
			}
			t.Demands = []Demand{{Alternatives: alts, Amount: amt}}
		}
		p.Tasks = append(p.Tasks, t)
	}
	for j := 1; j < nt; j++ {
		for i := 0; i < j; i++ {
			if rng.IntN(4) == 0 {
				p.Precedences = append(p.Precedences, Precedence{From: i, To: j, MinLag: rng.IntN(3) * rng.IntN(6), MaxLag: -1})
			}
		}
	}
	return p
}

// bruteOptimum is the least end of any complete schedule of p (whose
// precedences go from lower to higher task indices), by trying every start and
// every resource of every task; false when none exists. Each task works in its
// effective calendar (its own and its resources') and holds its resources from
// start to end. known, when not nil, is a complete schedule to start from: only
// schedules that end earlier are then tried.
func bruteOptimum(p *Problem, known []Placement) ([]Placement, int, bool) {
	n := len(p.Tasks)
	H := p.Horizon
	use := make([][]int, len(p.Resources))
	for r := range use {
		use[r] = make([]int, H)
	}
	pl := make([]Placement, n)
	best := H + 1
	var bestPl []Placement
	if known != nil {
		best, bestPl = 0, known
		for _, q := range known {
			best = max(best, q.End)
		}
	}
	var place func(i, end int)
	place = func(i, end int) {
		if end >= best {
			return
		}
		if i == n {
			best = end
			bestPl = make([]Placement, n)
			for k := range pl {
				bestPl[k] = pl[k]
				bestPl[k].Choice = append([]int(nil), pl[k].Choice...)
			}
			return
		}
		t := &p.Tasks[i]
		from := t.Release
		for _, pr := range p.Precedences {
			if pr.To == i {
				from = max(from, pl[pr.From].End+pr.MinLag)
			}
		}
		var choices [][]int
		if len(t.Demands) == 0 {
			choices = [][]int{nil}
		} else {
			for _, r := range t.Demands[0].Alternatives {
				choices = append(choices, []int{r})
			}
		}
		for _, ch := range choices {
			cal := t.Calendar
			for _, r := range ch {
				cal = Intersect(cal, p.Resources[r].Calendar)
			}
			for s := from; s < best; s++ {
				var e int
				if t.Contiguous {
					if !cal.Covers(s, s+t.Duration) {
						continue
					}
					e = s + t.Duration
				} else {
					st, x, ok := cal.Advance(s, t.Duration)
					if !ok || st != s {
						continue
					}
					e = x
				}
				if e > H || max(end, e) >= best {
					continue
				}
				fits := true
				for _, r := range ch {
					for x := s; x < e && fits; x++ {
						fits = use[r][x]+t.Demands[0].Amount <= p.Resources[r].Capacity
					}
				}
				if !fits {
					continue
				}
				for _, r := range ch {
					for x := s; x < e; x++ {
						use[r][x] += t.Demands[0].Amount
					}
				}
				pl[i] = Placement{Placed: true, Start: s, End: e, Choice: ch}
				place(i+1, max(end, e))
				for _, r := range ch {
					for x := s; x < e; x++ {
						use[r][x] -= t.Demands[0].Amount
					}
				}
			}
		}
	}
	place(0, 0)
	return bestPl, best, best <= H
}

// On random tiny problems solved by brute force: the end bound never exceeds
// the optimum; at the optimum itself neither the task intervals nor the
// energetic reasoning refute the end, with the durations or with the held
// times; and the energetic reasoning is what binds on some of them (it
// refutes ends the other relaxations let pass).
func TestEndBoundNeverExceedsTheBruteForceOptimum(t *testing.T) {
	solved, tight, energy, edge, lifted := 0, 0, 0, 0, 0
	for seed := uint64(0); seed < 2000; seed++ {
		rng := rand.New(rand.NewPCG(seed, 61))
		p := tinyProblem(rng)
		// the search's schedule cuts the brute force short (problems it leaves
		// incomplete, most of them without any complete schedule, are skipped)
		res, err := Solve(context.Background(), p, &Settings{WorkLimit: 5, Seed: int64(seed), Workers: 1})
		require.NoError(t, err)
		if res.Score.Unplaced > 0 {
			continue
		}
		require.Empty(t, checkSchedule(p, res.Placements), "seed %d: the search's schedule", seed)
		pl, opt, ok := bruteOptimum(p, res.Placements)
		require.True(t, ok)
		require.LessOrEqual(t, opt, res.Terms.Makespan)
		require.Empty(t, checkSchedule(p, pl), "seed %d: the brute force's schedule", seed)
		solved++
		b, err := ComputeBounds(p, 0)
		require.NoError(t, err)
		require.LessOrEqual(t, b.End.Value, opt, "seed %d: bound %d (%s) above the optimum", seed, b.End.Value, b.End.Binding)
		withUpper, err := ComputeBounds(p, opt)
		require.NoError(t, err)
		assert.Equal(t, b.End, withUpper.End, "seed %d: the bound depends on the known end", seed)
		if b.End.Value == opt {
			tight++
		}
		if b.End.Binding == BindEnergy {
			energy++
		}
		if b.End.Binding == BindEdge {
			edge++
			c, err := compile(p)
			require.NoError(t, err)
			if old := c.endBoundWith(0, false); old.Value < b.End.Value {
				lifted++
			}
		}

		c, err := compile(p)
		require.NoError(t, err)
		_, est := c.basicBound()
		sets := c.energySets(est)
		l := newLatest(c, est)
		l.energy = true
		require.True(t, l.backward(opt), "seed %d", seed)
		for _, s := range sets {
			require.True(t, l.energetic(s, s.work), "seed %d: energetic reasoning refutes the optimum %d", seed, opt)
		}
		_, ok = l.feasible(opt, sets)
		require.True(t, ok, "seed %d: the windows refute the optimum %d", seed, opt)
		if held := l.heldSets(sets, opt); held != nil {
			_, ok = l.feasible(opt, held)
			require.True(t, ok, "seed %d: the held windows refute the optimum %d", seed, opt)
		}
		l.edge = true
		_, ok = l.feasible(opt, sets)
		require.True(t, ok, "seed %d: edge finding refutes the optimum %d", seed, opt)
		if held := l.heldSets(sets, opt); held != nil {
			_, ok = l.feasible(opt, held)
			require.True(t, ok, "seed %d: edge finding with the held times refutes the optimum %d", seed, opt)
		}
	}
	t.Logf("%d problems solved by brute force, bound at the optimum on %d, energetic reasoning binds on %d, edge finding on %d (above the bound without it on %d)", solved, tight, energy, edge, lifted)
	require.Greater(t, solved, 1500)
	require.Greater(t, energy, 0, "energetic reasoning never binds: it adds nothing")
	require.Greater(t, lifted, 0, "edge finding never raises the bound: it adds nothing")
}

// A case (found by the random problems above) where only energetic reasoning
// sees the overload. One resource of 2 units, always open: a takes both for 2;
// b takes one for 6 in one stretch; c one for 7 in one stretch inside its hours
// [2, 9), [12, 19)...; d both for 1, 6 after c; e one for 7, released at 8, 2
// after b and after c. With an end of 16, c must lie in [2, 9), so d in [15,
// 16), and e, which starts at 9 at the earliest, must end by 16: at 15 it
// still has 7 - 6 = 1 to do beside d's 2, 3 units of 2. No task interval sees
// it: the only task wholly inside [15, 16) is d. The bound is 17 (energetic
// reasoning), the optimum 18.
func TestEnergeticReasoningRefutesWhatIntervalsPass(t *testing.T) {
	var ws []Window
	for d := 0; d < 10; d++ {
		ws = append(ws, Window{d*10 + 2, d*10 + 9})
	}
	one := func(amount int) []Demand { return []Demand{{Alternatives: []int{0}, Amount: amount}} }
	p := &Problem{
		Horizon:   100,
		Resources: []Resource{{Name: "R", Capacity: 2}},
		Tasks: []Task{
			{Name: "a", Duration: 2, Group: -1, Demands: one(2)},
			{Name: "b", Duration: 6, Contiguous: true, Group: -1, Demands: one(1)},
			{Name: "c", Duration: 7, Contiguous: true, Calendar: NewCalendar(ws), Group: -1, Demands: one(1)},
			{Name: "d", Duration: 1, Group: -1, Demands: one(2)},
			{Name: "e", Duration: 7, Release: 8, Group: -1, Demands: one(1)},
		},
		Precedences: []Precedence{{From: 2, To: 3, MinLag: 6, MaxLag: -1}, {From: 1, To: 4, MinLag: 2, MaxLag: -1}, {From: 2, To: 4, MaxLag: -1}},
	}
	requireBruteOptimum(t, p, 18)
	b, err := ComputeBounds(p, 0)
	require.NoError(t, err)
	require.Equal(t, EndBound{Value: 17, Binding: BindEnergy, Resources: []int{0}}, b.End)

	c, err := compile(p)
	require.NoError(t, err)
	_, est := c.basicBound()
	sets := c.energySets(est)
	l := newLatest(c, est)
	_, ok := l.feasible(16, sets)
	require.True(t, ok, "the task intervals alone refute 16")
	l.energy = true
	_, ok = l.feasible(16, sets)
	require.False(t, ok)
	require.Equal(t, BindEnergy, l.why)
	_, ok = l.feasible(17, sets)
	require.True(t, ok)
}

// requireBruteOptimum requires p's brute-force optimum to be want, found by a
// schedule the checker accepts.
func requireBruteOptimum(t *testing.T, p *Problem, want int) {
	t.Helper()
	pl, opt, ok := bruteOptimum(p, nil)
	require.True(t, ok)
	require.Empty(t, checkSchedule(p, pl))
	require.Equal(t, want, opt)
}
