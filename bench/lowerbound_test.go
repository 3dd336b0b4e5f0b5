package bench

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/solver"
)

// TestBoundsNeverExceedTheOptimum: the end bound of each bundled instance is at
// most its proven optimum, whether the search is given the optimum as the known
// end or has to find a feasible end itself, and at most the end of a schedule the
// checker accepts; the window relaxation is at least the critical path and loads.
func TestBoundsNeverExceedTheOptimum(t *testing.T) {
	cases := []struct {
		family, file string
		optimum      int
	}{
		{FamilyJobShop, "ft06", 55},
		{FamilyJobShop, "la01", 666},
		{FamilyFlowShop, "Ta001.txt", 1278},
		{FamilyRCPSP, "j301_1.sm", 43},
		{FamilyRCPSP, "j3013_1.sm", 58},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			p := loadTestInstance(t, tc.family, tc.file)
			basic, err := solver.LowerBound(p)
			require.NoError(t, err)
			for _, upper := range []int{0, tc.optimum, 2 * tc.optimum} {
				b, err := solver.ComputeBounds(p, upper)
				require.NoError(t, err)
				require.LessOrEqual(t, b.End.Value, tc.optimum, "upper %d", upper)
				require.Equal(t, basic, b.End.Value, "LowerBound is the end bound")
				t.Logf("upper %d: bound %d (%s %v)", upper, b.End.Value, b.End.Binding, b.End.Resources)
			}
			res, err := solver.Solve(context.Background(), p, &solver.Settings{WorkLimit: 200, Seed: 1, Workers: 1, TimeLimit: time.Minute})
			require.NoError(t, err)
			found, err := Check(p, res.Placements)
			require.NoError(t, err)
			require.LessOrEqual(t, res.LowerBound, found)
			require.LessOrEqual(t, res.LowerBound, tc.optimum)
		})
	}
}

func loadTestInstance(t *testing.T, family, file string) *solver.Problem {
	t.Helper()
	return loadInstanceFile(t, family, filepath.Join("testdata", file))
}

// loadInstanceFile reads a benchmark instance of family from path.
func loadInstanceFile(t *testing.T, family, path string) *solver.Problem {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var p *solver.Problem
	switch family {
	case FamilyJobShop:
		p, err = LoadJobShop(f)
	case FamilyFlowShop:
		p, _, err = LoadFlowShop(f)
	default:
		p, err = LoadRCPSP(f)
	}
	require.NoError(t, err, path)
	return p
}
