package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/rehabplan/rehabplan/solver"
)

func TestLoadPatterson(t *testing.T) {
	p, err := LoadPatterson(open(t, "small.rcp"))
	if err != nil {
		t.Fatal(err)
	}
	// R3 (availability 0, never requested) is left out.
	if len(p.Tasks) != 6 || len(p.Resources) != 2 || len(p.Precedences) != 7 {
		t.Fatalf("%d tasks, %d resources, %d precedences", len(p.Tasks), len(p.Resources), len(p.Precedences))
	}
	if p.Resources[0] != (solver.Resource{Name: "R1", Capacity: 4}) || p.Resources[1] != (solver.Resource{Name: "R2", Capacity: 2}) {
		t.Fatalf("resources %+v", p.Resources)
	}
	for _, c := range []struct {
		task, dur int
		demands   []solver.Demand
		succ      []int
	}{
		{0, 0, nil, []int{1, 2, 3}},
		{1, 3, []solver.Demand{{Alternatives: []int{0}, Amount: 2}, {Alternatives: []int{1}, Amount: 1}}, []int{4}},
		{2, 2, []solver.Demand{{Alternatives: []int{0}, Amount: 4}}, []int{5}}, // the record split over two lines
		{3, 4, []solver.Demand{{Alternatives: []int{0}, Amount: 1}, {Alternatives: []int{1}, Amount: 2}}, []int{5}},
		{4, 1, nil, []int{5}},
		{5, 0, nil, nil},
	} {
		tk := p.Tasks[c.task]
		if tk.Name != fmt.Sprintf("job%d", c.task+1) || tk.Duration != c.dur || !reflect.DeepEqual(tk.Demands, c.demands) {
			t.Errorf("task %d = %+v", c.task, tk)
		}
		var succ []int
		for _, pr := range p.Precedences {
			if pr.MaxLag != -1 {
				t.Fatalf("precedence %+v", pr)
			}
			if pr.From == c.task {
				succ = append(succ, pr.To)
			}
		}
		if !reflect.DeepEqual(succ, c.succ) {
			t.Errorf("successors of task %d: %v, want %v", c.task, succ, c.succ)
		}
	}
	// The optimum, 9, is reached and checked.
	res, err := solver.Solve(context.Background(), p, &solver.Settings{WorkLimit: 200, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if mk, err := Check(p, res.Placements); err != nil || mk != 9 {
		t.Fatalf("makespan %d, %v", mk, err)
	}
}

// patterson writes an RCPSP problem as LoadRCPSP builds it (one resource per
// demand, every resource kept) in Patterson's format.
func patterson(p *solver.Problem) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %d\n", len(p.Tasks), len(p.Resources))
	for _, r := range p.Resources {
		fmt.Fprintf(&b, " %d", r.Capacity)
	}
	b.WriteString("\n")
	for i, tk := range p.Tasks {
		req := make([]int, len(p.Resources))
		for _, d := range tk.Demands {
			req[d.Alternatives[0]] = d.Amount
		}
		var succ []string
		for _, pr := range p.Precedences {
			if pr.From == i {
				succ = append(succ, fmt.Sprint(pr.To+1))
			}
		}
		fmt.Fprintf(&b, "%d %s %d %s\n", tk.Duration, strings.Trim(fmt.Sprint(req), "[]"), len(succ), strings.Join(succ, " "))
	}
	return b.String()
}

// The same instance in both formats gives the same problem, whichever way
// LoadRCPSPFile tells the format.
func TestPattersonMatchesSM(t *testing.T) {
	for _, name := range []string{"j301_1.sm", "j3013_1.sm"} {
		want, err := LoadRCPSP(open(t, name))
		if err != nil {
			t.Fatal(err)
		}
		text := patterson(want)
		for _, file := range []string{"x.rcp", "x.RCP", "x.txt", "x"} {
			got, err := LoadRCPSPFile(file, strings.NewReader(text))
			if err != nil {
				t.Fatal(name, file, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s read as %s differs", name, file)
			}
		}
		// A .sm file under another name is told by its content.
		got, err := LoadRCPSPFile("x.dat", open(t, name))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s as x.dat: %v", name, err)
		}
	}
	// The extension wins over the content.
	if _, err := LoadRCPSPFile("x.sm", open(t, "small.rcp")); err == nil {
		t.Fatal("a .rcp content named .sm was read as Patterson's")
	}
}

func TestLoadPattersonErrors(t *testing.T) {
	const ok = "3 1\n4\n0 0 1 2\n2 3 1 3\n0 0 0\n"
	if _, err := LoadPatterson(strings.NewReader(ok)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, in, want string }{
		{"empty", "", "line 1: number of jobs: expected an integer, got end of input"},
		{"zero jobs", "0 1\n4\n", "line 1: number of jobs: 0 is outside [1, "},
		{"resources", "3 x\n", `line 1: number of resources: expected an integer, got "x"`},
		{"too many jobs", "1000000000 1\n4\n0 0 0\n", "line 4: 1000000000 jobs and 1 resources announced but only 4 numbers follow the header"},
		{"availability", "3 1\n-4\n0 0 1 2\n2 3 1 3\n0 0 0\n", "line 2: availability of R1: -4 is outside"},
		{"duration", "3 1\n4\n0 0 1 2\n2.5 3 1 3\n0 0 0\n", `line 4: job 2 duration: expected an integer, got "2.5"`},
		{"request", "3 1\n4\n0 0 1 2\n2 5 1 3\n0 0 0\n", "line 4: job 2 requests 5 of R1, whose availability is 4"},
		{"successor count", "3 1\n4\n0 0 1 2\n2 3 4 3\n0 0 0\n", "line 4: job 2 number of successors: 4 is outside [0, 3]"},
		{"successor range", "3 1\n4\n0 0 1 2\n2 3 1 4\n0 0 0\n", "line 4: job 2 successor: 4 is outside [1, 3]"},
		{"self", "3 1\n4\n0 0 1 2\n2 3 1 2\n0 0 0\n", "line 4: job 2 is its own successor"},
		{"short", "3 1\n4\n0 0 1 2\n2 3 1 3\n0 0\n", "line 6: job 3 number of successors: expected an integer, got end of input"},
		{"extra", ok + "7\n", `line 6: unexpected data "7" after the 3 jobs`},
		{"cycle", "3 1\n4\n0 0 1 2\n2 3 1 3\n0 0 1 2\n", "precedence cycle"},
		{"wrapped", "3 1\n4\n0 0 1\n2\n2 3\n1 3 0 0 0", ""},
	} {
		_, err := LoadPatterson(strings.NewReader(c.in))
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
			continue
		}
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Format != "rcp" {
			t.Errorf("%s: %T %v is not an rcp *ParseError", c.name, err, err)
		}
	}
}

func FuzzLoadPatterson(f *testing.F) {
	seed(f, "small.rcp")
	for _, s := range []string{"", "1 0\n\n0 0\n", "3 1\n4\n0 0 1 2\n2 3 1 3\n0 0 0\n", "2 1 1 0 0 1 2 5 1 0\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := LoadPatterson(bytes.NewReader(b))
		if !loaded(t, err, func() error { return p.Validate() }) {
			return
		}
		for i, tk := range p.Tasks {
			for _, d := range tk.Demands {
				if d.Amount <= 0 || len(d.Alternatives) != 1 || d.Amount > p.Resources[d.Alternatives[0]].Capacity {
					t.Fatalf("task %d demand %+v", i, d)
				}
			}
		}
		// Written back and read again, the problem is the same (when no resource
		// was left out, so that names and indexes agree).
		for k, r := range p.Resources {
			if r.Name != fmt.Sprintf("R%d", k+1) {
				return
			}
		}
		q, err := LoadPatterson(strings.NewReader(patterson(p)))
		if err != nil || !reflect.DeepEqual(p, q) {
			t.Fatalf("written back: %v", err)
		}
	})
}
