package solver

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkSchedule re-checks a result against p from scratch (brute force, minute by
// minute where needed) and returns what is wrong.
func checkSchedule(p *Problem, pl []Placement) []string {
	var errs []string
	bad := func(f string, a ...any) { errs = append(errs, fmt.Sprintf(f, a...)) }
	open := func(c *Calendar, x int) bool {
		if c == nil {
			return true
		}
		ws := c.Windows()
		i := sort.Search(len(ws), func(i int) bool { return ws[i].End > x })
		return i < len(ws) && ws[i].Start <= x
	}
	for i, t := range p.Tasks {
		q := pl[i]
		if !q.Placed {
			if q.Reason == ReasonNone {
				bad("task %d unplaced without reason", i)
			}
			continue
		}
		if t.Fixed && (q.Start != t.Start || q.End != t.End) {
			bad("fixed task %d moved", i)
			continue
		}
		if q.Start < t.Release {
			bad("task %d starts %d before release %d", i, q.Start, t.Release)
		}
		if t.Deadline > 0 && q.End > t.Deadline || p.Horizon > 0 && q.End > p.Horizon {
			bad("task %d ends %d after deadline", i, q.End)
		}
		if len(q.Choice) != len(t.Demands) {
			bad("task %d has %d choices for %d demands", i, len(q.Choice), len(t.Demands))
			continue
		}
		cals := []*Calendar{t.Calendar}
		for k, d := range t.Demands {
			ok := false
			for _, a := range d.Alternatives {
				ok = ok || a == q.Choice[k]
			}
			if !ok {
				bad("task %d uses resource %d not among its alternatives", i, q.Choice[k])
			}
			if d.Amount > 0 {
				cals = append(cals, p.Resources[q.Choice[k]].Calendar)
			}
		}
		if t.Fixed {
			continue
		}
		work := 0
		for x := q.Start; x < q.End; x++ {
			in := true
			for _, c := range cals {
				in = in && open(c, x)
			}
			if in {
				work++
			} else if t.Contiguous {
				bad("contiguous task %d interrupted at %d", i, x)
				break
			}
		}
		if work != t.Duration {
			bad("task %d works %d, duration %d", i, work, t.Duration)
		}
		if t.Duration > 0 {
			for _, c := range cals {
				if !open(c, q.Start) {
					bad("task %d starts outside a calendar", i)
				}
			}
		}
	}
	// resources
	for r, res := range p.Resources {
		use := map[int]int{}
		for i, t := range p.Tasks {
			q := pl[i]
			if !q.Placed {
				continue
			}
			for k, d := range t.Demands {
				if q.Choice[k] == r {
					for x := q.Start; x < q.End; x++ {
						use[x] += d.Amount
						if use[x] > res.Capacity {
							bad("resource %d over capacity at %d", r, x)
							x = q.End
						}
					}
				}
			}
		}
	}
	for _, pr := range p.Precedences {
		a, b := pl[pr.From], pl[pr.To]
		if !a.Placed {
			if b.Placed {
				bad("task %d placed, predecessor %d not", pr.To, pr.From)
			}
			continue
		}
		if !b.Placed {
			continue
		}
		at := a.End + pr.MinLag
		if pr.LagCalendar != nil && pr.MinLag > 0 { // no lag is no wait, even outside the calendar
			_, e, _ := pr.LagCalendar.Advance(a.End, pr.MinLag)
			at = e
		}
		if b.Start < at {
			bad("precedence %d->%d: start %d before %d", pr.From, pr.To, b.Start, at)
		}
		if pr.MaxLag >= 0 && b.Start > a.End+pr.MaxLag {
			bad("precedence %d->%d: max lag broken", pr.From, pr.To)
		}
	}
	for _, sp := range p.Spans {
		lo, hi := MaxTime, MinTime
		for _, t := range sp.Tasks {
			if pl[t].Placed {
				lo, hi = min(lo, pl[t].Start), max(hi, pl[t].End)
			}
		}
		if hi > MinTime && spanBroken(p, &sp, lo, hi) {
			bad("span %s: %d > %d", sp.Name, hi-lo, sp.Max)
		}
	}
	for _, dl := range p.DayLimits {
		perDay := map[int]int{}
		for _, t := range dl.Tasks {
			q := pl[t]
			if !q.Placed || q.End == q.Start {
				continue
			}
			seen := map[int]bool{}
			for d := 0; d+1 < len(p.DayStarts); d++ {
				for x := max(q.Start, p.DayStarts[d]); x < min(q.End, p.DayStarts[d+1]); x++ {
					in := open(p.Tasks[t].Calendar, x)
					for k, dm := range p.Tasks[t].Demands {
						if dm.Amount > 0 {
							in = in && open(p.Resources[q.Choice[k]].Calendar, x)
						}
					}
					if in {
						seen[d] = true
						break
					}
				}
			}
			for d := range seen {
				perDay[d]++
			}
		}
		for d, n := range perDay {
			if dl.MaxPerDay > 0 && n > dl.MaxPerDay {
				bad("day limit %s: %d tasks on day %d", dl.Name, n, d)
			}
		}
		if dl.MaxDaysPerWeek > 0 {
			perWeek := map[int]int{}
			for d := range perDay {
				w := 0
				for w+1 < len(p.WeekStarts) && p.WeekStarts[w+1] <= p.DayStarts[d] {
					w++
				}
				perWeek[w]++
			}
			for w, n := range perWeek {
				if n > dl.MaxDaysPerWeek {
					bad("day limit %s: %d days in week %d", dl.Name, n, w)
				}
			}
		}
	}
	return errs
}

func loadJobShop(t testing.TB, path string) (*Problem, int) {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var nums []int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		for _, w := range strings.Fields(line) {
			v, err := strconv.Atoi(w)
			require.NoError(t, err)
			nums = append(nums, v)
		}
	}
	n, m := nums[0], nums[1]
	p := &Problem{Objective: Objective{Makespan: 1}}
	for r := 0; r < m; r++ {
		p.Resources = append(p.Resources, Resource{Name: fmt.Sprint("M", r), Capacity: 1})
	}
	k := 2
	for j := 0; j < n; j++ {
		for o := 0; o < m; o++ {
			mc, d := nums[k], nums[k+1]
			k += 2
			p.Tasks = append(p.Tasks, Task{Name: fmt.Sprintf("J%dO%d", j, o), Duration: d, Group: -1,
				Demands: []Demand{{Alternatives: []int{mc}, Amount: 1}}})
			if o > 0 {
				i := len(p.Tasks) - 1
				p.Precedences = append(p.Precedences, Precedence{From: i - 1, To: i, MaxLag: -1})
			}
		}
	}
	return p, m
}

func TestSolveJobShopFeasible(t *testing.T) {
	p, _ := loadJobShop(t, "testdata/ft06")
	res, err := Solve(context.Background(), p, &Settings{WorkLimit: 50, Seed: 1, Check: true})
	require.NoError(t, err)
	assert.Empty(t, checkSchedule(p, res.Placements))
	assert.Equal(t, 0, res.Score.Unplaced)
	assert.GreaterOrEqual(t, res.Terms.Makespan, 55) // the optimum
	assert.Equal(t, StopDone, res.Stop)
}

// randomProblem builds a small random problem with calendars, alternatives,
// cumulative resources, lags, spans and day limits.
func randomProblem(rng *rand.Rand) *Problem {
	const day = 100
	p := &Problem{Horizon: 40 * day, Objective: Objective{Makespan: 1, GroupEnd: 0.1, GroupDays: 5}}
	for d := 0; d <= 40; d++ {
		p.DayStarts = append(p.DayStarts, d*day)
		if d%7 == 0 {
			p.WeekStarts = append(p.WeekStarts, d*day)
		}
	}
	workdays := func(from, to int) *Calendar {
		var ws []Window
		for d := 0; d < 40; d++ {
			if d%7 < 5 {
				ws = append(ws, Window{d*day + from, d*day + to})
			}
		}
		return NewCalendar(ws)
	}
	nr := 2 + rng.IntN(4)
	for r := 0; r < nr; r++ {
		cap := 1
		if rng.IntN(3) == 0 {
			cap = 2 + rng.IntN(2)
		}
		var cal *Calendar
		if rng.IntN(2) == 0 {
			cal = workdays(10+rng.IntN(10), 60+rng.IntN(30))
		}
		p.Resources = append(p.Resources, Resource{Name: fmt.Sprint("R", r), Capacity: cap, Calendar: cal})
	}
	groups := 1 + rng.IntN(4)
	nt := 3 + rng.IntN(12)
	for i := 0; i < nt; i++ {
		t := Task{Name: fmt.Sprint("T", i), Duration: 5 + rng.IntN(60), Group: rng.IntN(groups)}
		t.Contiguous = t.Duration <= 20
		if rng.IntN(3) == 0 {
			t.Calendar = workdays(rng.IntN(30), 50+rng.IntN(50))
		}
		if rng.IntN(4) == 0 {
			t.Release = rng.IntN(5 * day)
		}
		if rng.IntN(6) == 0 {
			t.Deadline = t.Release + 3*day + rng.IntN(20*day)
		}
		nd := rng.IntN(3)
		perm := rng.Perm(nr)
		for k := 0; k < nd && 2*k+1 < nr; k++ {
			// demands draw from disjoint resources
			r := perm[2*k]
			alts := []int{r}
			if rng.IntN(2) == 0 {
				alts = append(alts, perm[2*k+1])
			}
			amt := 1
			if p.Resources[r].Capacity > 1 && p.Resources[alts[len(alts)-1]].Capacity > 1 && rng.IntN(2) == 0 {
				amt = 2
			}
			t.Demands = append(t.Demands, Demand{Alternatives: alts, Amount: amt})
		}
		if rng.IntN(5) == 0 {
			t.SoftDeadline = rng.IntN(10 * day)
		}
		p.Tasks = append(p.Tasks, t)
	}
	for i := 1; i < nt; i++ {
		if rng.IntN(2) == 0 {
			j := rng.IntN(i)
			pr := Precedence{From: j, To: i, MinLag: rng.IntN(30), MaxLag: -1}
			if rng.IntN(5) == 0 {
				pr.MaxLag = pr.MinLag + rng.IntN(3*day)
			}
			if rng.IntN(5) == 0 {
				pr.LagCalendar = workdays(0, 80)
			}
			p.Precedences = append(p.Precedences, pr)
		}
	}
	if rng.IntN(3) == 0 {
		var ts []int
		for i := 0; i < nt; i++ {
			if rng.IntN(3) == 0 {
				ts = append(ts, i)
			}
		}
		p.Spans = append(p.Spans, SpanLimit{Name: "span", Tasks: ts, Max: 5*day + rng.IntN(10*day)})
	}
	if rng.IntN(3) == 0 {
		var ts []int
		for i := 0; i < nt; i++ {
			if rng.IntN(2) == 0 {
				ts = append(ts, i)
			}
		}
		p.DayLimits = append(p.DayLimits, DayLimit{Name: "days", Tasks: ts, MaxPerDay: 1 + rng.IntN(2), MaxDaysPerWeek: rng.IntN(4)})
	}
	return p
}

func TestSolveRandomProblemsPassChecker(t *testing.T) {
	for seed := uint64(0); seed < 300; seed++ {
		rng := rand.New(rand.NewPCG(seed, 99))
		p := randomProblem(rng)
		res, err := Solve(context.Background(), p, &Settings{WorkLimit: 6, Seed: int64(seed), Workers: 2, Check: true})
		require.NoError(t, err, "seed %d", seed)
		errs := checkSchedule(p, res.Placements)
		require.Empty(t, errs, "seed %d", seed)
	}
}

func TestSolveDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	p := randomProblem(rng)
	a, err := Solve(context.Background(), p, &Settings{WorkLimit: 20, Seed: 3, Workers: 2, Check: true})
	require.NoError(t, err)
	b, err := Solve(context.Background(), p, &Settings{WorkLimit: 20, Seed: 3, Workers: 2, Check: true})
	require.NoError(t, err)
	assert.Equal(t, a.Placements, b.Placements)
	assert.Equal(t, a.Score, b.Score)
}

func TestSolveHonoursCancellation(t *testing.T) {
	p, _ := loadJobShop(t, "testdata/ft06")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Solve(ctx, p, &Settings{TimeLimit: time.Minute})
	require.NoError(t, err)
	assert.Equal(t, StopCancelled, res.Stop)
	assert.NotNil(t, res.Placements)
}

func TestValidateRejectsCycle(t *testing.T) {
	p := &Problem{Tasks: []Task{{Name: "a", Duration: 1}, {Name: "b", Duration: 1}},
		Precedences: []Precedence{{From: 0, To: 1, MaxLag: -1}, {From: 1, To: 0, MaxLag: -1}}}
	_, err := Solve(context.Background(), p, nil)
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "cycle")
}

func TestLNSKeepsSchedulesFeasible(t *testing.T) {
	for seed := uint64(0); seed < 150; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		p := randomProblem(rng)
		res, err := Solve(context.Background(), p, &Settings{WorkLimit: 150, Seed: int64(seed), Workers: 2, Check: true})
		require.NoError(t, err, "seed %d", seed)
		require.Empty(t, checkSchedule(p, res.Placements), "seed %d", seed)
	}
}

func TestLNSImprovesOnConstruction(t *testing.T) {
	p := bigProblem(20)
	first, err := Solve(context.Background(), p, &Settings{WorkLimit: 1, Workers: 1, Check: true})
	require.NoError(t, err)
	better, err := Solve(context.Background(), p, &Settings{WorkLimit: 600, Workers: 2, Seed: 1, Check: true})
	require.NoError(t, err)
	require.Empty(t, checkSchedule(p, better.Placements))
	t.Logf("construction %v, after LNS %v", first.Score, better.Score)
	assert.True(t, better.Score.Less(first.Score), "LNS did not improve: %v vs %v", better.Score, first.Score)
}

func TestMirrorTwiceIsIdentity(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 3))
	p := randomProblem(rng)
	q := mirror(mirror(p, 5000), 5000)
	for i := range p.Tasks {
		assert.Equal(t, p.Tasks[i].Calendar.Windows(), q.Tasks[i].Calendar.Windows())
		assert.Equal(t, p.Tasks[i].Release > 0, q.Tasks[i].Release > 0)
	}
	for i := range p.Precedences {
		assert.Equal(t, p.Precedences[i].From, q.Precedences[i].From)
		assert.Equal(t, p.Precedences[i].To, q.Precedences[i].To)
	}
}

func TestJustificationNeverWorsens(t *testing.T) {
	for seed := uint64(0); seed < 100; seed++ {
		rng := rand.New(rand.NewPCG(seed, 13))
		p := randomProblem(rng)
		c, err := compile(p)
		require.NoError(t, err)
		st := newState(c)
		st.construct(c.activityList(make([]float64, len(p.Tasks))), nil, nil)
		before, _ := c.score(st.pl, st.mode)
		j := newJustifier(c)
		require.NotNil(t, j)
		j.improve(st)
		after, _ := c.score(st.pl, st.mode)
		assert.False(t, before.Less(after), "seed %d: %v -> %v", seed, before, after)
		require.Empty(t, checkSchedule(p, st.pl), "seed %d", seed)
	}
}

func TestLowerBoundBelowEverySchedule(t *testing.T) {
	p, _ := loadJobShop(t, "testdata/ft06")
	lb, err := LowerBound(p)
	require.NoError(t, err)
	assert.LessOrEqual(t, lb, 55) // ft06's optimum
	assert.GreaterOrEqual(t, lb, 43)
	for seed := uint64(0); seed < 100; seed++ {
		rng := rand.New(rand.NewPCG(seed, 17))
		p := randomProblem(rng)
		res, err := Solve(context.Background(), p, &Settings{WorkLimit: 30, Seed: int64(seed), Workers: 1, Check: true})
		require.NoError(t, err)
		if res.Score.Unplaced > 0 {
			continue
		}
		lb, err := LowerBound(p)
		require.NoError(t, err)
		assert.LessOrEqual(t, lb, res.Terms.Makespan, "seed %d", seed)
	}
}

// anchorAll returns a copy of p whose tasks placed in pl are anchored there.
func anchorAll(p *Problem, pl []Placement) *Problem {
	q := *p
	q.Tasks = append([]Task(nil), p.Tasks...)
	for t := range q.Tasks {
		if pl[t].Placed && !q.Tasks[t].Fixed {
			q.Tasks[t].Anchored = true
			q.Tasks[t].AnchorStart = pl[t].Start
			q.Tasks[t].AnchorChoice = pl[t].Choice
			q.Tasks[t].MoveCost = 1000
			q.Tasks[t].ShiftCost = 1
		}
	}
	return &q
}

func TestAnchorsKeepAScheduleWhereItStands(t *testing.T) {
	complete := 0
	for seed := uint64(0); seed < 150; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		p := randomProblem(rng)
		res, err := Solve(context.Background(), p, &Settings{WorkLimit: 6, Seed: int64(seed), Workers: 2, Check: true})
		require.NoError(t, err)
		if res.Score.Unplaced > 0 {
			continue
		}
		complete++
		q := anchorAll(p, res.Placements)
		again, err := Solve(context.Background(), q, &Settings{WorkLimit: 12, Seed: int64(seed), Workers: 2, Check: true})
		require.NoError(t, err)
		require.Empty(t, checkSchedule(q, again.Placements), "seed %d", seed)
		require.Zero(t, again.Score.Unplaced, "seed %d", seed)
		require.Zero(t, again.Terms.Moved, "seed %d: anchored tasks moved with nothing forcing them", seed)
	}
	require.Greater(t, complete, 50)
}

func TestAnchorsMoveOnlyWhatASlipForces(t *testing.T) {
	var total [2]int
	for seed := uint64(0); seed < 100; seed++ {
		rng := rand.New(rand.NewPCG(seed, 8))
		p := randomProblem(rng)
		res, err := Solve(context.Background(), p, &Settings{WorkLimit: 6, Seed: int64(seed), Workers: 2, Check: true})
		require.NoError(t, err)
		if res.Score.Unplaced > 0 {
			continue
		}
		q := anchorAll(p, res.Placements)
		// a slip: one task may start only later than it stood
		t0 := rng.IntN(len(q.Tasks))
		if q.Tasks[t0].Fixed {
			continue
		}
		q.Tasks[t0].Release = res.Placements[t0].Start + 1 + rng.IntN(50)
		again, err := Solve(context.Background(), q, &Settings{WorkLimit: 12, Seed: int64(seed), Workers: 2, Check: true})
		require.NoError(t, err)
		require.Empty(t, checkSchedule(q, again.Placements), "seed %d", seed)
		if again.Placements[t0].Placed {
			require.GreaterOrEqual(t, again.Terms.Moved, 1, "seed %d", seed)
		}
		// solving the slipped problem from scratch moves at least as many
		scratch := *q
		scratch.Tasks = append([]Task(nil), q.Tasks...)
		for i := range scratch.Tasks {
			scratch.Tasks[i].Anchored = false
		}
		fresh, err := Solve(context.Background(), &scratch, &Settings{WorkLimit: 12, Seed: int64(seed), Workers: 2, Check: true})
		require.NoError(t, err)
		moved := 0
		for i := range fresh.Placements {
			if q.Tasks[i].Anchored && fresh.Placements[i].Placed && fresh.Placements[i].Start != q.Tasks[i].AnchorStart {
				moved++
			}
		}
		if fresh.Score.Unplaced == again.Score.Unplaced {
			require.LessOrEqual(t, again.Terms.Moved, moved, "seed %d", seed)
		}
		total[0] += again.Terms.Moved
		total[1] += moved
	}
	t.Logf("moved by the repair: %d, by a solve from scratch: %d", total[0], total[1])
}

// spanBroken: the placed stretch [lo, hi) of sp's tasks is longer than sp.Max
// minutes, or, for a span in days, touches more than sp.Max days of
// p.DayStarts (the day of a minute: the last day start at or before it).
func spanBroken(p *Problem, sp *SpanLimit, lo, hi int) bool {
	if !sp.Days {
		return hi-lo > sp.Max
	}
	day := func(t int) int { return sort.SearchInts(p.DayStarts, t+1) - 1 }
	last := hi
	if hi > lo {
		last = hi - 1
	}
	return day(last)-day(lo)+1 > sp.Max
}
