package scheduler_test

import (
	"context"
	"testing"

	"github.com/rehabplan/rehabplan/constraints"
	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// BenchmarkFirstPlan1000: the first plan of a generated 1,000-dwelling operation
// (`gen --dwellings 1000 --seed 7`, then with every practice on), as `rehabplan
// solve --work-limit 1 --workers 1` makes it after the decode: the whole
// scheduler.Solve, then its phases alone (the stays planning, the compile, the
// verification of the plan).
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
			b.ReportAllocs()
			for b.Loop() {
				var err error
				res, err = scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 1, Workers: 1})
				if err != nil || res.Status != scheduler.StatusComplete {
					b.Fatal(err, res.Status)
				}
			}
		})
		if res == nil {
			continue // filtered out
		}
		b.Run(o.name+"/stays planning", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				constraints.PlanStays(p)
			}
		})
		b.Run(o.name+"/compile", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := constraints.Compile(res.Problem); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(o.name+"/verify", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if vs := scheduler.Verify(res.Problem, res.Plan); len(vs) > 0 {
					b.Fatal(vs[0])
				}
			}
		})
	}
}
