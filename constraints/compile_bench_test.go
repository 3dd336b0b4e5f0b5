//go:build unix

package constraints_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/constraints"
	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// cpuTime is the CPU time the process has used (user and system).
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loop runs f b.N times and reports the CPU time per run beside the wall time:
// on a machine shared with other work, the CPU time varies less.
func loop(b *testing.B, f func()) {
	b.ReportAllocs()
	start := cpuTime(b)
	for b.Loop() {
		f()
	}
	b.ReportMetric(float64(cpuTime(b)-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

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
		loop(b, func() {
			if _, err := constraints.Compile(p); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("verify", func(b *testing.B) {
		loop(b, func() {
			if vs := constraints.Verify(p, res.Plan); len(vs) != 0 {
				b.Fatal(vs[0])
			}
		})
	})
	b.Run("compile a copy", func(b *testing.B) {
		loop(b, func() {
			q := *p
			if _, err := constraints.Compile(&q); err != nil {
				b.Fatal(err)
			}
		})
	})
}
