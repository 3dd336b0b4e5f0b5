package solver

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"
)

// The solver keeps its own topological sort (Kahn's algorithm on slices, some 30
// times faster than gonum's on 12,000 tasks, and its order is the one every
// construction follows); gonum's is the oracle here.

func precedenceGraph(p *Problem) *simple.DirectedGraph {
	g := simple.NewDirectedGraph()
	for i := range p.Tasks {
		g.AddNode(simple.Node(i))
	}
	for _, pr := range p.Precedences {
		g.SetEdge(simple.Edge{F: simple.Node(pr.From), T: simple.Node(pr.To)})
	}
	return g
}

func TestTopoOrderAgainstGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 5))
	cyclic := 0
	for trial := 0; trial < 3000; trial++ {
		n := 1 + rng.IntN(15)
		p := &Problem{}
		for i := range n {
			p.Tasks = append(p.Tasks, Task{Name: fmt.Sprint("T", i), Duration: 1})
		}
		for range rng.IntN(2 * n) {
			a, b := rng.IntN(n), rng.IntN(n)
			if a != b {
				p.Precedences = append(p.Precedences, Precedence{From: a, To: b, MaxLag: -1})
			}
		}
		_, gerr := topo.Sort(precedenceGraph(p))
		order, err := p.topoOrder()
		if gerr == nil {
			require.NoError(t, err, "trial %d: %v", trial, p.Precedences)
			pos := make([]int, n)
			seen := make([]bool, n)
			for k, i := range order {
				require.False(t, seen[i], "trial %d: task %d twice", trial, i)
				seen[i], pos[i] = true, k
			}
			require.Len(t, order, n)
			for _, pr := range p.Precedences {
				require.Less(t, pos[pr.From], pos[pr.To], "trial %d: %v", trial, pr)
			}
			continue
		}
		cyclic++
		var pe *ProblemError
		require.True(t, errors.As(err, &pe), "trial %d: gonum finds a cycle, topoOrder says %v", trial, err)
		var comps topo.Unorderable
		require.True(t, errors.As(gerr, &comps))
		onCycle := false // the task named is in one of gonum's cyclic components
		for _, c := range comps {
			onCycle = onCycle || slices.ContainsFunc(c, func(x graph.Node) bool { return x.ID() == int64(pe.Index) })
		}
		require.True(t, onCycle, "trial %d: task %d named, not on a cycle: %v", trial, pe.Index, comps)
		assert.Equal(t, "on a precedence cycle", pe.Msg)
	}
	assert.Greater(t, cyclic, 300, "the random graphs must include cyclic ones")
}

// The bound's critical path walks the tasks in the compiled topological order; any
// other topological order (gonum's, in reverse id order where free) gives the same
// bound.
func TestLowerBoundWhateverTheTopologicalOrder(t *testing.T) {
	problems := []*Problem{bigProblem(30)}
	for seed := uint64(0); seed < 200; seed++ {
		problems = append(problems, randomProblem(rand.New(rand.NewPCG(seed, 17))))
	}
	differ := 0
	for k, p := range problems {
		c, err := compile(p)
		require.NoError(t, err, "problem %d", k)
		want := c.lowerBound()
		sorted, err := topo.SortStabilized(precedenceGraph(p), func(ns []graph.Node) {
			slices.SortFunc(ns, func(a, b graph.Node) int { return int(b.ID() - a.ID()) })
		})
		require.NoError(t, err, "problem %d", k)
		other := make([]int, len(sorted))
		for i, nd := range sorted {
			other[i] = int(nd.ID())
		}
		if !slices.Equal(other, c.topo) {
			differ++
		}
		c.topo = other
		assert.Equal(t, want, c.lowerBound(), "problem %d", k)
	}
	assert.Greater(t, differ, len(problems)/2, "the orders compared must differ")
}
