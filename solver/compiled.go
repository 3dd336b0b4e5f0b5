package solver

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
)

// MaxModes bounds the combinations of alternatives of one task.
const MaxModes = 512

// mode is one way to run a task: a resource per demand, and the resulting calendar.
type mode struct {
	choice []int
	cal    meet // the task's calendar met with its chosen resources'

	use []use // the choice's demands summed per resource
	// unpref: a demand with Preferred alternatives is met by another one
	unpref bool
	// present: some use is held only while working (use.present)
	present bool
}

// use is amt units of resource r; present: held only during the worked stretches
// (Demand.WhilePresent).
type use struct {
	r, amt  int
	present bool
}

type arc struct {
	other  int // the other task
	minLag int
	lagCal *Calendar
	maxLag int // < 0: none
}

// compiled is a Problem frozen for search: modes enumerated, calendars intersected
// once, adjacency built. Read-only once built, shared by every worker.
type compiled struct {
	p        *Problem
	modes    [][]mode
	preds    [][]arc
	succs    [][]arc
	topo     []int
	spansOf  [][]int
	limitsOf [][]int
	deadline []int // min(task deadline, horizon); MaxTime for none
	dayWeek  []int // week index of each day
	groups   int
	// firstAtAnchor: placed first, at its anchor, by every construction
	firstAtAnchor []bool
	// same order: the rule and chain of each task (-1: none), and each rule's
	// chains with their tasks in precedence order
	orderOf, chainOf []int
	chains           [][][]int
	// flow: the problem is a pure permutation flow shop (flowshop.go); nil if not
	flow *permFlow
	// the days bound of each group, for the search (dayBoundsOf); noDaysMove
	// leaves the fewest-days rule out (for the test that measures it)
	dayBoundsOnce sync.Once
	dayBounds     []int
	noDaysMove    bool
	// noSerialDays leaves the serial days bound out (daysserial.go; for the
	// test that measures it)
	noSerialDays bool
	// noSerialJoin leaves out of the serial days bound the tasks off the
	// resource ordered with the searched ones (daysjoin.go; for the test
	// that measures it)
	noSerialJoin bool
	// noHoldMove leaves the hold neighbourhood out (lnshold.go; for the test
	// that measures it)
	noHoldMove bool
	// noMergeMove leaves the merge neighbourhood out (lnsmerge.go; for the
	// test that measures it)
	noMergeMove bool
	// noAlignMove leaves the align neighbourhood out, alignAnySize draws it
	// whatever the task count (lnsalign.go; for the test that measures it)
	noAlignMove  bool
	alignAnySize bool
	// the resources the end bound binds by, for the dwelling pull
	// neighbourhood (pullResources, lnspull.go); noPullMove leaves it out (for
	// the test that measures it)
	endBindOnce sync.Once
	endBind     []int
	endBound0   EndBound
	noPullMove  bool
	// noBottleneckFirst leaves the bottleneck-first construction out
	// (bottleneck.go; for the test that compares with it)
	noBottleneckFirst bool
	// anchoredFirst: the bottleneck-first construction anchors the crew's jobs
	// at their Schrage starts and builds each group around them (anchor.go;
	// measured, not the default: bench/RESULTS.md, ex25 and ex25b)
	anchoredFirst bool
	// plainRepairs puts the tasks of the groups, window and stretch moves
	// back at their earliest, not by fewest days (lns.go; for the test that
	// measures it)
	plainRepairs bool
	// lower-bound data
	est []int // earliest start ignoring resources (no calendars)
	lft []int // latest finish ignoring resources, against the sum of durations
}

func compile(p *Problem) (*compiled, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	n := len(p.Tasks)
	c := &compiled{p: p, modes: make([][]mode, n), preds: make([][]arc, n), succs: make([][]arc, n),
		spansOf: make([][]int, n), limitsOf: make([][]int, n), deadline: make([]int, n)}
	for i := range p.Tasks {
		t := &p.Tasks[i]
		count := 1
		for _, d := range t.Demands {
			count *= len(d.Alternatives)
			if count > MaxModes {
				return nil, &ProblemError{"task", i, t.Name, fmt.Sprintf("more than %d combinations of resources", MaxModes)}
			}
		}
		ms := make([]mode, 0, count)
		choice := make([]int, len(t.Demands))
		var rec func(k int, cal meet)
		rec = func(k int, cal meet) {
			if k == len(t.Demands) {
				md := mode{choice: append([]int(nil), choice...), cal: cal, unpref: unpreferred(t.Demands, choice)}
				for j, r := range choice {
					found := false
					for u := range md.use {
						if md.use[u].r == r {
							md.use[u].amt, md.use[u].present = md.use[u].amt+t.Demands[j].Amount, md.use[u].present && t.Demands[j].WhilePresent
							found = true
						}
					}
					if !found && t.Demands[j].Amount > 0 {
						md.use = append(md.use, use{r, t.Demands[j].Amount, t.Demands[j].WhilePresent && !t.Contiguous})
					}
				}
				for _, u := range md.use {
					if u.amt > p.Resources[u.r].Capacity {
						return // the same resource chosen twice beyond its capacity
					}
					md.present = md.present || u.present
				}
				ms = append(ms, md)
				return
			}
			for _, r := range t.Demands[k].Alternatives {
				choice[k] = r
				rc := cal
				if t.Demands[k].Amount > 0 {
					rc = cal.with(p.Resources[r].Calendar)
				}
				rec(k+1, rc)
			}
		}
		rec(0, meetOf(t.Calendar))
		if len(ms) == 0 {
			return nil, &ProblemError{"task", i, t.Name, "every combination of resources exceeds a capacity"}
		}
		c.modes[i] = ms
		c.deadline[i] = MaxTime
		if t.Deadline > 0 {
			c.deadline[i] = t.Deadline
		}
		if p.Horizon > 0 && p.Horizon < c.deadline[i] {
			c.deadline[i] = p.Horizon
		}
	}
	c.arcs()
	for si, s := range p.Spans {
		for _, t := range s.Tasks {
			c.spansOf[t] = append(c.spansOf[t], si)
		}
	}
	for li, l := range p.DayLimits {
		for _, t := range l.Tasks {
			c.limitsOf[t] = append(c.limitsOf[t], li)
		}
	}
	if len(p.DayStarts) > 1 {
		c.dayWeek = make([]int, len(p.DayStarts))
		for d, t := range p.DayStarts {
			c.dayWeek[d] = sort.Search(len(p.WeekStarts), func(i int) bool { return p.WeekStarts[i] > t }) - 1
		}
	}
	for i := range p.Tasks {
		if g := p.Tasks[i].Group; g+1 > c.groups {
			c.groups = g + 1
		}
	}
	topo, err := p.topoOrder()
	if err != nil {
		return nil, err
	}
	c.topo = topo
	c.compileOrders()
	c.flow = c.pureFlowShop()
	c.bounds()
	c.anchorsFirst()
	return c, nil
}

// arcs builds the adjacency of the precedences, then caps the deadlines of the
// predecessors of fixed tasks (fixedSuccessorDeadlines).
func (c *compiled) arcs() {
	for _, pr := range c.p.Precedences {
		c.succs[pr.From] = append(c.succs[pr.From], arc{pr.To, pr.MinLag, pr.LagCalendar, pr.MaxLag})
		c.preds[pr.To] = append(c.preds[pr.To], arc{pr.From, pr.MinLag, pr.LagCalendar, pr.MaxLag})
	}
	c.fixedSuccessorDeadlines()
}

// fixedSuccessorDeadlines caps the deadline of each task that precedes a fixed
// task: it must end by the fixed task's start less the lag (retreated over the
// lag's calendar). A fixed task is placed before the construction begins, so the
// serial scheme, which otherwise meets a precedence from the predecessor's side
// only, would place such a predecessor past it (the board caps by placed
// successors itself; this makes every construction do so too).
func (c *compiled) fixedSuccessorDeadlines() {
	for f := range c.p.Tasks {
		ft := &c.p.Tasks[f]
		if !ft.Fixed {
			continue
		}
		for _, a := range c.preds[f] {
			if c.p.Tasks[a.other].Fixed {
				continue
			}
			lim := ft.Start - a.minLag
			if a.lagCal != nil && a.minLag > 0 {
				s, _, ok := a.lagCal.Retreat(ft.Start, a.minLag)
				if !ok {
					s = math.MinInt / 2 // no end leaves the lag before ft: nowhere
				}
				lim = s
			}
			c.deadline[a.other] = min(c.deadline[a.other], lim)
		}
	}
}

// costly reports whether moving task t off its anchor costs something.
func (t *Task) costly() bool { return t.Anchored && (t.MoveCost > 0 || t.ShiftCost > 0) }

// anchorsFirst marks the tasks every construction places first at their anchors:
// the costly anchored ones and the anchored (hint) tasks they depend on, so that
// nothing placed before them pushes them off their anchors.
func (c *compiled) anchorsFirst() {
	c.firstAtAnchor = make([]bool, len(c.p.Tasks))
	var stack []int
	for t := range c.p.Tasks {
		if c.p.Tasks[t].costly() {
			c.firstAtAnchor[t] = true
			stack = append(stack, t)
		}
	}
	for len(stack) > 0 {
		t := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, a := range c.preds[t] {
			if u := a.other; !c.firstAtAnchor[u] && c.p.Tasks[u].Anchored {
				c.firstAtAnchor[u] = true
				stack = append(stack, u)
			}
		}
	}
}

// bounds computes earliest starts and latest finishes ignoring resources and
// calendars (elapsed lags only), for priorities and lower bounds.
func (c *compiled) bounds() {
	n := len(c.p.Tasks)
	c.est = make([]int, n)
	c.lft = make([]int, n)
	horizon := 0
	for _, i := range c.topo {
		t := &c.p.Tasks[i]
		e := t.Release
		if t.Fixed {
			e = t.Start
		}
		for _, a := range c.preds[i] {
			e = max(e, c.est[a.other]+c.p.Tasks[a.other].Duration+a.minLag)
		}
		c.est[i] = e
		horizon = max(horizon, e+t.Duration)
	}
	for k := n - 1; k >= 0; k-- {
		i := c.topo[k]
		f := horizon
		for _, a := range c.succs[i] {
			f = min(f, c.lft[a.other]-c.p.Tasks[a.other].Duration-a.minLag)
		}
		c.lft[i] = f
	}
}

// dayOf is the index of the day containing t (-1 before the first day).
func (c *compiled) dayOf(t int) int {
	ds := c.p.DayStarts
	return sort.Search(len(ds), func(i int) bool { return ds[i] > t }) - 1
}

// unpreferred reports whether choice meets a demand with preferred alternatives
// by another one.
func unpreferred(ds []Demand, choice []int) bool {
	for j, r := range choice {
		if pr := ds[j].Preferred; len(pr) > 0 && !slices.Contains(pr, r) {
			return true
		}
	}
	return false
}

// compileOrders indexes the same-order rules.
func (c *compiled) compileOrders() {
	n := len(c.p.Tasks)
	c.orderOf = make([]int, n)
	c.chainOf = make([]int, n)
	for i := range c.orderOf {
		c.orderOf[i] = -1
		c.chainOf[i] = -1
	}
	rank := make([]int, n)
	for k, t := range c.topo {
		rank[t] = k
	}
	c.chains = make([][][]int, len(c.p.SameOrders))
	for g, so := range c.p.SameOrders {
		c.chains[g] = make([][]int, len(so.Chains))
		for k, ch := range so.Chains {
			ts := append([]int(nil), ch...)
			sort.Slice(ts, func(a, b int) bool { return rank[ts[a]] < rank[ts[b]] })
			c.chains[g][k] = ts
			for _, t := range ts {
				c.orderOf[t] = g
				c.chainOf[t] = k
			}
		}
	}
}
