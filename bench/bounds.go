package bench

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Bound is what is known of an instance's optimum: LB <= optimum <= UB. LB is 0
// when no lower bound is given. Optimal says the optimum is known to be UB.
type Bound struct {
	LB, UB  int
	Optimal bool
}

// InstanceName is the name of an instance file: its base name without extension
// ("ft06", "Ta001", "j301_1").
func InstanceName(path string) string {
	b := filepath.Base(path)
	return strings.TrimSuffix(b, filepath.Ext(b))
}

// LoadBounds reads a bounds.csv of the benchmark folders, keyed by instance name
// (InstanceName of the instance column, so "j301_1.sm" is "j301_1"). It finds its
// columns by header:
//
//   - instance: "instance";
//   - upper bound: "ub", else "ub_best_known";
//   - lower bound (may be empty): "lb", else "lb_taillard1993_trivial";
//   - optimality (optional): "status", "optimal" meaning proven optimal. Without
//     it, a row is optimal when LB = UB.
//
// So it reads the job-shop (instance,jobs,machines,lb,ub,status,...), flow-shop
// (instance,jobs,machines,seed,lb_taillard1993_trivial,ub_best_known) and PSPLIB
// (instance,lb,ub,status) files.
func LoadBounds(path string) (map[string]Bound, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := ReadBounds(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// ReadBounds is LoadBounds on a reader.
func ReadBounds(r io.Reader) (map[string]Bound, error) {
	const format = "bounds"
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0 // every row as wide as the header
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errf(format, 1, "expected a header line, got end of input")
	}
	if err != nil {
		return nil, csvError(err)
	}
	col := func(names ...string) int {
		for _, n := range names {
			for i, h := range header {
				if strings.EqualFold(strings.TrimSpace(h), n) {
					return i
				}
			}
		}
		return -1
	}
	ci, cu, cl, cs := col("instance"), col("ub", "ub_best_known"), col("lb", "lb_taillard1993_trivial"), col("status")
	if ci < 0 || cu < 0 {
		return nil, errf(format, 1, `expected "instance" and "ub" (or "ub_best_known") columns in the header, got %q`, strings.Join(header, ","))
	}
	out := map[string]Bound{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		no, _ := cr.FieldPos(0)
		name := InstanceName(strings.TrimSpace(rec[ci]))
		if name == "" {
			return nil, errf(format, no, "empty instance name")
		}
		if _, dup := out[name]; dup {
			return nil, errf(format, no, "instance %q listed twice", name)
		}
		num := func(c int, what string, empty bool) (int, error) {
			s := strings.TrimSpace(rec[c])
			if s == "" && empty {
				return 0, nil
			}
			v, err := strconv.Atoi(s)
			if err != nil || v < 0 {
				return 0, errf(format, no, "%s %s: expected a non-negative integer, got %q", name, what, s)
			}
			return v, nil
		}
		var b Bound
		if b.UB, err = num(cu, header[cu], false); err != nil {
			return nil, err
		}
		if cl >= 0 {
			if b.LB, err = num(cl, header[cl], true); err != nil {
				return nil, err
			}
		}
		if b.LB > b.UB {
			return nil, errf(format, no, "%s: lower bound %d above upper bound %d", name, b.LB, b.UB)
		}
		if cs >= 0 {
			b.Optimal = strings.EqualFold(strings.TrimSpace(rec[cs]), "optimal")
		} else {
			b.Optimal = b.LB == b.UB
		}
		out[name] = b
	}
	return out, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return errf("bounds", pe.Line, "%v", pe.Err)
	}
	return errf("bounds", 0, "%v", err)
}
