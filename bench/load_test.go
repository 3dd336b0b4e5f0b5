package bench

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rehabplan/rehabplan/solver"
)

func open(t testing.TB, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestLoadJobShop(t *testing.T) {
	for _, c := range []struct {
		file               string
		jobs, machines     int
		task, machine, dur int // a known operation
	}{
		{"ft06", 6, 6, 0, 2, 1},       // job 0 op 0: machine 2, 1
		{"ft06", 6, 6, 11, 3, 4},      // job 1 op 5: machine 3, 4
		{"la01", 10, 5, 1, 0, 53},     // job 0 op 1: machine 0, 53
		{"la01", 10, 5, 5 + 4, 1, 71}, // job 1 op 4: machine 1, 71
	} {
		p, err := LoadJobShop(open(t, c.file))
		if err != nil {
			t.Fatal(c.file, err)
		}
		if len(p.Resources) != c.machines || len(p.Tasks) != c.jobs*c.machines || len(p.Precedences) != c.jobs*(c.machines-1) {
			t.Fatalf("%s: %d resources, %d tasks, %d precedences", c.file, len(p.Resources), len(p.Tasks), len(p.Precedences))
		}
		for _, r := range p.Resources {
			if r.Capacity != 1 || r.Calendar != nil {
				t.Fatalf("%s: resource %+v", c.file, r)
			}
		}
		tk := p.Tasks[c.task]
		if tk.Duration != c.dur || len(tk.Demands) != 1 || tk.Demands[0].Amount != 1 ||
			len(tk.Demands[0].Alternatives) != 1 || tk.Demands[0].Alternatives[0] != c.machine || tk.Group != -1 {
			t.Fatalf("%s: task %d = %+v", c.file, c.task, tk)
		}
		for _, pr := range p.Precedences {
			if pr.To != pr.From+1 || pr.MaxLag != -1 || pr.MinLag != 0 || pr.To%c.machines == 0 {
				t.Fatalf("%s: precedence %+v", c.file, pr)
			}
		}
		if p.Objective != (solver.Objective{Makespan: 1}) {
			t.Fatalf("objective %+v", p.Objective)
		}
	}
}

func TestLoadFlowShop(t *testing.T) {
	p, f, err := LoadFlowShop(open(t, "Ta001.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Jobs != 20 || f.Machines != 5 || f.Seed != 873654221 || f.UB != 1278 || f.LB != 1232 {
		t.Fatalf("header %+v", f)
	}
	if len(p.Tasks) != 100 || len(p.Resources) != 5 || len(p.Precedences) != 20*4 {
		t.Fatalf("%d tasks, %d resources, %d precedences", len(p.Tasks), len(p.Resources), len(p.Precedences))
	}
	// Row 2 (machine 1) column 2 (job 1) is 3; the last value (machine 4, job 19) 28.
	if f.P[1][1] != 3 || f.P[4][19] != 28 || f.P[0][0] != 54 {
		t.Fatalf("matrix %v", f.P)
	}
	if tk := p.Tasks[f.Task(1, 1)]; tk.Duration != 3 || tk.Demands[0].Alternatives[0] != 1 {
		t.Fatalf("task %+v", tk)
	}
	if tk := p.Tasks[f.Task(19, 4)]; tk.Duration != 28 || tk.Demands[0].Alternatives[0] != 4 {
		t.Fatalf("task %+v", tk)
	}
}

// permSchedule builds, independently of Makespan, the semi-active permutation
// schedule of perm as placements of the problem.
func permSchedule(f *FlowShop, perm []int) []solver.Placement {
	pl := make([]solver.Placement, f.Jobs*f.Machines)
	free := make([]int, f.Machines)
	for _, j := range perm {
		ready := 0
		for k := 0; k < f.Machines; k++ {
			s := max(ready, free[k])
			e := s + f.P[k][j]
			pl[f.Task(j, k)] = solver.Placement{Placed: true, Start: s, End: e, Choice: []int{k}}
			free[k], ready = e, e
		}
	}
	return pl
}

func TestFlowShopPermutation(t *testing.T) {
	p, f, err := LoadFlowShop(open(t, "Ta001.txt"))
	if err != nil {
		t.Fatal(err)
	}
	perm := []int{19, 3, 7, 0, 1, 2, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18}
	pl := permSchedule(f, perm)
	mk, err := Check(p, pl)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Makespan(perm); got != mk {
		t.Fatalf("Makespan %d, checked schedule %d", got, mk)
	}
	got, ok := f.PermutationOf(p, pl)
	if !ok || len(got) != len(perm) {
		t.Fatalf("PermutationOf = %v, %v", got, ok)
	}
	for i := range perm {
		if got[i] != perm[i] {
			t.Fatalf("PermutationOf = %v, want %v", got, perm)
		}
	}
	// Swap jobs 19 and 3 on the last machine only (keeping the machines and the
	// job routes feasible by shifting them late): no longer a permutation
	// schedule, which the problem's same-order rule forbids.
	a, b := f.Task(19, 4), f.Task(3, 4)
	end := mk
	pl[b].Start, pl[b].End = end, end+f.P[4][3]
	pl[a].Start, pl[a].End = pl[b].End, pl[b].End+f.P[4][19]
	if _, err := Check(p, pl); err == nil || !strings.Contains(err.Error(), "same order 0 (permutation): chains 3 and 19 are in opposite orders on two resources") {
		t.Fatalf("a non-permutation schedule passes the checker: %v", err)
	}
	// Without the rule the same schedule is a feasible (non-permutation) one.
	free := *p
	free.SameOrders = nil
	if _, err := Check(&free, pl); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.PermutationOf(p, pl); ok {
		t.Fatal("a non-permutation schedule is reported as a permutation")
	}
	for _, bad := range [][]int{nil, {0}, append(append([]int{}, perm[:19]...), perm[0])} {
		if f.Makespan(bad) != -1 {
			t.Fatalf("Makespan(%v) should be -1", bad)
		}
	}
	if _, ok := f.PermutationOf(p, pl[:10]); ok {
		t.Fatal("wrong size accepted")
	}
	// Two jobs, two machines: Johnson's example by hand.
	g := &FlowShop{Jobs: 2, Machines: 2, P: [][]int{{3, 1}, {2, 4}}}
	if g.Makespan([]int{0, 1}) != 9 || g.Makespan([]int{1, 0}) != 7 {
		t.Fatal(g.Makespan([]int{0, 1}), g.Makespan([]int{1, 0}))
	}
}

func TestLoadRCPSP(t *testing.T) {
	p, err := LoadRCPSP(open(t, "j301_1.sm"))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Tasks) != 32 || len(p.Resources) != 4 || len(p.Precedences) != 48 {
		t.Fatalf("%d tasks, %d resources, %d precedences", len(p.Tasks), len(p.Resources), len(p.Precedences))
	}
	for k, c := range []int{12, 13, 4, 12} {
		if r := p.Resources[k]; r.Capacity != c || r.Name != []string{"R1", "R2", "R3", "R4"}[k] {
			t.Fatalf("resource %d = %+v", k, r)
		}
	}
	if p.Tasks[0].Duration != 0 || p.Tasks[31].Duration != 0 || len(p.Tasks[0].Demands) != 0 || len(p.Tasks[31].Demands) != 0 {
		t.Fatalf("dummies %+v %+v", p.Tasks[0], p.Tasks[31])
	}
	// Job 2: duration 8, 4 of R1. Job 4: duration 6, 3 of R4.
	if tk := p.Tasks[1]; tk.Duration != 8 || len(tk.Demands) != 1 || tk.Demands[0].Amount != 4 || tk.Demands[0].Alternatives[0] != 0 {
		t.Fatalf("job 2 = %+v", tk)
	}
	if tk := p.Tasks[3]; tk.Duration != 6 || len(tk.Demands) != 1 || tk.Demands[0].Amount != 3 || tk.Demands[0].Alternatives[0] != 3 {
		t.Fatalf("job 4 = %+v", tk)
	}
	// Job 1's successors are 2, 3, 4; job 32 has none.
	var from1 []int
	for _, pr := range p.Precedences {
		if pr.MaxLag != -1 || pr.From == 31 {
			t.Fatalf("precedence %+v", pr)
		}
		if pr.From == 0 {
			from1 = append(from1, pr.To)
		}
	}
	if len(from1) != 3 || from1[0] != 1 || from1[1] != 2 || from1[2] != 3 {
		t.Fatalf("successors of job 1: %v", from1)
	}
}

func TestLoadBounds(t *testing.T) {
	for _, c := range []struct {
		file, name string
		want       Bound
	}{
		{"jobshop_bounds.csv", "ft06", Bound{55, 55, true}},
		{"jobshop_bounds.csv", "la01", Bound{666, 666, true}},
		{"flowshop_bounds.csv", "Ta001", Bound{1232, 1278, false}},
		{"j30_bounds.csv", "j301_1", Bound{43, 43, true}},
	} {
		m, err := LoadBounds(filepath.Join("testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		if m[c.name] != c.want {
			t.Fatalf("%s %s: %+v, want %+v", c.file, c.name, m[c.name], c.want)
		}
	}
	m, err := ReadBounds(strings.NewReader("instance,lb,ub,status\nj1201_1.sm,,105,open\nj1202_1.sm,87,87,optimal\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m["j1201_1"] != (Bound{0, 105, false}) || m["j1202_1"] != (Bound{87, 87, true}) {
		t.Fatal(m)
	}
}

func TestLoadErrors(t *testing.T) {
	js := func(s string) error { _, err := LoadJobShop(strings.NewReader(s)); return err }
	fs := func(s string) error { _, _, err := LoadFlowShop(strings.NewReader(s)); return err }
	rc := func(s string) error { _, err := LoadRCPSP(strings.NewReader(s)); return err }
	bd := func(s string) error { _, err := ReadBounds(strings.NewReader(s)); return err }
	sm, err := os.ReadFile(filepath.Join("testdata", "j301_1.sm"))
	if err != nil {
		t.Fatal(err)
	}
	j30 := string(sm)
	for _, c := range []struct {
		name string
		load func(string) error
		in   string
		want string
	}{
		{"js empty", js, "# only a comment\n", `line 2: expected the header "jobs machines", got end of input`},
		{"js header", js, "#c\n2 x\n", `line 2: number of machines: expected an integer, got "x"`},
		{"js header fields", js, "2 2 7\n", "line 1: expected the header"},
		{"js zero jobs", js, "0 2\n", "number of jobs: 0 is outside"},
		{"js short", js, "2 2\n0 1 1 2\n", "expected 2 job lines, found 1"},
		{"js pairs", js, "1 2\n0 1 1\n", "line 2: job 0: expected 4 integers (2 machine/duration pairs), got 3"},
		{"js machine", js, "1 2\n0 1 2 5\n", "line 2: job 0 operation 1 machine: 2 is outside [0, 1]"},
		{"js negative", js, "1 2\n0 1 1 -5\n", "line 2: job 0 operation 1 duration: -5 is outside"},
		{"js extra", js, "1 1\n0 1\n0 1\n", "line 3: unexpected data after the 1 job lines"},
		{"js huge", js, "1 2\n0 2147483647 1 2147483647\n", ""},
		{"fs header", fs, "\n", `line 2: expected the header "jobs machines`},
		{"fs row", fs, "3 2 1 2 3\n1 2 3\n4 5\n", "line 3: machine 1: expected 3 processing times (one per job), got 2"},
		{"fs rows", fs, "3 2\n1 2 3\n", "expected 2 machine lines of 3 processing times, found 1 lines"},
		{"fs value", fs, "2 1\n1 z\n", `line 2: machine 0 job 1 processing time: expected an integer, got "z"`},
		{"rc empty", rc, "", "number of jobs: no line starting with"},
		{"rc modes", rc, strings.Replace(j30, "   2        1          3           6  11  15", "   2        2          3           6  11  15", 1), "line 20: job 2 number of modes (only single-mode instances are supported): 2 is outside [1, 1]"},
		{"rc successors", rc, strings.Replace(j30, "   2        1          3           6  11  15", "   2        1          3           6  11", 1), "line 20: job 2: 3 successors announced, 2 listed"},
		{"rc successor range", rc, strings.Replace(j30, "   2        1          3           6  11  15", "   2        1          3           6  11  33", 1), "line 20: job 2 successor: 33 is outside [1, 32]"},
		{"rc request", rc, strings.Replace(j30, "  2      1     8       4    0    0    0", "  2      1     8      40    0    0    0", 1), "line 56: job 2 requests 40 of R1, whose availability is 12"},
		{"rc columns", rc, strings.Replace(j30, "  2      1     8       4    0    0    0", "  2      1     8       4    0    0", 1), "line 56: REQUESTS/DURATIONS: expected \"job mode duration\" and 4 requests, got 6 fields"},
		{"rc missing job", rc, strings.Replace(j30, "  2      1     8       4    0    0    0\n", "", 1), "line 86: REQUESTS/DURATIONS: expected 32 data lines, the section ends after 31"},
		{"rc cycle", rc, strings.Replace(j30, "  32        1          0        ", "  32        1          1           2", 1), "precedence cycle"},
		{"rc availability", rc, strings.Replace(j30, "   12   13    4   12", "   12   13    4", 1), "RESOURCEAVAILABILITIES: expected 4 availabilities"},
		{"bd header", bd, "name,ub\n", `line 1: expected "instance" and "ub"`},
		{"bd value", bd, "instance,ub\nft06,x\n", `line 2: ft06 ub: expected a non-negative integer, got "x"`},
		{"bd order", bd, "instance,lb,ub\nft06,9,5\n", "line 2: ft06: lower bound 9 above upper bound 5"},
		{"bd dup", bd, "instance,ub\nft06,5\nft06.txt,5\n", `line 3: instance "ft06" listed twice`},
		{"bd width", bd, "instance,ub\nft06,5,6\n", "line 2: wrong number of fields"},
	} {
		err := c.load(c.in)
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
		if !errors.As(err, &pe) {
			t.Errorf("%s: %T is not a *ParseError", c.name, err)
		}
	}
}
