package bench

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/solver"
)

// boundsOf checks the end bound of every instance of a bundled family against
// its published optimum or best known end (whether that end is given as the
// known end or not) and returns the mean bound over it, how often it reaches
// that end and how often each relaxation binds.
func boundsOf(t *testing.T, family, dir, glob string) (float64, int, map[solver.Binding]int) {
	known, err := LoadBounds(filepath.Join(dir, "bounds.csv"))
	require.NoError(t, err)
	files, err := filepath.Glob(filepath.Join(dir, glob))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	sum, eq, binds := 0.0, 0, map[solver.Binding]int{}
	for _, file := range files {
		k, ok := known[InstanceName(file)]
		if !ok {
			k, ok = known[filepath.Base(file)]
		}
		require.True(t, ok, "%s: no published bound", file)
		p := loadInstanceFile(t, family, file)
		b, err := solver.ComputeBounds(p, 0)
		require.NoError(t, err, file)
		require.LessOrEqual(t, b.End.Value, k.UB, "%s: bound %d (%s) above the best known %d", file, b.End.Value, b.End.Binding, k.UB)
		withKnown, err := solver.ComputeBounds(p, k.UB)
		require.NoError(t, err, file)
		require.Equal(t, b.End, withKnown.End, "%s: the bound depends on the known end", file)
		sum += float64(b.End.Value) / float64(k.UB)
		if b.End.Value == k.UB {
			eq++
		}
		binds[b.End.Binding]++
	}
	return sum / float64(len(files)), eq, binds
}

// The end bound of every bundled job shop, flow shop and RCPSP instance is at
// most its optimum or best known end; edge finding (with the heads and
// deadlines it finds carried along the jobs) is what binds on some job shops,
// energetic reasoning on some RCPSP instances (it raised 7 of the 48 j30 bounds
// and 30 of the 60 j120 ones when it came).
func TestEndBoundsOfTheBundledInstances(t *testing.T) {
	pub := filepath.Join("testdata", "public")
	edge, energy := 0, 0
	for _, f := range []struct{ family, dir, glob string }{
		{FamilyJobShop, filepath.Join(pub, "jobshop"), "[fl]*[0-9]"},
		{FamilyFlowShop, filepath.Join(pub, "flowshop"), "Ta*.txt"},
		{FamilyRCPSP, filepath.Join(pub, "rcpsp", "j30"), "j30*_*.sm"},
		{FamilyRCPSP, filepath.Join(pub, "rcpsp", "j120"), "j120*_*.sm"},
	} {
		mean, eq, binds := boundsOf(t, f.family, f.dir, f.glob)
		t.Logf("%s: mean bound / best known %.4f, equal on %d, binds %v", filepath.Base(f.dir), mean, eq, binds)
		edge += binds[solver.BindEdge]
		energy += binds[solver.BindEnergy]
	}
	require.Greater(t, edge, 0, "edge finding never binds")
	require.Greater(t, energy, 10, "energetic reasoning binds on too few instances")
}
