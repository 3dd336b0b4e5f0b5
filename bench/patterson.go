package bench

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/rehabplan/rehabplan/solver"
)

// LoadPatterson reads a single-mode RCPSP instance in Patterson's format (.rcp,
// as in the RanGen and PSPLIB conversions): the job count (including the dummy
// source and sink) and the resource count, then one availability per resource,
// then per job its duration, one request per resource, its successor count and
// its successors (1-based job numbers). Numbers are read as a stream: a job's
// record may span lines, and line breaks only matter for the line numbers of the
// errors.
//
// The problem is the one LoadRCPSP builds from the same instance in the .sm
// format: task i is job i+1 ("job1", ...), resource k is "Rk" with its
// availability as capacity (left out when it is 0 and no job requests it), zero
// requests are skipped, one precedence per successor.
func LoadPatterson(r io.Reader) (*solver.Problem, error) {
	const format = "rcp"
	ls, err := readLines(format, r)
	if err != nil {
		return nil, err
	}
	tk := &tokens{format: format}
	for _, l := range ls {
		for _, f := range l.fields {
			tk.items = append(tk.items, token{l, f})
		}
	}
	tk.end = endLine(ls)
	n, err := tk.int("number of jobs", 1, MaxValue)
	if err != nil {
		return nil, err
	}
	nr, err := tk.int("number of resources", 0, MaxValue)
	if err != nil {
		return nil, err
	}
	// Each job takes at least nr+2 numbers: refuse counts the input cannot hold
	// before allocating for them.
	if left := len(tk.items) - tk.at; nr > left || n > left/(nr+2) {
		return nil, errf(format, tk.end, "%d jobs and %d resources announced but only %d numbers follow the header", n, nr, left)
	}
	capacity := make([]int, nr)
	for k := range capacity {
		if capacity[k], err = tk.int(fmt.Sprintf("availability of R%d", k+1), 0, MaxValue); err != nil {
			return nil, err
		}
	}
	in := &rcpspInstance{format: format, names: make([]string, nr), capacity: capacity, scheduled: make([]bool, nr)}
	for k := range capacity {
		in.names[k], in.scheduled[k] = fmt.Sprintf("R%d", k+1), true
	}
	for i := 0; i < n; i++ {
		if err := pattersonJob(in, tk, i, n); err != nil {
			return nil, err
		}
	}
	if tk.at < len(tk.items) {
		t := tk.items[tk.at]
		return nil, errf(format, t.ln.no, "unexpected data %q after the %d jobs", t.s, n)
	}
	return in.problem()
}

// LoadRCPSPFile reads an RCPSP instance in the format its name or content says:
// ".rcp" is Patterson's format (LoadPatterson), ".sm" PSPLIB's (LoadRCPSP); any
// other name is Patterson's when the first number-like field of the file is an
// integer (a .sm file starts with a line of stars and labels), else PSPLIB's.
func LoadRCPSPFile(name string, r io.Reader) (*solver.Problem, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".rcp":
		return LoadPatterson(r)
	case ".sm":
		return LoadRCPSP(r)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if f := bytes.Fields(data); len(f) > 0 && isInt(string(f[0])) {
		return LoadPatterson(bytes.NewReader(data))
	}
	return LoadRCPSP(bytes.NewReader(data))
}

type token struct {
	ln line
	s  string
}

// tokens is the stream of whitespace-separated fields of an input.
type tokens struct {
	format string
	items  []token
	at     int
	end    int // the line reported for a missing number
}

func (t *tokens) int(what string, lo, hi int) (int, error) {
	if t.at >= len(t.items) {
		return 0, errf(t.format, t.end, "%s: expected an integer, got end of input", what)
	}
	x := t.items[t.at]
	t.at++
	return atoi(t.format, x.ln, x.s, what, lo, hi)
}

// pattersonJob reads job i's record (of n) into in: duration, requests,
// successor count, successors.
func pattersonJob(in *rcpspInstance, tk *tokens, i, n int) error {
	d, err := tk.int(fmt.Sprintf("job %d duration", i+1), 0, MaxValue)
	if err != nil {
		return err
	}
	if err := in.addDuration(d, tk.items[tk.at-1].ln.no); err != nil {
		return err
	}
	req := make([]int, len(in.capacity))
	for k := range req {
		what := fmt.Sprintf("job %d request of %s", i+1, in.names[k])
		if req[k], err = tk.int(what, 0, MaxValue); err != nil {
			return err
		}
		if err := in.checkRequest(i, k, req[k], tk.items[tk.at-1].ln.no); err != nil {
			return err
		}
	}
	ns, err := tk.int(fmt.Sprintf("job %d number of successors", i+1), 0, n)
	if err != nil {
		return err
	}
	succ := make([]int, ns)
	for s := range succ {
		to, err := tk.int(fmt.Sprintf("job %d successor", i+1), 1, n)
		if err != nil {
			return err
		}
		if to == i+1 {
			return errf(in.format, tk.items[tk.at-1].ln.no, "job %d is its own successor", i+1)
		}
		succ[s] = to - 1
	}
	in.dur = append(in.dur, d)
	in.amount = append(in.amount, req)
	in.succ = append(in.succ, succ)
	return nil
}
