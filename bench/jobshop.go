package bench

import (
	"fmt"
	"io"
	"strings"

	"github.com/rehabplan/rehabplan/solver"
)

// op is one operation of a shop job: a machine and a processing time.
type op struct{ machine, dur int }

// LoadJobShop reads a job-shop instance in the OR-Library format: '#' comment lines
// (and blank lines) anywhere, then "n m", then n lines of m (machine, duration)
// pairs, machines numbered from 0.
//
// The problem has one unary resource per machine ("m0", "m1", ...), one task per
// operation ("j3/o1": job 3, operation 1; task index job*m+operation), a chain of
// precedences along each job and a makespan objective. A job may visit a machine
// more than once (the problem stays well defined).
func LoadJobShop(r io.Reader) (*solver.Problem, error) {
	const format = "jobshop"
	all, err := readLines(format, r)
	if err != nil {
		return nil, err
	}
	var ls []line
	for _, l := range all {
		if len(l.fields) > 0 && !strings.HasPrefix(l.fields[0], "#") {
			ls = append(ls, l)
		}
	}
	if len(ls) == 0 {
		return nil, errf(format, endLine(all), `expected the header "jobs machines", got end of input`)
	}
	h := ls[0]
	if len(h.fields) != 2 {
		return nil, errf(format, h.no, `expected the header "jobs machines" (2 integers), got %d fields`, len(h.fields))
	}
	n, err := atoi(format, h, h.fields[0], "number of jobs", 1, MaxValue)
	if err != nil {
		return nil, err
	}
	m, err := atoi(format, h, h.fields[1], "number of machines", 1, MaxValue)
	if err != nil {
		return nil, err
	}
	if len(ls)-1 < n {
		return nil, errf(format, endLine(all), "expected %d job lines, found %d", n, len(ls)-1)
	}
	if len(ls)-1 > n {
		return nil, errf(format, ls[n+1].no, "unexpected data after the %d job lines", n)
	}
	jobs := make([][]op, n)
	total := 0
	for j := 0; j < n; j++ {
		l := ls[1+j]
		if len(l.fields) != 2*m {
			return nil, errf(format, l.no, "job %d: expected %d integers (%d machine/duration pairs), got %d", j, 2*m, m, len(l.fields))
		}
		jobs[j] = make([]op, m)
		for k := 0; k < m; k++ {
			mc, err := atoi(format, l, l.fields[2*k], fmt.Sprintf("job %d operation %d machine", j, k), 0, m-1)
			if err != nil {
				return nil, err
			}
			d, err := atoi(format, l, l.fields[2*k+1], fmt.Sprintf("job %d operation %d duration", j, k), 0, MaxValue)
			if err != nil {
				return nil, err
			}
			total += d
			if total > MaxTotalDuration {
				return nil, errf(format, l.no, "the sum of the durations exceeds %d", MaxTotalDuration)
			}
			jobs[j][k] = op{mc, d}
		}
	}
	return shopProblem(format, m, jobs)
}

// shopProblem builds the solver problem of a shop: unary machines, one task per
// operation (index job*ops+operation when every job has ops operations), chains.
func shopProblem(format string, machines int, jobs [][]op) (*solver.Problem, error) {
	p := &solver.Problem{Objective: solver.Objective{Makespan: 1}}
	p.Resources = make([]solver.Resource, machines)
	for k := range p.Resources {
		p.Resources[k] = solver.Resource{Name: fmt.Sprintf("m%d", k), Capacity: 1}
	}
	for j, ops := range jobs {
		for k, o := range ops {
			p.Tasks = append(p.Tasks, solver.Task{
				Name:     fmt.Sprintf("j%d/o%d", j, k),
				Duration: o.dur,
				Group:    -1,
				Demands:  []solver.Demand{{Alternatives: []int{o.machine}, Amount: 1}},
			})
			if k > 0 {
				i := len(p.Tasks) - 1
				p.Precedences = append(p.Precedences, solver.Precedence{From: i - 1, To: i, MaxLag: -1})
			}
		}
	}
	if err := p.Validate(); err != nil {
		return nil, &ParseError{format, 0, err.Error()}
	}
	return p, nil
}
