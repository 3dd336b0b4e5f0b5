package model

import (
	gonum "gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"
)

// graph is a directed graph on dense int nodes (0, 1, 2, … in the order they were
// made), read by gonum's graph algorithms through the graph.Directed methods below.
// Successors come in the order their edges were added, so every search on it is
// deterministic, and it costs two slices, not gonum's maps of maps, at 100,000
// interventions. It is built first (node, edge), then read.
type graph struct {
	succ  [][]int32
	pred  [][]int32    // built on the first call of To
	boxed []gonum.Node // node id -> its gonum.Node, built on first use
}

func (g *graph) node() int {
	g.succ = append(g.succ, nil)
	return len(g.succ) - 1
}

func (g *graph) edge(a, b int) { g.succ[a] = append(g.succ[a], int32(b)) }

func (g *graph) has(id int64) bool { return id >= 0 && id < int64(len(g.succ)) }

func (g *graph) hasEdge(a, b int64) bool {
	if !g.has(a) || !g.has(b) {
		return false
	}
	for _, s := range g.succ[a] {
		if int64(s) == b {
			return true
		}
	}
	return false
}

// nodes returns the gonum nodes of ids in a new slice (an algorithm may sort it).
// Each node is boxed once: a graph of 100,000 interventions and their hubs is read
// edge by edge.
func (g *graph) nodes(ids []int32) gonum.Nodes {
	if len(g.boxed) != len(g.succ) {
		g.boxed = make([]gonum.Node, len(g.succ))
		for id := range g.boxed {
			g.boxed[id] = simple.Node(id)
		}
	}
	ns := make([]gonum.Node, len(ids))
	for k, id := range ids {
		ns[k] = g.boxed[id]
	}
	return iterator.NewOrderedNodes(ns)
}

// Node, Nodes, From, To, HasEdgeBetween, HasEdgeFromTo and Edge make *graph a
// gonum graph.Directed.

func (g *graph) Node(id int64) gonum.Node {
	if !g.has(id) {
		return nil
	}
	return simple.Node(id)
}

func (g *graph) Nodes() gonum.Nodes {
	ids := make([]int32, len(g.succ))
	for id := range ids {
		ids[id] = int32(id)
	}
	return g.nodes(ids)
}

func (g *graph) From(id int64) gonum.Nodes {
	if !g.has(id) {
		return gonum.Empty
	}
	return g.nodes(g.succ[id])
}

func (g *graph) To(id int64) gonum.Nodes {
	if !g.has(id) {
		return gonum.Empty
	}
	if g.pred == nil {
		g.pred = make([][]int32, len(g.succ))
		for a, ss := range g.succ {
			for _, b := range ss {
				g.pred[b] = append(g.pred[b], int32(a))
			}
		}
	}
	return g.nodes(g.pred[id])
}

func (g *graph) HasEdgeBetween(x, y int64) bool { return g.hasEdge(x, y) || g.hasEdge(y, x) }

func (g *graph) HasEdgeFromTo(u, v int64) bool { return g.hasEdge(u, v) }

func (g *graph) Edge(u, v int64) gonum.Edge {
	if !g.hasEdge(u, v) {
		return nil
	}
	return simple.Edge{F: simple.Node(u), T: simple.Node(v)}
}

// cycle returns the nodes of a cycle in order (the first not repeated), or nil.
// gonum's topological sort finds whether there is one and the strongly connected
// components that hold them; the cycle written out is the shortest through the
// lowest node of any of those components (a breadth-first search from that node,
// back to it), so that the message names few entities and always the same ones.
func (g *graph) cycle() []int {
	_, err := topo.Sort(g)
	comps, ok := err.(topo.Unorderable)
	if !ok || len(comps) == 0 {
		return nil
	}
	start := int64(-1)
	for _, c := range comps { // each component's nodes are sorted by id
		if id := c[0].ID(); start < 0 || id < start {
			start = id
		}
	}
	u := int32(start)
	parent := map[int32]int32{u: -1}
	queue := []int32{u}
	for len(queue) > 0 {
		a := queue[0]
		queue = queue[1:]
		for _, b := range g.succ[a] {
			if b == u {
				var cyc []int
				for k := a; k >= 0; k = parent[k] {
					cyc = append(cyc, int(k))
				}
				for i, j := 0, len(cyc)-1; i < j; i, j = i+1, j-1 {
					cyc[i], cyc[j] = cyc[j], cyc[i]
				}
				return cyc
			}
			if _, seen := parent[b]; !seen {
				parent[b] = a
				queue = append(queue, b)
			}
		}
	}
	return nil // cannot happen: start is on a cycle
}
