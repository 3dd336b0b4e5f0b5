package scheduler_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/rehabplan/rehabplan/constraints"
	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// cpuLoop runs f b.N times and reports the CPU time per run beside the wall
// time (steadier on a shared machine) and the allocations.
func cpuLoop(b *testing.B, f func()) {
	b.ReportAllocs()
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	for b.Loop() {
		f()
	}
	b.ReportMetric(float64(cpu()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// BenchmarkFirstPlan1000: the first plan of a generated 1,000-dwelling operation
// (`gen --dwellings 1000 --seed 7`, then with every practice on), as `rehabplan
// solve --work-limit 1 --workers 1` makes it after the decode: the whole
// scheduler.Solve, then its phases alone (the validation, the stays planning,
// the stays applied, the compile, the verification of the plan).
func BenchmarkFirstPlan1000(b *testing.B) {
	for _, o := range []struct {
		name string
		opts gen.Options
	}{
		{"default", gen.Options{Dwellings: 1000, Seed: 7}},
		{"every practice", gen.Options{Dwellings: 1000, Seed: 7, Visits: true, Heating: true, Snags: 20}},
	} {
		p := gen.Generate(o.opts)
		if err := model.Validate(p); err != nil {
			b.Fatal(err)
		}
		var res *scheduler.Result
		b.Run(o.name+"/solve", func(b *testing.B) {
			cpuLoop(b, func() {
				var err error
				res, err = scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 1, Workers: 1})
				if err != nil || res.Status != scheduler.StatusComplete {
					b.Fatal(err, res.Status)
				}
			})
		})
		if res == nil {
			continue // filtered out
		}
		b.Run(o.name+"/validate", func(b *testing.B) {
			cpuLoop(b, func() {
				if err := model.Validate(p); err != nil {
					b.Fatal(err)
				}
			})
		})
		var stays []model.Stay
		b.Run(o.name+"/stays planning", func(b *testing.B) {
			cpuLoop(b, func() { stays = constraints.PlanStays(context.Background(), p, constraints.SketchEffort{}) })
		})
		b.Run(o.name+"/stays applied", func(b *testing.B) {
			cpuLoop(b, func() {
				if _, err := model.ApplyStays(p, stays); err != nil {
					b.Fatal(err)
				}
			})
		})
		b.Run(o.name+"/compile", func(b *testing.B) {
			cpuLoop(b, func() {
				if _, err := constraints.Compile(res.Problem); err != nil {
					b.Fatal(err)
				}
			})
		})
		b.Run(o.name+"/verify", func(b *testing.B) {
			cpuLoop(b, func() {
				if vs := scheduler.Verify(res.Problem, res.Plan); len(vs) > 0 {
					b.Fatal(vs[0])
				}
			})
		})
	}
}
