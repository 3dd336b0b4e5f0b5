package bench

import (
	"fmt"
	"io"
	"strings"

	"github.com/rehabplan/rehabplan/solver"
)

// LoadRCPSP reads a single-mode PSPLIB instance (.sm): the job count (including the
// dummy source and sink), the resource counts, the PRECEDENCE RELATIONS section
// (job, modes, successor count, successors), the REQUESTS/DURATIONS section (job,
// mode, duration, one request per resource) and the RESOURCEAVAILABILITIES section.
// The nonrenewable and doubly constrained counts may be missing (0).
//
// The problem has one cumulative resource per renewable resource ("R1", ...) with
// its availability as capacity, and per doubly constrained resource ("D1", ...);
// non-renewable resources are ignored (with one mode their consumption is fixed).
// A resource of availability 0 that no job requests is left out; otherwise
// resource k is the file's k-th renewable resource. Task i is job i+1 ("job1", ...;
// the dummy jobs have duration 0), with one demand per requested resource (zero
// requests are skipped), and one precedence per successor (rcpspInstance.problem).
func LoadRCPSP(r io.Reader) (*solver.Problem, error) {
	ls, err := readLines(smFormat, r)
	if err != nil {
		return nil, err
	}
	sm := &smReader{ls: ls}
	n, err := sm.required("jobs (incl. supersource/sink", "number of jobs", 1)
	if err != nil {
		return nil, err
	}
	if n > len(ls) {
		return nil, errf(smFormat, 0, "%d jobs announced but the file has only %d lines", n, len(ls))
	}
	in, err := sm.resources()
	if err != nil {
		return nil, err
	}
	in.succ, in.dur, in.amount = make([][]int, n), make([]int, n), make([][]int, n)
	if err := sm.precedences(in, n); err != nil {
		return nil, err
	}
	if err := sm.requests(in, n); err != nil {
		return nil, err
	}
	return in.problem()
}

// smReader reads the sections of a PSPLIB .sm file, in whatever order they come.
type smReader struct {
	ls []line
}

// smFormat is the .sm reader's format in its errors.
const smFormat = "rcpsp"

// value is the header value "label : value" of the line starting with prefix;
// found is false when no line has the label.
func (sm *smReader) value(prefix, what string, lo int) (v int, found bool, err error) {
	for _, l := range sm.ls {
		t := strings.TrimSpace(l.text)
		if !strings.HasPrefix(t, prefix) {
			continue
		}
		i := strings.Index(t, ":")
		if i < 0 {
			return 0, true, errf(smFormat, l.no, "%s: expected %q followed by a colon and a number", what, prefix)
		}
		f := strings.Fields(t[i+1:])
		if len(f) == 0 {
			return 0, true, errf(smFormat, l.no, "%s: expected a number after the colon", what)
		}
		v, err := atoi(smFormat, l, f[0], what, lo, MaxValue)
		return v, true, err
	}
	return 0, false, nil
}

// required is value, an error when no line has the label.
func (sm *smReader) required(prefix, what string, lo int) (int, error) {
	v, found, err := sm.value(prefix, what, lo)
	if err == nil && !found {
		err = errf(smFormat, 0, "%s: no line starting with %q", what, prefix)
	}
	return v, err
}

// section returns the data lines of a section: the count lines that start with
// an integer after its title, skipping the column headers and dashes before them.
func (sm *smReader) section(title string, count int) ([]line, error) {
	ls := sm.ls
	at := -1
	for i, l := range ls {
		if strings.HasPrefix(strings.TrimSpace(l.text), title) {
			at = i
			break
		}
	}
	if at < 0 {
		return nil, errf(smFormat, 0, "no %s section", title)
	}
	var out []line
	started := false
	for _, l := range ls[at+1:] {
		if len(out) == count {
			break
		}
		if len(l.fields) == 0 {
			continue
		}
		if isInt(l.fields[0]) {
			started = true
			out = append(out, l)
			continue
		}
		if started || strings.HasPrefix(l.fields[0], "***") {
			return nil, errf(smFormat, l.no, "%s: expected %d data lines, the section ends after %d", title, count, len(out))
		}
	}
	if len(out) < count {
		return nil, errf(smFormat, endLine(ls), "%s: expected %d data lines, found %d", title, count, len(out))
	}
	return out, nil
}

// resources reads the resource counts and the RESOURCEAVAILABILITIES section
// into an instance without jobs: columns R1..., then N1... (not scheduled), then
// D1....
func (sm *smReader) resources() (*rcpspInstance, error) {
	nr, err := sm.required("- renewable", "number of renewable resources", 0)
	if err != nil {
		return nil, err
	}
	// The nonrenewable and doubly constrained counts may be absent (0).
	nn, _, err := sm.value("- nonrenewable", "number of nonrenewable resources", 0)
	if err != nil {
		return nil, err
	}
	nd, _, err := sm.value("- doubly constrained", "number of doubly constrained resources", 0)
	if err != nil {
		return nil, err
	}
	nres := nr + nn + nd
	av, err := sm.section("RESOURCEAVAILABILITIES", 1)
	if err != nil {
		return nil, err
	}
	if len(av[0].fields) != nres {
		return nil, errf(smFormat, av[0].no, "RESOURCEAVAILABILITIES: expected %d availabilities (%d renewable, %d nonrenewable, %d doubly constrained), got %d",
			nres, nr, nn, nd, len(av[0].fields))
	}
	in := &rcpspInstance{format: smFormat, names: make([]string, nres), capacity: make([]int, nres), scheduled: make([]bool, nres)}
	for k, s := range av[0].fields {
		if in.capacity[k], err = atoi(smFormat, av[0], s, fmt.Sprintf("availability of resource %d", k+1), 0, MaxValue); err != nil {
			return nil, err
		}
		switch {
		case k < nr:
			in.names[k] = fmt.Sprintf("R%d", k+1)
		case k < nr+nn:
			in.names[k] = fmt.Sprintf("N%d", k-nr+1)
		default:
			in.names[k] = fmt.Sprintf("D%d", k-nr-nn+1)
		}
		in.scheduled[k] = k < nr || k >= nr+nn
	}
	return in, nil
}

// precedences reads the PRECEDENCE RELATIONS section: each of the n jobs'
// successors.
func (sm *smReader) precedences(in *rcpspInstance, n int) error {
	pr, err := sm.section("PRECEDENCE RELATIONS", n)
	if err != nil {
		return err
	}
	for i, l := range pr {
		f := l.fields
		if len(f) < 3 {
			return errf(smFormat, l.no, "PRECEDENCE RELATIONS: expected \"job modes successors-count successors...\", got %d fields", len(f))
		}
		if _, err := atoi(smFormat, l, f[0], "job number", i+1, i+1); err != nil {
			return err
		}
		if _, err := atoi(smFormat, l, f[1], fmt.Sprintf("job %d number of modes (only single-mode instances are supported)", i+1), 1, 1); err != nil {
			return err
		}
		ns, err := atoi(smFormat, l, f[2], fmt.Sprintf("job %d number of successors", i+1), 0, n)
		if err != nil {
			return err
		}
		if len(f) != 3+ns {
			return errf(smFormat, l.no, "job %d: %d successors announced, %d listed", i+1, ns, len(f)-3)
		}
		for _, s := range f[3:] {
			to, err := atoi(smFormat, l, s, fmt.Sprintf("job %d successor", i+1), 1, n)
			if err != nil {
				return err
			}
			if to == i+1 {
				return errf(smFormat, l.no, "job %d is its own successor", i+1)
			}
			in.succ[i] = append(in.succ[i], to-1)
		}
	}
	return nil
}

// requests reads the REQUESTS/DURATIONS section: each of the n jobs' duration
// and requests.
func (sm *smReader) requests(in *rcpspInstance, n int) error {
	rq, err := sm.section("REQUESTS/DURATIONS", n)
	if err != nil {
		return err
	}
	nres := len(in.capacity)
	for i, l := range rq {
		f := l.fields
		if len(f) != 3+nres {
			return errf(smFormat, l.no, "REQUESTS/DURATIONS: expected \"job mode duration\" and %d requests, got %d fields", nres, len(f))
		}
		if _, err := atoi(smFormat, l, f[0], "job number", i+1, i+1); err != nil {
			return err
		}
		if _, err := atoi(smFormat, l, f[1], fmt.Sprintf("job %d mode (only single-mode instances are supported)", i+1), 1, 1); err != nil {
			return err
		}
		d, err := atoi(smFormat, l, f[2], fmt.Sprintf("job %d duration", i+1), 0, MaxValue)
		if err != nil {
			return err
		}
		if err := in.addDuration(d, l.no); err != nil {
			return err
		}
		in.dur[i] = d
		in.amount[i] = make([]int, nres)
		for k, s := range f[3:] {
			a, err := atoi(smFormat, l, s, fmt.Sprintf("job %d request of %s", i+1, in.names[k]), 0, MaxValue)
			if err != nil {
				return err
			}
			if err := in.checkRequest(i, k, a, l.no); err != nil {
				return err
			}
			in.amount[i][k] = a
		}
	}
	return nil
}

// rcpspInstance is a single-mode RCPSP instance as its readers (LoadRCPSP,
// LoadPatterson) parse it; problem builds the solver problem from it.
type rcpspInstance struct {
	format string
	// each resource column's name and availability; scheduled: it constrains the
	// schedule (a non-renewable one does not)
	names     []string
	capacity  []int
	scheduled []bool
	// each job's duration, request per column and successors (0-based); total
	// is the sum of the durations read so far
	dur    []int
	amount [][]int
	succ   [][]int
	total  int
}

// addDuration counts a job's duration d, read on line no, in the total.
func (in *rcpspInstance) addDuration(d, no int) error {
	in.total += d
	if in.total > MaxTotalDuration {
		return errf(in.format, no, "the sum of the durations exceeds %d", MaxTotalDuration)
	}
	return nil
}

// checkRequest refuses job i's request a of column k, read on line no, when
// it is more than a scheduled resource's availability.
func (in *rcpspInstance) checkRequest(i, k, a, no int) error {
	if in.scheduled[k] && a > in.capacity[k] {
		return errf(in.format, no, "job %d requests %d of %s, whose availability is %d", i+1, a, in.names[k], in.capacity[k])
	}
	return nil
}

// problem is the instance as a solver problem, validated: task i is job i+1
// ("job1", ...), one resource per scheduled column (left out when its
// availability is 0 and no job requests it), zero requests skipped, one
// precedence per successor.
func (in *rcpspInstance) problem() (*solver.Problem, error) {
	p := &solver.Problem{Objective: solver.Objective{Makespan: 1}}
	index := make([]int, len(in.capacity))
	for k, c := range in.capacity {
		used := false
		for _, a := range in.amount {
			used = used || a[k] > 0
		}
		index[k] = -1
		if !in.scheduled[k] || c == 0 && !used {
			continue
		}
		index[k] = len(p.Resources)
		p.Resources = append(p.Resources, solver.Resource{Name: in.names[k], Capacity: c})
	}
	p.Tasks = make([]solver.Task, len(in.dur))
	for i, d := range in.dur {
		p.Tasks[i] = solver.Task{Name: fmt.Sprintf("job%d", i+1), Group: -1, Duration: d}
		for k, a := range in.amount[i] {
			if a > 0 && index[k] >= 0 {
				p.Tasks[i].Demands = append(p.Tasks[i].Demands, solver.Demand{Alternatives: []int{index[k]}, Amount: a})
			}
		}
		for _, to := range in.succ[i] {
			p.Precedences = append(p.Precedences, solver.Precedence{From: i, To: to, MaxLag: -1})
		}
	}
	if err := p.Validate(); err != nil {
		return nil, &ParseError{in.format, 0, err.Error()}
	}
	return p, nil
}

func isInt(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
