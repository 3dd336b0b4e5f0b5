package solver_test

import (
	"context"
	"testing"

	"github.com/rehabplan/rehabplan/constraints"
	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// compiled1000 is the solver problem of a generated 1,000-dwelling operation
// with every practice on (the stays planned, as scheduler.Solve does).
func compiled1000(b *testing.B) *solver.Problem {
	b.Helper()
	p := gen.Generate(gen.Options{Dwellings: 1000, Seed: 7, Visits: true, Heating: true, Snags: 20})
	if err := model.Validate(p); err != nil {
		b.Fatal(err)
	}
	if stays := constraints.PlanStays(context.Background(), p, constraints.SketchEffort{}); len(stays) > 0 {
		q, err := model.ApplyStays(p, stays)
		if err != nil {
			b.Fatal(err)
		}
		p = q
	}
	cp, err := constraints.Compile(p)
	if err != nil {
		b.Fatal(err)
	}
	return cp.Problem
}

// BenchmarkFirstPlanSolver1000: the solver's phases of a first plan at 1,000
// dwellings: the first construction alone (work limit 1, one worker, no bound),
// and the days bound of every dwelling (computed beside the search in a solve).
func BenchmarkFirstPlanSolver1000(b *testing.B) {
	sp := compiled1000(b)
	b.Run("first construction", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			res, err := solver.Solve(context.Background(), sp, &solver.Settings{WorkLimit: 1, Workers: 1, NoBound: true})
			if err != nil || res.Score.Unplaced > 0 {
				b.Fatal(err, res.Score)
			}
		}
	})
	b.Run("days bound", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := solver.DayBounds(sp); err != nil {
				b.Fatal(err)
			}
		}
	})
}
