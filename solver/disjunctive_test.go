package solver

import (
	"context"
	"math/rand/v2"
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
