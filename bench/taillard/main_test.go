package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/bench"
)

// TestGeneratesTheBundledInstance: Ta001 drawn from its seed is the bundled file,
// number for number, and its row of bounds is the bundled one.
func TestGeneratesTheBundledInstance(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("..", "testdata", "Ta001.txt"))
	require.NoError(t, err)
	got, _ := file(instances[0])
	assert.Equal(t, strings.Fields(string(want)), strings.Fields(got))

	dir := t.TempDir()
	require.NoError(t, write(dir))
	b, err := os.ReadFile(filepath.Join(dir, "bounds.csv"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	assert.Len(t, lines, 121)
	bundled, err := os.ReadFile(filepath.Join("..", "testdata", "flowshop_bounds.csv"))
	require.NoError(t, err)
	assert.Contains(t, string(bundled), lines[1])
	_, err = os.Stat(filepath.Join(dir, "Ta050.txt"))
	assert.NoError(t, err)
}

// TestGeneratesTheLargerFlowShops: the 100- to 500-job instances start as the
// published files do and carry their lower bound (Taillard's, recomputed), and
// every best-known makespan lies above it.
func TestGeneratesTheLargerFlowShops(t *testing.T) {
	require.Len(t, instances, 120)
	tests := []struct {
		k, jobs, machines, lb int
		first                 []int
	}{
		// Ta108's header: "200 20 1325809384 1131 11126", first row 28 87 76 87 85 94
		{108, 200, 20, 11126, []int{28, 87, 76, 87, 85, 94}},
		// Ta061's header: "100 5 896678084 5495 5437" (the 1993 upper bound)
		{61, 100, 5, 5437, nil},
	}
	for _, tc := range tests {
		in := instances[tc.k-1]
		assert.Equal(t, tc.jobs, in.jobs)
		assert.Equal(t, tc.machines, in.machines)
		p := times(in.seed, in.jobs, in.machines)
		if tc.first != nil {
			assert.Equal(t, tc.first, p[0][:len(tc.first)])
		}
		assert.Equal(t, tc.lb, lowerBound(p))
	}
	for k, in := range instances {
		p := times(in.seed, in.jobs, in.machines)
		assert.LessOrEqual(t, lowerBound(p), in.best, "Ta%03d", k+1)
	}
	dir := t.TempDir()
	require.NoError(t, write(dir))
	f, err := os.Open(filepath.Join(dir, "Ta120.txt"))
	require.NoError(t, err)
	defer f.Close()
	p, fs, err := bench.LoadFlowShop(f)
	require.NoError(t, err)
	assert.Len(t, p.Tasks, 500*20)
	assert.NotNil(t, fs)
}

// TestGeneratesTaillardsJobShops: ta01 drawn from its seeds starts as Taillard's
// published file does (its first job's times and machines, numbered from 1
// there), every job visits every machine once, and the files load.
func TestGeneratesTaillardsJobShops(t *testing.T) {
	times, machines := jobShop(jobShops[0])
	assert.Equal(t, []int{94, 66, 10, 53, 26, 15, 65, 82, 10, 27, 93, 92, 96, 70, 83}, times[0])
	assert.Equal(t, []int{6, 12, 4, 7, 3, 2, 10, 11, 8, 14, 9, 13, 5, 0, 1}, machines[0])
	for k, in := range jobShops {
		_, ms := jobShop(in)
		for j, order := range ms {
			seen := make([]bool, in.machines)
			for _, m := range order {
				require.False(t, seen[m], "ta%02d job %d visits machine %d twice", k+1, j, m)
				seen[m] = true
			}
		}
		require.LessOrEqual(t, in.lb, in.best)
	}
	dir := t.TempDir()
	require.NoError(t, writeJobShops(dir))
	b, err := os.ReadFile(filepath.Join(dir, "bounds.csv"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	require.Len(t, lines, 81)
	assert.Equal(t, "ta01,15,15,1231,1231,optimal", lines[1])
	f, err := os.Open(filepath.Join(dir, "ta80"))
	require.NoError(t, err)
	defer f.Close()
	p, err := bench.LoadJobShop(f)
	require.NoError(t, err)
	assert.Len(t, p.Tasks, 100*20)
}
