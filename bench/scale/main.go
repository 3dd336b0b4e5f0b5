// Command scale measures how rehabplan grows with the size of an operation: for
// generated operations of N dwellings it prints the time to a first complete plan
// and the peak memory of the whole `rehabplan solve` (a child process, its maximum
// resident set from getrusage), the plan's quality after longer searches (gap of the
// end to the lower bound, mean disturbed days per occupied dwelling), the time and
// memory of a replan after a delivery slip, and the growth exponent of the first
// plan's time between consecutive sizes and over all of them (least squares on
// the logarithms).
//
//	go run ./bench/scale [--sizes 100,300,1000,3000] [--quality 10s,60s] [--seed 7] [--visits --heating --snags N]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rehabplan/rehabplan/bench"
	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

func main() {
	sizes := flag.String("sizes", "100,300,1000,3000", "dwellings per operation")
	quality := flag.String("quality", "10s,60s", "search times of the quality columns (empty: none)")
	seed := flag.Int64("seed", 7, "generator seed")
	bin := flag.String("bin", "", "the rehabplan binary (default: built from this module)")
	var practices gen.Options
	flag.BoolVar(&practices.Visits, "visits", false, "generate the pilot's diagnostic meetings and surveys (gen --visits)")
	flag.BoolVar(&practices.Heating, "heating", false, "make the plumbers' day cut heating (gen --heating)")
	flag.IntVar(&practices.Snags, "snags", 0, "return visits for the first N acceptance visits (gen --snags)")
	flag.Parse()
	if err := run(*sizes, *quality, *seed, *bin, practices); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

type childRun struct {
	wall   time.Duration
	search time.Duration
	rssMB  float64
}

var searchRE = regexp.MustCompile(`search: \w[\w ]* after ([0-9.]+)(ms|s)`)

// child runs the binary and measures its wall time and peak resident set.
func child(bin string, args ...string) (childRun, error) {
	cmd := exec.Command(bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	t0 := time.Now()
	err := cmd.Run()
	r := childRun{wall: time.Since(t0)}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.rssMB = float64(ru.Maxrss) / 1024
		}
	}
	if err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
			return r, fmt.Errorf("%s %v: %v\n%s", bin, args, err, stderr.String())
		}
	}
	if m := searchRE.FindStringSubmatch(stderr.String()); m != nil {
		v, _ := strconv.ParseFloat(m[1], 64)
		if m[2] == "ms" {
			v /= 1000
		}
		r.search = time.Duration(v * float64(time.Second))
	}
	return r, nil
}

func run(sizesS, qualityS string, seed int64, bin string, practices gen.Options) error {
	dir, err := os.MkdirTemp("", "rehabplan-scale")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if bin == "" {
		bin = filepath.Join(dir, "rehabplan")
		if out, err := exec.Command("go", "build", "-o", bin, "./cmd/rehabplan").CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
	}
	var sizes []int
	for _, s := range strings.Split(sizesS, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return fmt.Errorf("--sizes: %q", s)
		}
		sizes = append(sizes, n)
	}
	var limits []time.Duration
	for _, s := range strings.Split(qualityS, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("--quality: %v", err)
		}
		limits = append(limits, d)
	}
	fmt.Printf("%6s %7s %9s %9s %8s", "dwell.", "tasks", "first s", "search s", "peak MB")
	for _, l := range limits {
		fmt.Printf(" %8s %8s", "gap@"+l.String(), "days@"+l.String())
	}
	fmt.Printf(" %9s %9s %7s\n", "replan s", "replan MB", "growth")
	var ns, firsts []float64 // dwellings and first s of the sizes done
	for _, n := range sizes {
		p := gen.Generate(gen.Options{Dwellings: n, Seed: seed, Visits: practices.Visits, Heating: practices.Heating, Snags: practices.Snags})
		pf := filepath.Join(dir, fmt.Sprintf("p%d.json", n))
		plf := filepath.Join(dir, fmt.Sprintf("plan%d.json", n))
		b, _ := json.Marshal(p)
		if err := os.WriteFile(pf, b, 0o644); err != nil {
			return err
		}
		first, err := child(bin, "solve", pf, "-o", plf, "--work-limit", "1", "--workers", "1")
		if err != nil {
			return err
		}
		fmt.Printf("%6d %7d %9.2f %9.2f %8.0f", n, len(p.Interventions), first.wall.Seconds(), first.search.Seconds(), first.rssMB)
		for _, l := range limits {
			res, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{TimeLimit: l})
			if err != nil {
				return err
			}
			days := "-"
			if sum := scheduler.Summarize(p, res.Plan); sum != nil {
				days = fmt.Sprintf("%.1f", sum.DisturbedMean)
			}
			fmt.Printf(" %7.1f%% %8s", res.GapPct, days)
		}
		// a delivery slips three weeks, a week before it was due
		d := p.Deliveries[len(p.Deliveries)-1]
		exp := p.Typed().Deliveries()[len(p.Deliveries)-1].Expected.V
		ev := model.Events{Format: model.EventsFormat, Events: []model.Event{{ID: "slip", Type: model.EventDeliverySlipped,
			Delivery: d.ID, Expected: exp.AddDate(0, 0, 21).Format("2006-01-02T15:04")}}}
		evf := filepath.Join(dir, fmt.Sprintf("ev%d.json", n))
		b, _ = json.Marshal(ev)
		if err := os.WriteFile(evf, b, 0o644); err != nil {
			return err
		}
		rp, err := child(bin, "replan", pf, plf, evf, "--now", exp.AddDate(0, 0, -7).Format(time.RFC3339),
			"-o", filepath.Join(dir, fmt.Sprintf("new%d.json", n)), "--work-limit", "1", "--workers", "1")
		if err != nil {
			return err
		}
		ns, firsts = append(ns, float64(n)), append(firsts, first.wall.Seconds())
		growth := "-"
		if k := len(ns); k >= 2 {
			growth = fmt.Sprintf("%.2f", bench.GrowthExponent(ns[k-2:], firsts[k-2:]))
		}
		fmt.Printf(" %9.2f %9.0f %7s\n", rp.wall.Seconds(), rp.rssMB, growth)
	}
	if len(ns) > 2 {
		fmt.Printf("growth of first s over all sizes (least squares on the logarithms): %.2f\n", bench.GrowthExponent(ns, firsts))
	}
	fmt.Println("first s and replan s: the whole command (decode, validate, compile, search, verify, write); search s: the search alone; growth: exponent of first s between this size and the previous one (1.0 is linear)")
	return nil
}
