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
// requests are skipped), and one precedence per successor.
//
// One long function: a reader of the PSPLIB .sm format, section by section in
// the order of the file; each section is a few lines that read into the same
// counters.
func LoadRCPSP(r io.Reader) (*solver.Problem, error) {
	const format = "rcpsp"
	ls, err := readLines(format, r)
	if err != nil {
		return nil, err
	}
	// Header values "label : value"; found is false when no line has the label.
	value := func(prefix, what string, lo int) (v int, found bool, err error) {
		for _, l := range ls {
			t := strings.TrimSpace(l.text)
			if !strings.HasPrefix(t, prefix) {
				continue
			}
			i := strings.Index(t, ":")
			if i < 0 {
				return 0, true, errf(format, l.no, "%s: expected %q followed by a colon and a number", what, prefix)
			}
			f := strings.Fields(t[i+1:])
			if len(f) == 0 {
				return 0, true, errf(format, l.no, "%s: expected a number after the colon", what)
			}
			v, err := atoi(format, l, f[0], what, lo, MaxValue)
			return v, true, err
		}
		return 0, false, nil
	}
	required := func(prefix, what string, lo int) (int, error) {
		v, found, err := value(prefix, what, lo)
		if err == nil && !found {
			err = errf(format, 0, "%s: no line starting with %q", what, prefix)
		}
		return v, err
	}
	n, err := required("jobs (incl. supersource/sink", "number of jobs", 1)
	if err != nil {
		return nil, err
	}
	if n > len(ls) {
		return nil, errf(format, 0, "%d jobs announced but the file has only %d lines", n, len(ls))
	}
	nr, err := required("- renewable", "number of renewable resources", 0)
	if err != nil {
		return nil, err
	}
	// The nonrenewable and doubly constrained counts may be absent (0).
	nn, _, err := value("- nonrenewable", "number of nonrenewable resources", 0)
	if err != nil {
		return nil, err
	}
	nd, _, err := value("- doubly constrained", "number of doubly constrained resources", 0)
	if err != nil {
		return nil, err
	}
	nres := nr + nn + nd

	// section returns the data lines of a section: the count lines that start with
	// an integer after its title, skipping the column headers and dashes before them.
	section := func(title string, count int) ([]line, error) {
		at := -1
		for i, l := range ls {
			if strings.HasPrefix(strings.TrimSpace(l.text), title) {
				at = i
				break
			}
		}
		if at < 0 {
			return nil, errf(format, 0, "no %s section", title)
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
				return nil, errf(format, l.no, "%s: expected %d data lines, the section ends after %d", title, count, len(out))
			}
		}
		if len(out) < count {
			return nil, errf(format, endLine(ls), "%s: expected %d data lines, found %d", title, count, len(out))
		}
		return out, nil
	}

	// Availabilities.
	av, err := section("RESOURCEAVAILABILITIES", 1)
	if err != nil {
		return nil, err
	}
	if len(av[0].fields) != nres {
		return nil, errf(format, av[0].no, "RESOURCEAVAILABILITIES: expected %d availabilities (%d renewable, %d nonrenewable, %d doubly constrained), got %d",
			nres, nr, nn, nd, len(av[0].fields))
	}
	capacity := make([]int, nres)
	for k, s := range av[0].fields {
		if capacity[k], err = atoi(format, av[0], s, fmt.Sprintf("availability of resource %d", k+1), 0, MaxValue); err != nil {
			return nil, err
		}
	}
	// resName names column k; scheduled says whether it constrains the schedule.
	resName := func(k int) string {
		switch {
		case k < nr:
			return fmt.Sprintf("R%d", k+1)
		case k < nr+nn:
			return fmt.Sprintf("N%d", k-nr+1)
		}
		return fmt.Sprintf("D%d", k-nr-nn+1)
	}
	scheduled := func(k int) bool { return k < nr || k >= nr+nn }

	p := &solver.Problem{Objective: solver.Objective{Makespan: 1}}
	p.Tasks = make([]solver.Task, n)
	for i := range p.Tasks {
		p.Tasks[i] = solver.Task{Name: fmt.Sprintf("job%d", i+1), Group: -1}
	}

	// Precedences.
	pr, err := section("PRECEDENCE RELATIONS", n)
	if err != nil {
		return nil, err
	}
	for i, l := range pr {
		f := l.fields
		if len(f) < 3 {
			return nil, errf(format, l.no, "PRECEDENCE RELATIONS: expected \"job modes successors-count successors...\", got %d fields", len(f))
		}
		if _, err := atoi(format, l, f[0], "job number", i+1, i+1); err != nil {
			return nil, err
		}
		if _, err := atoi(format, l, f[1], fmt.Sprintf("job %d number of modes (only single-mode instances are supported)", i+1), 1, 1); err != nil {
			return nil, err
		}
		ns, err := atoi(format, l, f[2], fmt.Sprintf("job %d number of successors", i+1), 0, n)
		if err != nil {
			return nil, err
		}
		if len(f) != 3+ns {
			return nil, errf(format, l.no, "job %d: %d successors announced, %d listed", i+1, ns, len(f)-3)
		}
		for _, s := range f[3:] {
			to, err := atoi(format, l, s, fmt.Sprintf("job %d successor", i+1), 1, n)
			if err != nil {
				return nil, err
			}
			if to == i+1 {
				return nil, errf(format, l.no, "job %d is its own successor", i+1)
			}
			p.Precedences = append(p.Precedences, solver.Precedence{From: i, To: to - 1, MaxLag: -1})
		}
	}

	// Durations and requests.
	rq, err := section("REQUESTS/DURATIONS", n)
	if err != nil {
		return nil, err
	}
	used := make([]bool, nres)
	amount := make([][]int, n)
	total := 0
	for i, l := range rq {
		f := l.fields
		if len(f) != 3+nres {
			return nil, errf(format, l.no, "REQUESTS/DURATIONS: expected \"job mode duration\" and %d requests, got %d fields", nres, len(f))
		}
		if _, err := atoi(format, l, f[0], "job number", i+1, i+1); err != nil {
			return nil, err
		}
		if _, err := atoi(format, l, f[1], fmt.Sprintf("job %d mode (only single-mode instances are supported)", i+1), 1, 1); err != nil {
			return nil, err
		}
		d, err := atoi(format, l, f[2], fmt.Sprintf("job %d duration", i+1), 0, MaxValue)
		if err != nil {
			return nil, err
		}
		total += d
		if total > MaxTotalDuration {
			return nil, errf(format, l.no, "the sum of the durations exceeds %d", MaxTotalDuration)
		}
		p.Tasks[i].Duration = d
		amount[i] = make([]int, nres)
		for k, s := range f[3:] {
			a, err := atoi(format, l, s, fmt.Sprintf("job %d request of %s", i+1, resName(k)), 0, MaxValue)
			if err != nil {
				return nil, err
			}
			if scheduled(k) && a > capacity[k] {
				return nil, errf(format, l.no, "job %d requests %d of %s, whose availability is %d", i+1, a, resName(k), capacity[k])
			}
			amount[i][k] = a
			used[k] = used[k] || a > 0
		}
	}

	index := make([]int, nres)
	for k := 0; k < nres; k++ {
		index[k] = -1
		if !scheduled(k) || capacity[k] == 0 && !used[k] {
			continue
		}
		index[k] = len(p.Resources)
		p.Resources = append(p.Resources, solver.Resource{Name: resName(k), Capacity: capacity[k]})
	}
	for i := range p.Tasks {
		for k, a := range amount[i] {
			if a > 0 && index[k] >= 0 {
				p.Tasks[i].Demands = append(p.Tasks[i].Demands, solver.Demand{Alternatives: []int{index[k]}, Amount: a})
			}
		}
	}
	if err := p.Validate(); err != nil {
		return nil, &ParseError{format, 0, err.Error()}
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
