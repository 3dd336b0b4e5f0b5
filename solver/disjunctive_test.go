package solver

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTabuReachesFT06Optimum(t *testing.T) {
	p, _ := loadJobShop(t, "testdata/ft06")
	c, err := compile(p)
	require.NoError(t, err)
	require.True(t, c.disjunctive())
	res, err := Solve(context.Background(), p, &Settings{WorkLimit: 20000, Seed: 1, Workers: 2, Check: true})
	require.NoError(t, err)
	assert.Empty(t, checkSchedule(p, res.Placements))
	assert.Equal(t, 55, res.Terms.Makespan)
}

func TestTabuDeterministic(t *testing.T) {
	p, _ := loadJobShop(t, "testdata/ft06")
	a, err := Solve(context.Background(), p, &Settings{WorkLimit: 3000, Seed: 4, Workers: 2, Check: true})
	require.NoError(t, err)
	b, err := Solve(context.Background(), p, &Settings{WorkLimit: 3000, Seed: 4, Workers: 2, Check: true})
	require.NoError(t, err)
	assert.Equal(t, a.Placements, b.Placements)
}

func TestCalendarsAreNotDisjunctive(t *testing.T) {
	p, _ := loadJobShop(t, "testdata/ft06")
	p.Resources[0].Calendar = NewCalendar([]Window{{0, 1000}})
	c, err := compile(p)
	require.NoError(t, err)
	assert.False(t, c.disjunctive())
}

// The fast path computes the heads, tails and makespan the general one does,
// along random moves (cycles included).
func TestFastEvaluateAgrees(t *testing.T) {
	p, _ := loadJobShop(t, "testdata/ft06")
	c, err := compile(p)
	require.NoError(t, err)
	res, err := Solve(context.Background(), p, &Settings{WorkLimit: 3, Seed: 1, Workers: 1})
	require.NoError(t, err)
	g := newDGraph(c, res.Placements)
	require.NotNil(t, g.fast)
	rng := rand.New(rand.NewPCG(3, 4))
	cycles := 0
	for step := 0; step < 2000; step++ {
		r := rng.IntN(len(g.seq))
		s := g.seq[r]
		lo := rng.IntN(len(s) - 1)
		hi := lo + 1 + rng.IntN(len(s)-lo-1)
		m := tmove{r: r, lo: lo, hi: hi, fwd: rng.IntN(2) == 0}
		g.applyMove(m)
		mk, ok := g.evaluate()
		head, tail := append([]int(nil), g.head...), append([]int(nil), g.tail...)
		fast := g.fast
		g.fast = nil
		mk2, ok2 := g.evaluate()
		g.fast = fast
		require.Equal(t, ok2, ok, "step %d", step)
		if !ok {
			cycles++
			g.applyMove(tmove{r: m.r, lo: m.lo, hi: m.hi, fwd: !m.fwd}) // undo
			continue
		}
		require.Equal(t, mk2, mk, "step %d", step)
		require.Equal(t, g.head, head, "step %d", step)
		require.Equal(t, g.tail, tail, "step %d", step)
	}
	t.Logf("%d cyclic orders met", cycles)
	require.Less(t, cycles, 1900, "too few acyclic orders to compare")
}

// The incremental evaluation after a move computes what a full evaluation
// computes, along random moves that each start from the previous incremental
// result (cycles included: they are found and change nothing).
func TestEvaluateAfterAgrees(t *testing.T) {
	for _, tc := range []struct {
		name     string
		releases bool
		across   bool // two precedences across the jobs: no longer chains
	}{{"ft06", false, false}, {"ft06 with releases", true, false}, {"ft06 with precedences across jobs", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := loadJobShop(t, "testdata/ft06")
			if tc.across {
				// job 0's first task before job 1's second, job 2's first before
				// job 3's last (6 tasks a job): acyclic, a task with two
				// successors and tasks with two predecessors
				p.Precedences = append(p.Precedences, Precedence{From: 0, To: 7, MaxLag: -1},
					Precedence{From: 12, To: 23, MinLag: 3, MaxLag: -1})
			}
			if tc.releases {
				rr := rand.New(rand.NewPCG(5, 6))
				for i := range p.Tasks {
					if rr.IntN(3) == 0 {
						p.Tasks[i].Release = rr.IntN(40)
					}
				}
			}
			g, ref := twoGraphsOf(t, p)
			require.NotNil(t, g.fast)
			require.Equal(t, tc.across, g.fast.jp == nil, "the chains' evaluation applies to chains only")
			_, ok := g.evaluate()
			require.True(t, ok)
			rng := rand.New(rand.NewPCG(3, 4))
			cycles, reordered := 0, 0
			for step := 0; step < 3000; step++ {
				m := randomMachineMove(rng, g)
				before := append([]int(nil), g.order...)
				g.applyMove(m)
				ref.applyMove(m)
				mk, ok := g.evaluateAfter(m)
				mk2, ok2 := ref.evaluate()
				require.Equal(t, ok2, ok, "step %d", step)
				if !ok {
					cycles++
					require.Equal(t, before, g.order, "step %d: a cycle leaves the order", step)
					g.applyMove(tmove{r: m.r, lo: m.lo, hi: m.hi, fwd: !m.fwd})
					ref.applyMove(tmove{r: m.r, lo: m.lo, hi: m.hi, fwd: !m.fwd})
					_, ok = ref.evaluate()
					require.True(t, ok)
					continue
				}
				if !slices.Equal(before, g.order) {
					reordered++
				}
				require.Equal(t, mk2, mk, "step %d", step)
				require.Equal(t, ref.head, g.head, "step %d", step)
				require.Equal(t, ref.tail, g.tail, "step %d", step)
			}
			t.Logf("%d cyclic orders, %d reorderings", cycles, reordered)
			require.Less(t, cycles, 2900, "too few acyclic orders to compare")
			require.Greater(t, reordered, 100, "too few reorderings to compare")
		})
	}
}

// Along the walks of a tabu search (N7 moves of the critical path, the best
// estimate most of the time, now and then any move of a machine, which may
// close a cycle or reorder, and a restart from an earlier schedule), the heads,
// tails and makespan evaluateAfter computes equal those of a full evaluation
// after every move, and its repaired order stays topological: several sizes,
// with and without release dates, and with zero durations (no sinks: the
// makespan from every task). It logs how many heads and tails a move changes.
func TestEvaluateAfterAgreesAlongWalks(t *testing.T) {
	for _, tc := range []struct {
		name            string
		jobs, machines  int
		releases, zeros bool
		far             int // releases start this late and the jobs' arcs have lags
	}{{"6 x 4", 6, 4, false, false, 0}, {"15 x 10 with releases", 15, 10, true, false, 0},
		{"30 x 20", 30, 20, false, false, 0}, {"30 x 20 with releases", 30, 20, true, false, 0},
		{"12 x 8 with zero durations", 12, 8, true, true, 0},
		{"15 x 10 with lags, releases past 2^32", 15, 10, true, false, 1 << 33}} {
		t.Run(tc.name, func(t *testing.T) {
			p := randomJobShop(t, tc.jobs, tc.machines, 11)
			rr := rand.New(rand.NewPCG(5, 6))
			for i := range p.Tasks {
				if tc.releases && rr.IntN(3) == 0 {
					p.Tasks[i].Release = tc.far + rr.IntN(300)
				}
				if tc.zeros && rr.IntN(5) == 0 {
					p.Tasks[i].Duration = 0
				}
			}
			for i := range p.Precedences {
				if tc.far > 0 && rr.IntN(2) == 0 {
					p.Precedences[i].MinLag = rr.IntN(50)
				}
			}
			g, ref := twoGraphsOf(t, p)
			require.NotNil(t, g.fast.jp)
			require.Equal(t, tc.zeros, g.fast.sinks == nil)
			mk, ok := g.evaluate()
			require.True(t, ok)
			walkEvaluateAfter(t, g, ref, mk)
		})
	}
}

// walkEvaluateAfter is TestEvaluateAfterAgreesAlongWalks's walk from g,
// evaluated with makespan mk; ref follows it with full evaluations.
func walkEvaluateAfter(t *testing.T, g, ref *dgraph, mk int) {
	rng := rand.New(rand.NewPCG(8, 9))
	var blocks []block
	var moves []tmove
	var ends blockEnds
	early := g.snapshot()
	steps, cycles, heads, tails := 0, 0, 0, 0
	for step := 0; step < 3000; step++ {
		if step%1000 == 999 {
			// a restart: the full evaluation, then incremental ones again
			g.restore(early)
			ref.restore(early)
			mk, _ = g.evaluate()
			continue
		}
		blocks = g.criticalBlocks(mk, rng, blocks)
		moves = neighbours(blocks, moves)
		var m tmove
		switch {
		case len(moves) > 0 && rng.IntN(4) > 0:
			ends.set(g, blocks)
			best := MaxTime
			for _, mv := range moves {
				if e := g.estimateMove(mv, blocks[mv.b], &ends, mv.b); e < best {
					m, best = mv, e
				}
			}
		default:
			m = randomMachineMove(rng, g)
		}
		oldHead, oldTail := slices.Clone(g.head), slices.Clone(g.tail)
		g.applyMove(m)
		ref.applyMove(m)
		nmk, ok := g.evaluateAfter(m)
		mk2, ok2 := ref.evaluate()
		require.Equal(t, ok2, ok, "step %d", step)
		if !ok {
			cycles++
			undo := tmove{r: m.r, lo: m.lo, hi: m.hi, fwd: !m.fwd}
			g.applyMove(undo)
			ref.applyMove(undo)
			_, ok = ref.evaluate()
			require.True(t, ok)
			require.Equal(t, ref.head, g.head, "step %d: a cycle changes no head", step)
			continue
		}
		mk = nmk
		require.Equal(t, mk2, mk, "step %d", step)
		require.Equal(t, ref.head, g.head, "step %d", step)
		require.Equal(t, ref.tail, g.tail, "step %d", step)
		requireTopological(t, g, step)
		steps++
		for i := range oldHead {
			if oldHead[i] != g.head[i] {
				heads++
			}
			if oldTail[i] != g.tail[i] {
				tails++
			}
		}
	}
	t.Logf("%d tasks, %d moves evaluated (%d cycles): %.1f heads and %.1f tails changed a move",
		g.n, steps, cycles, float64(heads)/float64(steps), float64(tails)/float64(steps))
	require.Greater(t, steps, 1500, "too few moves compared")
}

// requireTopological checks g's order on the chains' fast path: a permutation,
// opos its inverse, every task after its job and machine predecessors.
func requireTopological(t *testing.T, g *dgraph, step int) {
	f := g.fast
	require.Len(t, g.order, g.n)
	for i, x := range g.order {
		if f.opos[x] != i {
			t.Fatalf("step %d: task %d at place %d, opos %d", step, x, i, f.opos[x])
		}
		if p := f.jp[x]; p >= 0 && f.opos[p] > i {
			t.Fatalf("step %d: task %d after its job successor %d", step, p, x)
		}
		if p := f.mp[x]; p >= 0 && f.opos[p] > i {
			t.Fatalf("step %d: task %d after its machine successor %d", step, p, x)
		}
	}
}

// randomMachineMove moves a random stretch of a random machine's sequence, its
// first task after the others or its last before them.
func randomMachineMove(rng *rand.Rand, g *dgraph) tmove {
	r := rng.IntN(len(g.seq))
	s := g.seq[r]
	lo := rng.IntN(len(s) - 1)
	return tmove{r: r, lo: lo, hi: lo + 1 + rng.IntN(len(s)-lo-1), fwd: rng.IntN(2) == 0}
}

// twoGraphsOf compiles p (a job shop), solves it briefly and returns two
// disjunctive graphs of that schedule: one to move, one to compare with.
func twoGraphsOf(t *testing.T, p *Problem) (g, ref *dgraph) {
	t.Helper()
	c, err := compile(p)
	require.NoError(t, err)
	require.True(t, c.disjunctive())
	res, err := Solve(context.Background(), p, &Settings{WorkLimit: 3, Seed: 1, Workers: 1})
	require.NoError(t, err)
	return newDGraph(c, res.Placements), newDGraph(c, res.Placements)
}
