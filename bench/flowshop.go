package bench

import (
	"fmt"
	"io"
	"sort"

	"github.com/rehabplan/rehabplan/solver"
)

// FlowShop is the raw data of a Taillard flow-shop instance.
type FlowShop struct {
	Jobs, Machines int
	// Seed, UB and LB are the header's generator seed and bounds (0 when absent).
	// The header LB is Taillard's 1993 trivial bound, not a modern one.
	Seed, UB, LB int
	// P[k][j] is the processing time of job j on machine k.
	P [][]int
}

// LoadFlowShop reads a Taillard flow-shop instance: a header line "n m seed UB LB"
// (the last three optional), then m lines of n processing times, one line per
// machine. Blank lines are ignored.
//
// The problem is modelled like a job shop whose every job visits machines 0..m-1 in
// that order: task index job*m+machine, named "j3/o1", plus one same-order rule
// whose chains are the jobs, so that every machine processes the jobs in one order
// (a permutation schedule). The returned FlowShop evaluates permutations
// independently of the solver (PermutationOf, Makespan).
func LoadFlowShop(r io.Reader) (*solver.Problem, *FlowShop, error) {
	const format = "flowshop"
	all, err := readLines(format, r)
	if err != nil {
		return nil, nil, err
	}
	var ls []line
	for _, l := range all {
		if len(l.fields) > 0 {
			ls = append(ls, l)
		}
	}
	if len(ls) == 0 {
		return nil, nil, errf(format, endLine(all), `expected the header "jobs machines [seed upper-bound lower-bound]", got end of input`)
	}
	h := ls[0]
	if len(h.fields) < 2 || len(h.fields) > 5 {
		return nil, nil, errf(format, h.no, `expected the header "jobs machines [seed upper-bound lower-bound]" (2 to 5 integers), got %d fields`, len(h.fields))
	}
	f := &FlowShop{}
	hdr := []*int{&f.Jobs, &f.Machines, &f.Seed, &f.UB, &f.LB}
	names := []string{"number of jobs", "number of machines", "seed", "upper bound", "lower bound"}
	for i, s := range h.fields {
		lo := 0
		if i < 2 {
			lo = 1
		}
		if *hdr[i], err = atoi(format, h, s, names[i], lo, MaxValue); err != nil {
			return nil, nil, err
		}
	}
	n, m := f.Jobs, f.Machines
	if len(ls)-1 < m {
		return nil, nil, errf(format, endLine(all), "expected %d machine lines of %d processing times, found %d lines", m, n, len(ls)-1)
	}
	if len(ls)-1 > m {
		return nil, nil, errf(format, ls[m+1].no, "unexpected data after the %d machine lines", m)
	}
	f.P = make([][]int, m)
	total := 0
	for k := 0; k < m; k++ {
		l := ls[1+k]
		if len(l.fields) != n {
			return nil, nil, errf(format, l.no, "machine %d: expected %d processing times (one per job), got %d", k, n, len(l.fields))
		}
		f.P[k] = make([]int, n)
		for j, s := range l.fields {
			if f.P[k][j], err = atoi(format, l, s, fmt.Sprintf("machine %d job %d processing time", k, j), 0, MaxValue); err != nil {
				return nil, nil, err
			}
			total += f.P[k][j]
			if total > MaxTotalDuration {
				return nil, nil, errf(format, l.no, "the sum of the processing times exceeds %d", MaxTotalDuration)
			}
		}
	}
	jobs := make([][]op, n)
	for j := range jobs {
		jobs[j] = make([]op, m)
		for k := range jobs[j] {
			jobs[j][k] = op{k, f.P[k][j]}
		}
	}
	p, err := shopProblem(format, m, jobs)
	if err != nil {
		return nil, nil, err
	}
	chains := make([][]int, n)
	for j := range chains {
		chains[j] = make([]int, m)
		for k := range chains[j] {
			chains[j][k] = f.Task(j, k)
		}
	}
	p.SameOrders = []solver.SameOrder{{Name: "permutation", Chains: chains}}
	return p, f, nil
}

// Task is the index, in the problem LoadFlowShop returns, of job j on machine k.
func (f *FlowShop) Task(j, k int) int { return j*f.Machines + k }

// Makespan is the makespan of the permutation schedule that processes the jobs in
// the order perm on every machine, each operation as early as possible. It returns
// -1 when perm is not a permutation of 0..Jobs-1.
func (f *FlowShop) Makespan(perm []int) int {
	if len(perm) != f.Jobs {
		return -1
	}
	seen := make([]bool, f.Jobs)
	for _, j := range perm {
		if j < 0 || j >= f.Jobs || seen[j] {
			return -1
		}
		seen[j] = true
	}
	// c[k] is the completion time of the last scheduled job on machine k.
	c := make([]int, f.Machines)
	for _, j := range perm {
		prev := 0 // completion of job j on the previous machine
		for k := 0; k < f.Machines; k++ {
			prev = max(prev, c[k]) + f.P[k][j]
			c[k] = prev
		}
	}
	if f.Machines == 0 {
		return 0
	}
	return c[f.Machines-1]
}

// PermutationOf reads the job order of a schedule of the problem LoadFlowShop
// returned with f: jobs sorted by their start on machine 0 (ties by end, then job).
// The boolean is true when every machine processes the jobs in that same order,
// that is, when the schedule is a permutation schedule. It returns nil, false when
// pl does not fit f (wrong size, an unplaced task).
func (f *FlowShop) PermutationOf(p *solver.Problem, pl []solver.Placement) ([]int, bool) {
	if f.Jobs*f.Machines != len(pl) || len(p.Tasks) != len(pl) || f.Machines == 0 {
		return nil, false
	}
	for i := range pl {
		if !pl[i].Placed {
			return nil, false
		}
	}
	orderOn := func(k int) []int {
		o := make([]int, f.Jobs)
		for j := range o {
			o[j] = j
		}
		sort.SliceStable(o, func(a, b int) bool {
			x, y := pl[f.Task(o[a], k)], pl[f.Task(o[b], k)]
			if x.Start != y.Start {
				return x.Start < y.Start
			}
			return x.End < y.End
		})
		return o
	}
	perm := orderOn(0)
	for k := 1; k < f.Machines; k++ {
		o := orderOn(k)
		for i := range o {
			if o[i] != perm[i] {
				return perm, false
			}
		}
	}
	return perm, true
}
