package solver

import "math"

// When a problem is nothing but a permutation flow shop (one same-order rule whose
// chains all visit the same unary resources in the same sequence, always
// available, linked by plain precedences, and the makespan as the only goal), the
// best position of a chain in an order is found for every position at once, by
// Taillard's (1990) heads and tails: inserting chain x at position i gives the
// makespan max over stage j of f(i,j) + q(i,j), where f is x's completion at stage
// j behind the chains before i and q the tail of the chains from i on. That costs
// one pass over the order instead of a decode per position. The generic order
// search (order.go) uses it for its insertions when noFlowShopIG is set; otherwise
// such a problem runs its own iterated greedy over the permutation
// (flowshop_ig.go), which decodes an order only to offer it. Either way the
// decoder's makespan and the heads and tails' must agree (checked in check mode).

// permFlow holds the processing times of a pure flow shop, chain by stage, and
// scratch rows for the heads and tails.
type permFlow struct {
	stages int
	p      [][]int // p[chain][stage]
	e, q   []int   // heads and tails, (len(order)+2) × (stages+2)
	f      []int
}

// pureFlowShop returns the flow-shop view of the problem, or nil when the problem
// holds anything the heads and tails do not account for.
func (c *compiled) pureFlowShop() *permFlow {
	p := c.p
	if len(c.chains) != 1 || len(c.chains[0]) == 0 || len(p.Spans) > 0 || len(p.DayLimits) > 0 || p.Horizon != 0 {
		return nil
	}
	ob := p.Objective
	// a weight too small for one unit of makespan to count (Score.Less sees ties
	// below 1e-9), or not a number, is left to the decoder
	if !(ob.Makespan > 1e-9) || math.IsInf(ob.Makespan, 0) || ob.GroupEnd != 0 || ob.GroupDays != 0 || ob.GroupDaysOver != 0 || ob.Tardiness != 0 || ob.Preference != 0 {
		return nil
	}
	chains := c.chains[0]
	m := len(chains[0])
	if m == 0 {
		return nil
	}
	stageRes := make([]int, m)
	seen := map[int]bool{}
	fs := &permFlow{stages: m, p: make([][]int, len(chains))}
	for k, ch := range chains {
		if len(ch) != m {
			return nil
		}
		fs.p[k] = make([]int, m)
		for j, t := range ch {
			task := &p.Tasks[t]
			if task.Calendar != nil || task.Release != 0 || task.Deadline != 0 || task.Fixed || task.Anchored ||
				task.Preferred != nil || task.Discouraged != nil || len(c.modes[t]) != 1 {
				return nil
			}
			use := c.modes[t][0].use
			if len(use) != 1 || use[0].amt != 1 {
				return nil
			}
			r := use[0].r
			if p.Resources[r].Capacity != 1 || p.Resources[r].Calendar != nil {
				return nil
			}
			if k == 0 {
				if seen[r] {
					return nil
				}
				seen[r] = true
				stageRes[j] = r
			} else if stageRes[j] != r {
				return nil
			}
			fs.p[k][j] = task.Duration
		}
	}
	if len(c.orderOf) != len(p.Tasks) {
		return nil
	}
	for t := range p.Tasks {
		if c.orderOf[t] < 0 {
			return nil
		}
	}
	// every precedence links a chain's consecutive stages with no lag, and every
	// such pair is linked
	stage := make([]int, len(p.Tasks))
	for _, ch := range chains {
		for j, t := range ch {
			stage[t] = j
		}
	}
	linked := map[[2]int]bool{}
	for _, pr := range p.Precedences {
		if pr.MinLag != 0 || pr.LagCalendar != nil || pr.MaxLag >= 0 ||
			c.chainOf[pr.From] != c.chainOf[pr.To] || stage[pr.To] != stage[pr.From]+1 {
			return nil
		}
		linked[[2]int{pr.From, pr.To}] = true
	}
	for _, ch := range chains {
		for j := 1; j < m; j++ {
			if !linked[[2]int{ch[j-1], ch[j]}] {
				return nil
			}
		}
	}
	return fs
}

// bestPos returns the position of chain x in order seq that gives the smallest
// makespan (the first such position), and that makespan; ties, when not nil,
// receives every position that gives it.
func (fs *permFlow) bestPos(seq []int, x int, ties *[]int) (pos, makespan int) {
	m, k := fs.stages, len(seq)
	w := m + 2
	size := (k + 2) * w
	if cap(fs.e) < size {
		fs.e, fs.q, fs.f = make([]int, size), make([]int, size), make([]int, w)
	}
	e, q, f := fs.e[:size], fs.q[:size], fs.f[:w]
	// heads: e[i][j], completion of the i-th chain (1-based) at stage j
	for j := 0; j < w; j++ {
		e[j] = 0
	}
	for i := 1; i <= k; i++ {
		row, prev := e[i*w:], e[(i-1)*w:]
		row[0] = 0
		pi := fs.p[seq[i-1]]
		for j := 1; j <= m; j++ {
			row[j] = max(prev[j], row[j-1]) + pi[j-1]
		}
	}
	// tails: q[i][j], from the start of the i-th chain at stage j to the end
	for j := 0; j < w; j++ {
		q[(k+1)*w+j] = 0
	}
	for i := k; i >= 1; i-- {
		row, next := q[i*w:], q[(i+1)*w:]
		row[m+1] = 0
		pi := fs.p[seq[i-1]]
		for j := m; j >= 1; j-- {
			row[j] = max(next[j], row[j+1]) + pi[j-1]
		}
	}
	px := fs.p[x]
	pos, makespan = -1, 0
	for i := 1; i <= k+1; i++ {
		prev, tail := e[(i-1)*w:], q[i*w:]
		f[0] = 0
		best := 0
		for j := 1; j <= m; j++ {
			f[j] = max(f[j-1], prev[j]) + px[j-1]
			best = max(best, f[j]+tail[j])
		}
		if pos < 0 || best < makespan {
			pos, makespan = i-1, best
			if ties != nil {
				*ties = (*ties)[:0]
			}
		}
		if ties != nil && best == makespan {
			*ties = append(*ties, i-1)
		}
	}
	return pos, makespan
}
