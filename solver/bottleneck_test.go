package solver

import (
	"context"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSchrageRule: on one machine without calendars, Schrage's rule takes the
// only released job first (job 0), then among those released when the machine
// frees the one with the longest tail (job 1 over job 2, then job 4 over job 2:
// equal tails go to the earlier head), and with none released waits for the
// next head (job 3). On two machines each job goes to the machine that frees
// first.
func TestSchrageRule(t *testing.T) {
	proc := []int{3, 2, 1, 1, 1}
	jobs := []schrageJob{{head: 0, tail: 1}, {head: 1, tail: 10}, {head: 2, tail: 5}, {head: 10, tail: 0}, {head: 1, tail: 5}}
	run := func(u, s, j int) (int, int) { return s, s + proc[j] }
	order, starts := schrage(jobs, 1, run)
	assert.Equal(t, []int{0, 1, 4, 2, 3}, order)
	assert.Equal(t, []int{0, 3, 6, 10, 5}, starts) // by job

	// two machines: job 0 on one at 0, job 1 on the other at 1 (its head), job
	// 4 (tail 5, head 1) beats job 2 when the second frees at 3, job 2 on the
	// first at 3, job 3 at its head
	order, starts = schrage(jobs, 2, run)
	assert.Equal(t, []int{0, 1, 4, 2, 3}, order)
	assert.Equal(t, []int{0, 1, 3, 10, 3}, starts)
}

// TestSchrageSlack: job 1 has the longest tail but run cannot start it before
// 20 (its own calendar); by Schrage's rule the machine idles for it, with a
// slack of 5 it takes job 2 (starts at 0) first, and with a slack of 30 job 1
// again.
func TestSchrageSlack(t *testing.T) {
	jobs := []schrageJob{{head: 0, tail: 1}, {head: 0, tail: 10}, {head: 0, tail: 5}}
	run := func(u, s, j int) (int, int) {
		if j == 1 {
			s = max(s, 20)
		}
		return s, s + 2
	}
	order, _ := schrage(jobs, 1, run)
	assert.Equal(t, []int{1, 2, 0}, order)
	order, starts := schrageSlack(jobs, 1, run, 5)
	assert.Equal(t, []int{2, 0, 1}, order)
	assert.Equal(t, []int{2, 20, 0}, starts)
	order, _ = schrageSlack(jobs, 1, run, 30)
	assert.Equal(t, []int{1, 2, 0}, order)
}

// bottleneckProblem: three dwellings, each a day's job of crew W followed by
// its own crew's job of 1, 10 and 5 hours (dwellings 0, 1, 2). W's three days
// and the shortest tail bind the end (1,500 minutes); in the input order the
// end would be 1,740.
func bottleneckProblem() *Problem {
	const day = 1440
	p := &Problem{Objective: Objective{Makespan: 1, GroupDays: 1}}
	p.Resources = []Resource{{Name: "W", Capacity: 1}}
	for d := 0; d <= 10; d++ {
		p.DayStarts = append(p.DayStarts, d*day)
	}
	for g, tail := range []int{60, 600, 300} {
		r := len(p.Resources)
		p.Resources = append(p.Resources, Resource{Name: "Y", Capacity: 1})
		w := len(p.Tasks)
		p.Tasks = append(p.Tasks,
			Task{Name: "w", Duration: 480, Group: g, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}}},
			Task{Name: "y", Duration: tail, Group: g, Demands: []Demand{{Alternatives: []int{r}, Amount: 1}}})
		p.Precedences = append(p.Precedences, Precedence{From: w, To: w + 1, MaxLag: -1})
	}
	return p
}

// TestBottleneckFirstConstruction: the end bound binds by W; the bottleneck
// sequence follows Schrage's rule (the longest tail first: dwellings 1, 2, 0);
// the construction places every task, passes the checker, runs W's jobs in
// that order and ends at the bound.
func TestBottleneckFirstConstruction(t *testing.T) {
	p := bottleneckProblem()
	c, err := compile(p)
	require.NoError(t, err)
	b := c.endBound(0)
	require.NotEqual(t, BindPath, b.Binding)
	require.Equal(t, 1500, b.Value)
	seq, at, _ := c.bottleneckOrder()
	assert.Equal(t, []int{2, 4, 0}, seq)
	assert.Equal(t, []int{0, 480, 960}, at)

	cd := buildBottleneckChecked(t, p, c)
	ws := []int{0, 2, 4}
	sort.Slice(ws, func(i, j int) bool { return cd.pl[ws[i]].Start < cd.pl[ws[j]].Start })
	assert.Equal(t, seq, ws, "W's jobs in Schrage's order")
	assert.Equal(t, b.Value, cd.terms.Makespan)

	// no binding resources, no sequence: the critical path binds without W
	p.Tasks[0].Duration, p.Tasks[2].Duration, p.Tasks[4].Duration = 1, 1, 1
	c, err = compile(p)
	require.NoError(t, err)
	require.Nil(t, newWorker(c, 1, 0).buildBottleneck(7, func() bool { return false }))
}

// TestBottleneckFirstDeterministic: on an operation of 220 dwellings (440
// tasks, above the genetic search's size) where one crew binds the end, the
// construction is one of phase 1's, and two work-limited solves with the same
// seed give the same schedule, which passes the checker.
func TestBottleneckFirstDeterministic(t *testing.T) {
	p := bottleneckProblem()
	p.Tasks, p.Precedences, p.Resources = nil, nil, p.Resources[:1]
	for d := len(p.DayStarts); d <= 400; d++ {
		p.DayStarts = append(p.DayStarts, d*1440)
	}
	for g := 0; g < 220; g++ {
		r := len(p.Resources)
		p.Resources = append(p.Resources, Resource{Name: "Y", Capacity: 1})
		w := len(p.Tasks)
		p.Tasks = append(p.Tasks,
			Task{Name: "w", Duration: 120, Group: g, Release: (g % 17) * 200, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}}},
			Task{Name: "y", Duration: 60 + (g*37)%600, Group: g, Demands: []Demand{{Alternatives: []int{r}, Amount: 1}}})
		p.Precedences = append(p.Precedences, Precedence{From: w, To: w + 1, MaxLag: -1})
	}
	c, err := compile(p)
	require.NoError(t, err)
	require.True(t, c.bottleneckFirstApplies())
	require.Equal(t, []int{0}, c.bindingSet())
	solve := func() *Result {
		res, err := Solve(context.Background(), p, &Settings{WorkLimit: 300, Seed: 3, Workers: 2, TimeLimit: 3600e9})
		require.NoError(t, err)
		return res
	}
	a, b := solve(), solve()
	assert.Equal(t, a.Placements, b.Placements)
	assert.Equal(t, a.Score, b.Score)
	require.Zero(t, a.Score.Unplaced)
	require.Empty(t, checkSchedule(p, a.Placements))
}

// TestAnchoredBottleneckFirst: the anchored form (anchor.go, not the default)
// on the same three dwellings places every task, passes the checker, keeps W's
// jobs at their Schrage starts and ends at the bound.
func TestAnchoredBottleneckFirst(t *testing.T) {
	p := bottleneckProblem()
	c, err := compile(p)
	require.NoError(t, err)
	c.anchoredFirst = true
	cd := buildBottleneckChecked(t, p, c)
	assert.Equal(t, []int{960, 0, 480}, []int{cd.pl[0].Start, cd.pl[2].Start, cd.pl[4].Start})
	assert.Equal(t, 1500, cd.terms.Makespan)
}

// buildBottleneckChecked runs the bottleneck-first construction in check mode
// and requires a complete plan that passes the checker.
func buildBottleneckChecked(t *testing.T, p *Problem, c *compiled) *candidate {
	t.Helper()
	wk := newWorker(c, 1, 0)
	wk.st.check = true
	cd := wk.buildBottleneck(7, func() bool { return false })
	require.NotNil(t, cd)
	require.NoError(t, wk.st.drift)
	require.Zero(t, cd.score.Unplaced)
	require.Empty(t, checkSchedule(p, cd.pl))
	return cd
}
