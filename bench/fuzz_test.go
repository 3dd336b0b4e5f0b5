package bench

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func seed(f *testing.F, files ...string) {
	for _, name := range files {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// loaded checks what every loader promises: a *ParseError, or a problem the solver
// accepts.
func loaded(t *testing.T, err error, validate func() error) bool {
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("%T %v is not a *ParseError", err, err)
		}
		return false
	}
	if err := validate(); err != nil {
		t.Fatalf("loaded problem is invalid: %v", err)
	}
	return true
}

func FuzzLoadJobShop(f *testing.F) {
	seed(f, "ft06", "la01")
	for _, s := range []string{"", "1 1\n0 5\n", "# c\n2 2\n0 1 1 2\n1 3 0 4\n", "2 1\n0 0\n0 -1\n", "1 2\n1 4 1 4\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := LoadJobShop(bytes.NewReader(b))
		if !loaded(t, err, func() error { return p.Validate() }) {
			return
		}
		if len(p.Tasks) == 0 || len(p.Resources) == 0 || len(p.Tasks)%len(p.Resources) != 0 {
			t.Fatalf("%d tasks, %d resources", len(p.Tasks), len(p.Resources))
		}
	})
}

func FuzzLoadFlowShop(f *testing.F) {
	seed(f, "Ta001.txt")
	for _, s := range []string{"", "2 2\n1 2\n3 4\n", "1 1 0 0 0\n7\n", "3 1\n0 0 0\n", "2 2 1 2 3 4\n1 2\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, fs, err := LoadFlowShop(bytes.NewReader(b))
		if !loaded(t, err, func() error { return p.Validate() }) {
			return
		}
		if len(p.Tasks) != fs.Jobs*fs.Machines || len(fs.P) != fs.Machines {
			t.Fatalf("%d tasks for %d x %d", len(p.Tasks), fs.Jobs, fs.Machines)
		}
		if len(p.Tasks) > 10000 {
			return
		}
		// The identity permutation's schedule passes the checker with the makespan
		// Makespan computes, and reads back as the identity when times are positive.
		perm := make([]int, fs.Jobs)
		for j := range perm {
			perm[j] = j
		}
		pl := permSchedule(fs, perm)
		mk, err := Check(p, pl)
		if err != nil || mk != fs.Makespan(perm) {
			t.Fatalf("identity: checker %d %v, Makespan %d", mk, err, fs.Makespan(perm))
		}
		if _, ok := fs.PermutationOf(p, pl); !ok && positive(fs) {
			t.Fatal("identity schedule not read as a permutation")
		}
	})
}

func positive(fs *FlowShop) bool {
	for _, row := range fs.P {
		for _, v := range row {
			if v <= 0 {
				return false
			}
		}
	}
	return true
}

func FuzzLoadRCPSP(f *testing.F) {
	seed(f, "j301_1.sm")
	f.Add([]byte(""))
	f.Add([]byte("jobs (incl. supersource/sink ):  2\n- renewable : 1\n- nonrenewable : 0\n- doubly constrained : 0\n" +
		"PRECEDENCE RELATIONS:\n1 1 1 2\n2 1 0\nREQUESTS/DURATIONS:\n1 1 0 0\n2 1 3 1\nRESOURCEAVAILABILITIES:\n R 1\n 1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := LoadRCPSP(bytes.NewReader(b))
		if !loaded(t, err, func() error { return p.Validate() }) {
			return
		}
		for i, tk := range p.Tasks {
			for _, d := range tk.Demands {
				if d.Amount <= 0 || len(d.Alternatives) != 1 {
					t.Fatalf("task %d demand %+v", i, d)
				}
			}
		}
	})
}
