package bench

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/rehabplan/rehabplan/solver"
)

// Row is the result of one instance.
type Row struct {
	Name string
	// BestKnown is the best-known makespan (the bound's UB); 0 when unknown.
	BestKnown int
	// Found is the makespan of the schedule returned, as the checker measures it.
	Found int
	// GapPct is (Found - BestKnown) / BestKnown * 100; NaN when there is no best
	// known value or no verified complete schedule.
	GapPct float64
	// SecondsToBest is when the solver first reached the score it returned.
	SecondsToBest float64
	// FirstFound is the makespan of the first complete schedule (0 if none).
	FirstFound int
	// Verified says the checker accepted the schedule (complete and feasible) and
	// measured the makespan the solver reported.
	Verified bool
	// Flow-shop only: Permutation says the schedule has the same job order on every
	// machine; PermutationMakespan is the makespan of the semi-active permutation
	// schedule of its job order on machine 0 (at most Found for a permutation
	// schedule; either way for another, since the solver's schedule need not be
	// semi-active).
	Permutation         bool
	PermutationMakespan int
	// Note says what is special: no bound, why the schedule is rejected, the
	// permutation status.
	Note string
}

// Families Run knows ("j30" and "j120" are also accepted for FamilyRCPSP).
const (
	FamilyJobShop  = "jobshop"
	FamilyFlowShop = "flowshop"
	FamilyRCPSP    = "rcpsp"
)

func knownFamily(f string) bool {
	switch f {
	case FamilyJobShop, FamilyFlowShop, FamilyRCPSP, "j30", "j120":
		return true
	}
	return false
}

// load reads one instance of a family ("jobshop", "flowshop", "rcpsp"; "j30" and
// "j120" are "rcpsp", read as .sm or .rcp by LoadRCPSPFile from the file's name
// or content).
func load(family, name string, r io.Reader) (*solver.Problem, *FlowShop, error) {
	switch family {
	case FamilyJobShop:
		p, err := LoadJobShop(r)
		return p, nil, err
	case FamilyFlowShop:
		return LoadFlowShop(r)
	case FamilyRCPSP, "j30", "j120":
		p, err := LoadRCPSPFile(name, r)
		return p, nil, err
	}
	return nil, nil, fmt.Errorf("bench: unknown family %q (want jobshop, flowshop, rcpsp, j30 or j120)", family)
}

// Settings tune the solver for a benchmark run; the zero value is the solver's
// defaults (10 s, seed 0, every core, no work limit).
type Settings struct {
	// TimeLimit per instance: 0 is the solver's 10 s, NoTimeLimit none (for a
	// run the work limit ends).
	TimeLimit time.Duration
	// WorkLimit bounds the schedules built per instance: with it a run is
	// deterministic for a seed, as long as the time limit is not reached first.
	WorkLimit int
	Seed      int64
	Workers   int
}

// NoTimeLimit is a time limit that never cuts a run (the longest duration):
// with a work limit, the run ends on it whatever the load of the machine.
const NoTimeLimit = time.Duration(math.MaxInt64)

// Run solves each instance file of a family with solver.Solve and settings set,
// re-checks each schedule with Check,
// and writes one aligned row per instance to out, then, as the last line,
// "mean gap X.XX% over N instances": the mean of GapPct over the N rows that have
// a best-known value and a verified schedule. Rows left out of the mean are listed
// on the line before. bounds may be nil; instances are looked up by InstanceName.
//
// A file that cannot be read or loaded, or a problem the solver refuses, stops the
// run with an error. A cancelled ctx stops it after the current instance, with
// the mean line written over the rows done, and ctx.Err().
func Run(ctx context.Context, family string, files []string, bounds map[string]Bound, set Settings, out io.Writer) ([]Row, error) {
	if !knownFamily(family) {
		return nil, fmt.Errorf("bench: unknown family %q (want jobshop, flowshop, rcpsp, j30 or j120)", family)
	}
	width := len("instance")
	for _, f := range files {
		width = max(width, len(InstanceName(f)))
	}
	fmt.Fprintf(out, "%-*s %10s %10s %8s %8s %10s  %s\n", width, "instance", "best", "found", "gap%", "t_best_s", "first", "note")
	var rows []Row
	var err error
	for _, f := range files {
		if err = ctx.Err(); err != nil {
			break
		}
		var row Row
		row, err = runOne(ctx, family, f, bounds, set)
		if err != nil {
			return rows, err
		}
		rows = append(rows, row)
		gap := "-"
		if !math.IsNaN(row.GapPct) {
			gap = fmt.Sprintf("%.2f", row.GapPct)
		}
		fmt.Fprintf(out, "%-*s %10d %10d %8s %8.2f %10d  %s\n", width, row.Name, row.BestKnown, row.Found, gap, row.SecondsToBest, row.FirstFound, row.Note)
	}
	sum, n := 0.0, 0
	var left []string
	for _, r := range rows {
		if math.IsNaN(r.GapPct) {
			left = append(left, r.Name)
			continue
		}
		sum += r.GapPct
		n++
	}
	if len(left) > 0 {
		fmt.Fprintf(out, "left out of the mean (no best-known value or no verified schedule): %s\n", strings.Join(left, " "))
	}
	mean := 0.0
	if n > 0 {
		mean = sum / float64(n)
	}
	fmt.Fprintf(out, "mean gap %.2f%% over %d instances\n", mean, n)
	return rows, err
}

func runOne(ctx context.Context, family, file string, bounds map[string]Bound, bs Settings) (Row, error) {
	set := solver.Settings{TimeLimit: bs.TimeLimit, WorkLimit: bs.WorkLimit, Seed: bs.Seed, Workers: bs.Workers}
	row := Row{Name: InstanceName(file), GapPct: math.NaN()}
	fh, err := os.Open(file)
	if err != nil {
		return row, err
	}
	p, fs, err := load(family, file, fh)
	fh.Close()
	if err != nil {
		return row, fmt.Errorf("%s: %w", file, err)
	}
	b, hasBound := bounds[row.Name]
	if hasBound {
		row.BestKnown = b.UB
	}

	type seen struct {
		at    time.Duration
		score solver.Score
	}
	var mu sync.Mutex
	var hist []seen
	first := -1
	set.Progress = func(pr solver.Progress) {
		mu.Lock()
		hist = append(hist, seen{pr.Elapsed, pr.Score})
		if first < 0 && pr.Score.Hard == 0 && pr.Score.Unplaced == 0 {
			first = int(math.Round(pr.Score.Soft))
		}
		mu.Unlock()
	}
	res, err := solver.Solve(ctx, p, &set)
	if err != nil {
		return row, fmt.Errorf("%s: %w", file, err)
	}
	mu.Lock()
	for _, h := range hist {
		if !h.score.Less(res.Score) && !res.Score.Less(h.score) {
			row.SecondsToBest = h.at.Seconds()
			break
		}
	}
	row.FirstFound = max(first, 0)
	mu.Unlock()

	var notes []string
	mk, cerr := Check(p, res.Placements)
	row.Found = mk
	switch {
	case cerr != nil:
		notes = append(notes, "INVALID: "+strings.ReplaceAll(cerr.Error(), "\n", "; "))
	case res.Score.Hard != 0 || res.Score.Unplaced != 0:
		notes = append(notes, fmt.Sprintf("INVALID: checker accepts it but the solver scores it %v", res.Score))
	case mk != res.Terms.Makespan:
		notes = append(notes, fmt.Sprintf("INVALID: checker measures makespan %d, solver %d", mk, res.Terms.Makespan))
	default:
		row.Verified = true
	}
	if !hasBound || b.UB <= 0 {
		notes = append(notes, "no best-known value")
	} else if row.Verified {
		row.GapPct = float64(row.Found-b.UB) / float64(b.UB) * 100
	}
	if fs != nil && cerr == nil {
		perm, ok := fs.PermutationOf(p, res.Placements)
		row.Permutation = ok
		if perm != nil {
			row.PermutationMakespan = fs.Makespan(perm)
		}
		if ok {
			notes = append(notes, "permutation")
		} else {
			notes = append(notes, fmt.Sprintf("not a permutation (machine-0 order as a permutation: %d)", row.PermutationMakespan))
		}
	}
	if res.Stop == solver.StopCancelled {
		notes = append(notes, "cancelled")
	}
	row.Note = strings.Join(notes, "; ")
	return row, nil
}
