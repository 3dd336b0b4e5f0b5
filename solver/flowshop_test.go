package solver

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func randomJobs(rng *rand.Rand, n, m, maxDur int) [][]int {
	jobs := make([][]int, n)
	for j := range jobs {
		jobs[j] = make([]int, m)
		for k := range jobs[j] {
			jobs[j][k] = rng.IntN(maxDur + 1) // zero durations too
		}
	}
	return jobs
}

func TestPureFlowShopDetection(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	base := func() *Problem { return flowShop(randomJobs(rng, 5, 3, 20)) }
	cal := NewCalendar([]Window{{0, 1000}})
	for _, tc := range []struct {
		name   string
		change func(p *Problem)
		pure   bool
	}{
		{"plain", func(*Problem) {}, true},
		{"a resource calendar", func(p *Problem) { p.Resources[1].Calendar = cal }, false},
		{"a task calendar", func(p *Problem) { p.Tasks[4].Calendar = cal }, false},
		{"a release", func(p *Problem) { p.Tasks[3].Release = 5 }, false},
		{"a deadline", func(p *Problem) { p.Tasks[3].Deadline = 500 }, false},
		{"a lag", func(p *Problem) { p.Precedences[0].MinLag = 2 }, false},
		{"a maximum lag", func(p *Problem) { p.Precedences[0].MaxLag = 50 }, false},
		{"a missing link", func(p *Problem) { p.Precedences = p.Precedences[1:] }, false},
		{"a link across chains", func(p *Problem) {
			p.Precedences = append(p.Precedences, Precedence{From: 0, To: 4, MaxLag: -1})
		}, false},
		{"another goal", func(p *Problem) { p.Objective.GroupEnd = 1 }, false},
		{"a makespan weight below the score's resolution", func(p *Problem) { p.Objective.Makespan = 1e-12 }, false},
		{"a makespan weight that is not a number", func(p *Problem) { p.Objective.Makespan = math.NaN() }, false},
		{"a horizon", func(p *Problem) { p.Horizon = 10000 }, false},
		{"a cumulative machine", func(p *Problem) { p.Resources[0].Capacity = 2 }, false},
		{"an alternative machine", func(p *Problem) { p.Tasks[0].Demands[0].Alternatives = []int{0, 1} }, false},
		{"a span", func(p *Problem) { p.Spans = []SpanLimit{{Name: "s", Tasks: []int{0, 1}, Max: 1000}} }, false},
		{"stages in another order", func(p *Problem) {
			p.Tasks[3].Demands[0].Alternatives = []int{1}
			p.Tasks[4].Demands[0].Alternatives = []int{0}
		}, false},
		{"a task outside the chains", func(p *Problem) {
			p.Tasks = append(p.Tasks, Task{Name: "x", Duration: 1, Demands: []Demand{{Alternatives: []int{0}, Amount: 1}}, Group: -1})
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			tc.change(p)
			c, err := compile(p)
			require.NoError(t, err)
			assert.Equal(t, tc.pure, c.pureFlowShop() != nil)
		})
	}
}

// TestFlowShopBestPosMatchesDecodes: the heads and tails give, for every partial
// order, the position and the makespan that decoding each position gives.
func TestFlowShopBestPosMatchesDecodes(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for trial := 0; trial < 60; trial++ {
		n, m := 2+rng.IntN(9), 1+rng.IntN(6)
		p := flowShop(randomJobs(rng, n, m, 1+rng.IntN(40)))
		c, err := compile(p)
		require.NoError(t, err)
		fs := c.pureFlowShop()
		require.NotNil(t, fs)
		wk := newWorker(c, 1, 0)
		wk.st.check = true
		o := newOrderSearch(wk, nil, -1, func() bool { return false })
		o.fs = nil // the decode of every position
		perm := rng.Perm(n)
		k := rng.IntN(n)
		seq, x := perm[:k], perm[k]
		wantPos, want, ok := o.bestInsert([][]int{append([]int(nil), seq...)}, 0, x)
		require.True(t, ok)
		var ties []int
		pos, mk := fs.bestPos(seq, x, &ties)
		assert.Equal(t, wantPos, pos, "trial %d", trial)
		assert.Equal(t, o.ties, ties, "trial %d: the tied positions", trial)
		assert.Equal(t, want.Soft, float64(mk), "trial %d", trial)
		require.NoError(t, wk.st.drift)
	}
}

// TestFlowShopFastSearchSameAsDecodes: with a work limit, the generic order search
// with the heads and tails ends with the schedule the search decoding every
// position ends with (a pure flow shop runs its own search, flowshop_ig.go: it is
// turned off here).
func TestFlowShopFastSearchSameAsDecodes(t *testing.T) {
	noFlowShopIG = true
	defer func() { noFlowShopIG = false }()
	rng := rand.New(rand.NewPCG(5, 5))
	for trial := 0; trial < 4; trial++ {
		p := flowShop(randomJobs(rng, 12, 5, 60))
		set := &Settings{WorkLimit: 3000, Seed: int64(trial), Workers: 2, Check: true}
		fast, err := Solve(context.Background(), p, set)
		require.NoError(t, err)
		// without the check mode (the production path) the heads and tails' scores
		// stand for decodes
		unchecked, err := Solve(context.Background(), p, &Settings{WorkLimit: 3000, Seed: int64(trial), Workers: 2})
		require.NoError(t, err)
		noFlowShopEvaluation = true
		slow, err := Solve(context.Background(), p, set)
		noFlowShopEvaluation = false
		require.NoError(t, err)
		for _, got := range []*Result{fast, unchecked} {
			assert.Equal(t, slow.Score, got.Score, "trial %d", trial)
			assert.Equal(t, slow.Placements, got.Placements, "trial %d", trial)
			assert.Empty(t, checkSameOrder(p, got.Placements))
		}
	}
}
