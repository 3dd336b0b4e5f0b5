package bench

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/rehabplan/rehabplan/solver"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"
)

// Check re-checks a schedule of a benchmark problem from scratch, sharing nothing
// with the solver but its data types: every task placed, with one alternative
// chosen per demand, End - Start = Duration, release and deadline and horizon
// respected, every precedence's minimum and maximum lag, every resource's
// capacity (a sweep over the start and end events) and every same-order rule. It returns the makespan
// (latest end) and every violation found, joined; an error also says when the
// problem uses what the checker does not handle (calendars, spans, day limits,
// fixed tasks), since benchmark problems have none.
func Check(p *solver.Problem, pl []solver.Placement) (int, error) {
	if err := unsupported(p); err != nil {
		return 0, err
	}
	if len(pl) != len(p.Tasks) {
		return 0, fmt.Errorf("check: %d placements for %d tasks", len(pl), len(p.Tasks))
	}
	var errs []error
	const maxErrs = 20
	bad := func(format string, args ...any) {
		if len(errs) < maxErrs {
			errs = append(errs, fmt.Errorf("check: "+format, args...))
		} else if len(errs) == maxErrs {
			errs = append(errs, errors.New("check: more violations not listed"))
		}
	}
	makespan := 0
	type event struct{ at, delta int }
	events := make([][]event, len(p.Resources))
	for i := range p.Tasks {
		t, x := &p.Tasks[i], &pl[i]
		if !x.Placed {
			bad("task %d (%s) is not placed", i, t.Name)
			continue
		}
		if x.End-x.Start != t.Duration {
			bad("task %d (%s) runs [%d, %d), %d units, but lasts %d", i, t.Name, x.Start, x.End, x.End-x.Start, t.Duration)
		}
		if x.Start < t.Release {
			bad("task %d (%s) starts at %d before its release %d", i, t.Name, x.Start, t.Release)
		}
		if t.Deadline > 0 && x.End > t.Deadline {
			bad("task %d (%s) ends at %d after its deadline %d", i, t.Name, x.End, t.Deadline)
		}
		if p.Horizon > 0 && x.End > p.Horizon {
			bad("task %d (%s) ends at %d after the horizon %d", i, t.Name, x.End, p.Horizon)
		}
		makespan = max(makespan, x.End)
		if len(x.Choice) != len(t.Demands) {
			bad("task %d (%s) has %d choices for %d demands", i, t.Name, len(x.Choice), len(t.Demands))
			continue
		}
		for k, d := range t.Demands {
			r := x.Choice[k]
			ok := false
			for _, a := range d.Alternatives {
				ok = ok || a == r
			}
			if !ok {
				bad("task %d (%s) demand %d: resource %d is not an alternative", i, t.Name, k, r)
				continue
			}
			if d.Amount > 0 && x.End > x.Start {
				events[r] = append(events[r], event{x.Start, d.Amount}, event{x.End, -d.Amount})
			}
		}
	}
	for i, pr := range p.Precedences {
		a, b := &pl[pr.From], &pl[pr.To]
		if !a.Placed || !b.Placed {
			continue // reported above
		}
		if b.Start < a.End+pr.MinLag {
			bad("precedence %d: task %d (%s) starts at %d, before task %d (%s) ends at %d plus %d", i,
				pr.To, p.Tasks[pr.To].Name, b.Start, pr.From, p.Tasks[pr.From].Name, a.End, pr.MinLag)
		}
		if pr.MaxLag >= 0 && b.Start > a.End+pr.MaxLag {
			bad("precedence %d: task %d (%s) starts at %d, later than task %d (%s) ends at %d plus %d", i,
				pr.To, p.Tasks[pr.To].Name, b.Start, pr.From, p.Tasks[pr.From].Name, a.End, pr.MaxLag)
		}
	}
	for r, ev := range events {
		// Ends before starts at the same instant ([s, e) intervals), so the load only
		// rises after the ends of an instant and checking after each event suffices.
		sort.Slice(ev, func(i, j int) bool {
			if ev[i].at != ev[j].at {
				return ev[i].at < ev[j].at
			}
			return ev[i].delta < ev[j].delta
		})
		load := 0
		for _, e := range ev {
			load += e.delta
			if load > p.Resources[r].Capacity {
				bad("resource %d (%s) holds %d units at %d, capacity %d", r, p.Resources[r].Name, load, e.at, p.Resources[r].Capacity)
				break
			}
		}
	}
	for i, so := range p.SameOrders {
		if err := checkSameOrder(p, pl, so); err != nil {
			bad("same order %d (%s): %v", i, so.Name, err)
		}
	}
	return makespan, errors.Join(errs...)
}

// checkSameOrder checks that one order of the chains fits every resource: on each
// resource, the chains' tasks do not interleave (each chain's stretch there ends
// before the next one's begins), and the orders the resources impose agree (their
// union has no cycle: gonum's topological sort, independent of the solver's). A
// task of zero length holds its resources for no time: it orders nothing (at
// another chain's start or end it could be on either side).
func checkSameOrder(p *solver.Problem, pl []solver.Placement, so solver.SameOrder) error {
	type stretch struct{ chain, s, e int }
	on := map[int]map[int]*stretch{} // resource -> chain -> stretch
	for k, ch := range so.Chains {
		for _, t := range ch {
			if t < 0 || t >= len(pl) || !pl[t].Placed || len(pl[t].Choice) != len(p.Tasks[t].Demands) {
				continue // reported as a task error
			}
			if pl[t].End <= pl[t].Start {
				continue // zero length: it holds no resource, any order fits it
			}
			for d, r := range pl[t].Choice {
				if p.Tasks[t].Demands[d].Amount == 0 {
					continue
				}
				if on[r] == nil {
					on[r] = map[int]*stretch{}
				}
				x := on[r][k]
				if x == nil {
					on[r][k] = &stretch{k, pl[t].Start, pl[t].End}
					continue
				}
				x.s, x.e = min(x.s, pl[t].Start), max(x.e, pl[t].End)
			}
		}
	}
	order := simple.NewDirectedGraph() // chain -> the chains after it on some resource
	for k := range so.Chains {
		order.AddNode(simple.Node(k))
	}
	rs := make([]int, 0, len(on))
	for r := range on {
		rs = append(rs, r)
	}
	sort.Ints(rs)
	for _, r := range rs {
		xs := make([]*stretch, 0, len(on[r]))
		for _, x := range on[r] {
			xs = append(xs, x)
		}
		sort.Slice(xs, func(a, b int) bool {
			if xs[a].s != xs[b].s {
				return xs[a].s < xs[b].s
			}
			return xs[a].chain < xs[b].chain
		})
		for a := 1; a < len(xs); a++ {
			if xs[a-1].e > xs[a].s {
				return fmt.Errorf("on resource %d (%s), chains %d and %d interleave", r, p.Resources[r].Name, xs[a-1].chain, xs[a].chain)
			}
			order.SetEdge(simple.Edge{F: simple.Node(xs[a-1].chain), T: simple.Node(xs[a].chain)})
		}
	}
	if _, err := topo.Sort(order); err != nil {
		var cyclic topo.Unorderable
		if !errors.As(err, &cyclic) || len(cyclic) == 0 {
			return err
		}
		comp := cyclic[0] // sorted by chain
		// two chains in opposite orders on two resources, the usual contradiction,
		// are named alone
		for i, a := range comp {
			for _, b := range comp[i+1:] {
				if order.HasEdgeFromTo(a.ID(), b.ID()) && order.HasEdgeFromTo(b.ID(), a.ID()) {
					return fmt.Errorf("chains %d and %d are in opposite orders on two resources", a.ID(), b.ID())
				}
			}
		}
		chains := make([]string, len(comp))
		for i, c := range comp {
			chains[i] = fmt.Sprint(c.ID())
		}
		return fmt.Errorf("the resources process chains %s in orders that contradict one another", strings.Join(chains, ", "))
	}
	return nil
}

func unsupported(p *solver.Problem) error {
	if len(p.Spans) > 0 || len(p.DayLimits) > 0 {
		return errors.New("check: spans and day limits are not handled")
	}
	for i, r := range p.Resources {
		if r.Calendar != nil {
			return fmt.Errorf("check: resource %d (%s) has a calendar, not handled", i, r.Name)
		}
	}
	for i, t := range p.Tasks {
		if t.Calendar != nil || t.Fixed {
			return fmt.Errorf("check: task %d (%s) has a calendar or is fixed, not handled", i, t.Name)
		}
	}
	for i, pr := range p.Precedences {
		if pr.LagCalendar != nil {
			return fmt.Errorf("check: precedence %d has a lag calendar, not handled", i)
		}
	}
	return nil
}
