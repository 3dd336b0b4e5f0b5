package constraints_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/constraints"
	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// BenchmarkCompileVerify: at 1,000 dwellings (gen, seed 1), compiling the
// validated problem, verifying a plan of it (one quick construction), and
// compiling a copy of it, which has no kept typed view (as Replan compiles).
func BenchmarkCompileVerify(b *testing.B) {
	p := gen.Generate(gen.Options{Dwellings: 1000, Seed: 1})
	require.NoError(b, model.Validate(p))
	res, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 1, Seed: 1, Workers: 1})
	require.NoError(b, err)
	require.Empty(b, constraints.Verify(p, res.Plan), "the plan keeps every hard rule")
	b.Logf("%d interventions, %d assignments", len(p.Interventions), len(res.Plan.Assignments))
	b.Run("compile", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := constraints.Compile(p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("verify", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if vs := constraints.Verify(p, res.Plan); len(vs) != 0 {
				b.Fatal(vs[0])
			}
		}
	})
	b.Run("compile a copy", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			q := *p
			if _, err := constraints.Compile(&q); err != nil {
				b.Fatal(err)
			}
		}
	})
}
