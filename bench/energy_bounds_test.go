package bench

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/solver"
)

// TestEndBoundsOfThePublicRCPSPInstances: on every bundled j30 and j120
// instance the end bound (with its energetic reasoning) is at most the
// published optimum or best-known makespan, whether or not it is given that
// makespan as a known end; energetic reasoning binds on some of them (it raised 7 of the 48 j30 bounds and 30 of the 60 j120 ones
// when it came).
func TestEndBoundsOfThePublicRCPSPInstances(t *testing.T) {
	energy := 0
	for _, set := range []string{"j30", "j120"} {
		dir := filepath.Join("testdata", "public", "rcpsp", set)
		known, err := LoadBounds(filepath.Join(dir, "bounds.csv"))
		require.NoError(t, err)
		files, err := filepath.Glob(filepath.Join(dir, set+"*_*.sm")) // not j30opt.sm, the optima's list
		require.NoError(t, err)
		require.NotEmpty(t, files)
		for _, file := range files {
			k, ok := known[InstanceName(file)]
			require.True(t, ok, "%s: no published bound", file)
			f, err := os.Open(file)
			require.NoError(t, err)
			p, err := LoadRCPSP(f)
			f.Close()
			require.NoError(t, err, file)
			b, err := solver.ComputeBounds(p, 0)
			require.NoError(t, err, file)
			require.LessOrEqual(t, b.End.Value, k.UB, "%s: bound %d (%s) above the best known %d", file, b.End.Value, b.End.Binding, k.UB)
			withKnown, err := solver.ComputeBounds(p, k.UB)
			require.NoError(t, err, file)
			require.Equal(t, b.End, withKnown.End, "%s: the bound depends on the known end", file)
			if b.End.Binding == solver.BindEnergy {
				energy++
			}
		}
	}
	require.Greater(t, energy, 10, "energetic reasoning binds on too few instances")
}
