package bench

import (
	"bytes"
	"context"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rehabplan/rehabplan/solver"
	"github.com/stretchr/testify/require"
)

func TestSolveFt06Checked(t *testing.T) {
	p, err := LoadJobShop(open(t, "ft06"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := solver.Solve(context.Background(), p, &solver.Settings{WorkLimit: 200, Workers: 1, TimeLimit: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	mk, err := Check(p, res.Placements)
	if err != nil {
		t.Fatal(err)
	}
	if mk < 55 || mk != res.Terms.Makespan {
		t.Fatalf("makespan %d (solver says %d); the optimum is 55", mk, res.Terms.Makespan)
	}
	t.Logf("ft06: %d in %d constructions", mk, res.Iterations)

	// The checker rejects what is wrong.
	bad := func(what string, change func(pl []solver.Placement), want string) {
		pl := make([]solver.Placement, len(res.Placements))
		copy(pl, res.Placements)
		change(pl)
		if _, err := Check(p, pl); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", what, err, want)
		}
	}
	bad("unplaced", func(pl []solver.Placement) { pl[3].Placed = false }, "task 3 (j0/o3) is not placed")
	bad("duration", func(pl []solver.Placement) { pl[3].End++ }, "lasts")
	bad("precedence", func(pl []solver.Placement) {
		// Start job 0's second operation at its first's start (same length kept).
		d := pl[1].End - pl[1].Start
		pl[1].Start = pl[0].Start
		pl[1].End = pl[1].Start + d
	}, "precedence 0")
	bad("choice", func(pl []solver.Placement) { pl[0].Choice = []int{5} }, "is not an alternative")
	bad("capacity", func(pl []solver.Placement) {
		// Move every task of machine 0 to start at 1000: they all overlap.
		for i := range p.Tasks {
			if p.Tasks[i].Demands[0].Alternatives[0] == 0 {
				d := pl[i].End - pl[i].Start
				pl[i].Start, pl[i].End = 1000, 1000+d
			}
		}
	}, "resource 0 (m0) holds")
	if _, err := Check(p, res.Placements[:5]); err == nil {
		t.Error("too few placements accepted")
	}
}

func TestCheckCumulative(t *testing.T) {
	p := &solver.Problem{Resources: []solver.Resource{{Name: "r", Capacity: 3}}}
	for _, a := range []int{2, 1, 1} {
		p.Tasks = append(p.Tasks, solver.Task{Duration: 2, Demands: []solver.Demand{{Alternatives: []int{0}, Amount: a}}})
	}
	pl := []solver.Placement{
		{Placed: true, Start: 0, End: 2, Choice: []int{0}},
		{Placed: true, Start: 1, End: 3, Choice: []int{0}},
		{Placed: true, Start: 2, End: 4, Choice: []int{0}}, // starts as task 0 ends: load 2
	}
	if mk, err := Check(p, pl); err != nil || mk != 4 {
		t.Fatal(mk, err)
	}
	pl[2].Start, pl[2].End = 1, 3
	if _, err := Check(p, pl); err == nil || !strings.Contains(err.Error(), "holds 4 units at 1, capacity 3") {
		t.Fatal(err)
	}
}

var lastLine = regexp.MustCompile(`^mean gap -?\d+\.\d\d% over \d+ instances$`)

func TestRun(t *testing.T) {
	set := Settings{WorkLimit: 30, Workers: 2, TimeLimit: 20 * time.Second}
	for _, c := range []struct {
		family string
		files  []string
		bounds string
	}{
		{FamilyJobShop, []string{"ft06", "la01"}, "jobshop_bounds.csv"},
		{FamilyFlowShop, []string{"Ta001.txt"}, "flowshop_bounds.csv"},
		{"j30", []string{"j301_1.sm"}, "j30_bounds.csv"},
		{FamilyRCPSP, []string{"small.rcp"}, "small_bounds.csv"},
	} {
		bounds, err := LoadBounds(filepath.Join("testdata", c.bounds))
		if err != nil {
			t.Fatal(err)
		}
		var files []string
		for _, f := range c.files {
			files = append(files, filepath.Join("testdata", f))
		}
		var out bytes.Buffer
		rows, err := Run(context.Background(), c.family, files, bounds, set, &out)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s:\n%s", c.family, out.String())
		lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
		last := lines[len(lines)-1]
		if !lastLine.MatchString(last) || !strings.HasSuffix(last, " over "+itoa(len(c.files))+" instances") {
			t.Fatalf("last line %q", last)
		}
		if len(lines) != len(c.files)+2 {
			t.Fatalf("%d lines: %q", len(lines), lines)
		}
		for i, r := range rows {
			if !r.Verified || r.Name != InstanceName(c.files[i]) || r.BestKnown == 0 || r.Found < r.BestKnown ||
				r.FirstFound < r.Found || math.IsNaN(r.GapPct) || r.SecondsToBest < 0 {
				t.Fatalf("row %+v", r)
			}
			want := float64(r.Found-r.BestKnown) / float64(r.BestKnown) * 100
			if math.Abs(r.GapPct-want) > 1e-9 {
				t.Fatalf("gap %v, want %v", r.GapPct, want)
			}
			if c.family == FamilyFlowShop && (!r.Permutation || r.PermutationMakespan != r.Found || strings.Contains(r.Note, "not a permutation")) {
				t.Fatalf("flow-shop row %+v", r)
			}
		}
	}
}

func TestRunNoBoundAndErrors(t *testing.T) {
	var out bytes.Buffer
	rows, err := Run(context.Background(), FamilyJobShop, []string{filepath.Join("testdata", "ft06")}, nil,
		Settings{WorkLimit: 5, Workers: 1}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(rows[0].GapPct) || !rows[0].Verified || !strings.Contains(rows[0].Note, "no best-known value") {
		t.Fatalf("%+v", rows[0])
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if last := lines[len(lines)-1]; last != "mean gap 0.00% over 0 instances" {
		t.Fatalf("last line %q", last)
	}
	if _, err := Run(context.Background(), "openshop", nil, nil, Settings{}, &out); err == nil {
		t.Fatal("unknown family accepted")
	}
	if _, err := Run(context.Background(), FamilyRCPSP, []string{filepath.Join("testdata", "ft06")}, nil, Settings{}, &out); err == nil ||
		!strings.Contains(err.Error(), "ft06") {
		t.Fatalf("loading a job shop as an RCPSP: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out.Reset()
	rows, err = Run(ctx, FamilyJobShop, []string{filepath.Join("testdata", "ft06")}, nil, Settings{}, &out)
	if err != context.Canceled || len(rows) != 0 || !strings.HasSuffix(out.String(), "mean gap 0.00% over 0 instances\n") {
		t.Fatalf("cancelled: %v %v %q", err, rows, out.String())
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// j3013_1 (optimum 58) is one the construction and the large-neighbourhood search
// alone left at 60-61: the genetic search must reach the optimum within a work
// limit, the same schedule for the same seed, accepted by the checker. (With the
// population of 150 and both workers on lists, 20,000 reaches it for seeds 2
// and 3, 30,000 for 1-3; 40,000 leaves a margin.)
func TestRCPSPReachesOptimum(t *testing.T) {
	p, err := LoadRCPSP(open(t, "j3013_1.sm"))
	require.NoError(t, err)
	var first []solver.Placement
	for i := 0; i < 2; i++ {
		res, err := solver.Solve(context.Background(), p, &solver.Settings{WorkLimit: 40000, Workers: 2, Seed: 1, TimeLimit: time.Minute})
		require.NoError(t, err)
		mk, err := Check(p, res.Placements)
		require.NoError(t, err)
		require.Equal(t, 58, mk)
		if i == 0 {
			first = res.Placements
		} else {
			require.Equal(t, first, res.Placements)
		}
	}
}
