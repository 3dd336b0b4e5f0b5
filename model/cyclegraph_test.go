package model

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	gonum "gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"
)

// *graph read through gonum's interface is the graph gonum's own simple.DirectedGraph
// holds with the same edges: the same nodes, successors, predecessors and edges.
func TestGraphIsAGonumDirectedGraph(t *testing.T) {
	var _ gonum.Directed = (*graph)(nil)
	rng := rand.New(rand.NewPCG(2, 13))
	for trial := 0; trial < 200; trial++ {
		n := 1 + rng.IntN(10)
		g, want := &graph{}, simple.NewDirectedGraph()
		for i := range n {
			g.node()
			want.AddNode(simple.Node(i))
		}
		for range rng.IntN(3 * n) {
			a, b := rng.IntN(n), rng.IntN(n)
			if a != b && !want.HasEdgeFromTo(int64(a), int64(b)) {
				g.edge(a, b)
				want.SetEdge(simple.Edge{F: simple.Node(a), T: simple.Node(b)})
			}
		}
		require.True(t, topo.Equal(g, want), "trial %d: %v", trial, g.succ)
		for i := range int64(n) {
			assert.ElementsMatch(t, ids(want.To(i)), ids(g.To(i)), "trial %d: To(%d)", trial, i)
			assert.ElementsMatch(t, ids(want.From(i)), ids(g.From(i)), "trial %d: From(%d)", trial, i)
			for j := range int64(n) {
				assert.Equal(t, want.HasEdgeBetween(i, j), g.HasEdgeBetween(i, j), "trial %d: %d-%d", trial, i, j)
				assert.Equal(t, want.Edge(i, j) == nil, g.Edge(i, j) == nil, "trial %d: %d→%d", trial, i, j)
			}
		}
		assert.Nil(t, g.Node(int64(n)))
		assert.Equal(t, 0, g.From(-1).Len())
	}
}

func ids(it gonum.Nodes) []int64 {
	var out []int64
	for it.Next() {
		out = append(out, it.Node().ID())
	}
	return out
}

// The cycle named by validation, for a few shapes: the field, the entity and the
// whole message, which names every intervention or trade of the cycle.
func TestCycleShapes(t *testing.T) {
	for _, tc := range []struct {
		name            string
		edit            func(p *Problem)
		field, id, want string
	}{{
		name: "three trades",
		edit: func(p *Problem) {
			p.Trades = append(p.Trades, Trade{ID: "tiling"})
			p.Sequences = append(p.Sequences, Sequence{Before: "painting", After: "tiling"}, Sequence{Before: "tiling", After: "visit"})
		},
		field: "sequences[2]", id: "painting→tiling",
		want: "cyclic trade order: painting → tiling → visit → plumbing → painting",
	}, {
		name: "after lists around three dwellings",
		edit: func(p *Problem) {
			p.Sequences = nil
			p.Interventions[0].After = []string{"D3/painting"} // D1/visit
			p.Interventions[3].After = []string{"D1/visit"}    // D2/plumbing; D3/painting is after it already
		},
		field: "interventions", id: "D1/visit",
		want: "cyclic sequence: D1/visit → D2/plumbing → D3/painting → D1/visit",
	}, {
		name: "two cycles: the shortest through the first intervention in the document",
		edit: func(p *Problem) {
			// D2/plumbing → D3/painting (after) → D2/plumbing (stairwell sequence), and
			// D2/plumbing → D2/painting (dwelling sequence) → D2/plumbing (the same
			// stairwell sequence), one hub longer
			p.Interventions = append(p.Interventions, Intervention{ID: "D2/painting", Dwelling: "D2", Trade: "painting", Duration: "1d"})
			p.Sequences = append(p.Sequences, Sequence{Before: "painting", After: "plumbing", Scope: "stairwell", Dwellings: []string{"D2", "D3"}})
		},
		field: "interventions", id: "D2/plumbing",
		want: "cyclic sequence: D2/plumbing → D3/painting → D2/plumbing",
	}, {
		name: "moving back before moving out",
		edit: func(p *Problem) {
			p.RelocationUnits = []RelocationUnit{{ID: "T1", Building: "B1"}}
			p.Relocations = []Relocation{{Household: "H1", Unit: "T1", From: "2027-03-15", To: "2027-04-15"}}
			p.Sequences = nil
			p.Interventions[0].Relocation = RoleMoveOut  // D1/visit
			p.Interventions[2].Relocation = RoleMoveBack // D1/painting
			p.Interventions[0].After = []string{"D1/painting"}
		},
		field: "interventions", id: "D1/visit",
		want: "cyclic sequence: D1/visit → D1/painting → D1/visit",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			p := minimalProblem()
			tc.edit(p)
			errs := fieldErrors(t, Validate(p))
			require.Len(t, errs, 1, "%v", errs)
			assert.Equal(t, tc.field, errs[0].Field)
			assert.Equal(t, tc.id, errs[0].ID)
			assert.Equal(t, tc.want, errs[0].Msg)
		})
	}
}

// graph.cycle against an independent check on random graphs: it finds a cycle
// exactly when Kahn's algorithm cannot order every node, and what it returns is a
// cycle of the graph (distinct nodes, each joined to the next and the last to the
// first).
func TestGraphCycleOnRandomGraphs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 13))
	cyclic := 0
	for trial := 0; trial < 2000; trial++ {
		n := 1 + rng.IntN(12)
		g := &graph{}
		for range n {
			g.node()
		}
		edges := rng.IntN(2 * n)
		for range edges {
			a, b := rng.IntN(n), rng.IntN(n)
			if a != b {
				g.edge(a, b)
			}
		}
		acyclic := kahnOrders(g)
		cyc := g.cycle()
		if acyclic {
			require.Nil(t, cyc, "trial %d: %v", trial, g.succ)
			continue
		}
		cyclic++
		require.GreaterOrEqual(t, len(cyc), 2, "trial %d: %v", trial, g.succ)
		seen := map[int]bool{}
		for k, a := range cyc {
			require.False(t, seen[a], "trial %d: %d twice in %v", trial, a, cyc)
			seen[a] = true
			b := cyc[(k+1)%len(cyc)]
			require.True(t, g.hasEdge(int64(a), int64(b)), "trial %d: no edge %d→%d in %v (%v)", trial, a, b, cyc, g.succ)
		}
	}
	assert.Greater(t, cyclic, 200, "the random graphs must include cyclic ones")
}

func kahnOrders(g *graph) bool {
	indeg := make([]int, len(g.succ))
	for _, ss := range g.succ {
		for _, b := range ss {
			indeg[b]++
		}
	}
	var queue []int
	for a, d := range indeg {
		if d == 0 {
			queue = append(queue, a)
		}
	}
	done := 0
	for len(queue) > 0 {
		a := queue[0]
		queue = queue[1:]
		done++
		for _, b := range g.succ[a] {
			if indeg[b]--; indeg[b] == 0 {
				queue = append(queue, int(b))
			}
		}
	}
	return done == len(g.succ)
}
