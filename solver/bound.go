package solver

import (
	"fmt"
	"sort"
)

// LowerBound is a lower bound of the latest end of any complete schedule of p: the
// largest of the critical path (precedences, lags, releases and each task's best
// calendar, resources ignored), the load of each set of interchangeable
// resources (their working time needed for the work only they can do), the
// one-machine relaxation of each such set with heads and deadlines, and the
// energetic reasoning over each such set (see ComputeBounds, energy.go).
func LowerBound(p *Problem) (int, error) {
	b, err := ComputeBounds(p, 0)
	if err != nil {
		return 0, err
	}
	return b.End.Value, nil
}

// lowerBound is the critical path and load part of LowerBound on a compiled
// problem (see basicBound).
func (c *compiled) lowerBound() int {
	b, _ := c.basicBound()
	return b.Value
}

// readyAt is the earliest start of task t by its release and its
// predecessors' ends end (each precedence's lag, through its calendar when it
// has one).
func (c *compiled) readyAt(t int, end []int) int {
	e := c.p.Tasks[t].Release
	for _, a := range c.preds[t] {
		at := end[a.other] + a.minLag
		if a.lagCal != nil && a.minLag > 0 {
			if _, x, ok := a.lagCal.Advance(end[a.other], a.minLag); ok {
				at = x
			}
		}
		e = max(e, at)
	}
	return e
}

// earliestEnd is the earliest end of task t started no earlier than e, over its
// modes and through their calendars (e plus the duration when no mode fits).
func (c *compiled) earliestEnd(t, e int) int {
	task := &c.p.Tasks[t]
	best := MaxTime
	for _, m := range c.modes[t] {
		var f int
		if task.Contiguous {
			s, ok := m.cal.FitContiguous(e, task.Duration)
			if !ok {
				continue
			}
			f = s + task.Duration
		} else {
			_, x, ok := m.cal.Advance(e, task.Duration)
			if !ok {
				continue
			}
			f = x
		}
		best = min(best, f)
	}
	if best == MaxTime {
		return e + task.Duration // cannot be placed at all: keep a finite bound
	}
	return best
}

// basicBound is the larger of the critical path and the loads, with the binding
// part, and the earliest starts (before calendars) the path gives each task.
//
// One long function: two passes that share their arrays, the critical path in
// topological order (releases, lags through their calendars, each task's
// calendar) and the load of each set of interchangeable resources; apart they
// would pass the same half-dozen slices back and forth.
func (c *compiled) basicBound() (EndBound, []int) {
	p := c.p
	n := len(p.Tasks)
	est := make([]int, n)
	end := make([]int, n)
	lb := 0
	bound := EndBound{Binding: BindPath}
	for _, t := range c.topo {
		task := &p.Tasks[t]
		if task.Fixed {
			est[t], end[t] = task.Start, task.End
			lb = max(lb, end[t])
			continue
		}
		e := c.readyAt(t, end)
		est[t] = e
		best := c.earliestEnd(t, e)
		end[t] = best
		lb = max(lb, best)
	}
	// resource load: tasks grouped by the set of resources they may use
	type load struct {
		res    []int
		energy int
		from   int
	}
	loads := map[string]*load{}
	for t := range p.Tasks {
		task := &p.Tasks[t]
		if task.Fixed {
			continue
		}
		for _, d := range task.Demands {
			if d.Amount == 0 {
				continue
			}
			alts := append([]int(nil), d.Alternatives...)
			sort.Ints(alts)
			key := fmt.Sprint(alts)
			l := loads[key]
			if l == nil {
				l = &load{res: alts, from: est[t]}
				loads[key] = l
			}
			l.energy += task.Duration * d.Amount
			l.from = min(l.from, est[t])
		}
	}
	keys := make([]string, 0, len(loads))
	for k := range loads {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		l := loads[k]
		capacityWork := func(T int) int {
			w := 0
			for _, r := range l.res {
				w += p.Resources[r].Capacity * p.Resources[r].Calendar.Work(l.from, T)
			}
			return w
		}
		lo, hi := l.from, l.from+1
		for capacityWork(hi) < l.energy {
			if hi-l.from > 1<<45 {
				break
			}
			hi = l.from + 2*(hi-l.from)
		}
		for lo < hi {
			mid := lo + (hi-lo)/2
			if capacityWork(mid) >= l.energy {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		if lo > lb {
			lb = lo
			bound.Binding, bound.Resources = BindLoad, l.res
		}
	}
	bound.Value = lb
	return bound, est
}
