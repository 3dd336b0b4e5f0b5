package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	assert.Len(t, lines, 51)
	bundled, err := os.ReadFile(filepath.Join("..", "testdata", "flowshop_bounds.csv"))
	require.NoError(t, err)
	assert.Contains(t, string(bundled), lines[1])
	_, err = os.Stat(filepath.Join(dir, "Ta050.txt"))
	assert.NoError(t, err)
}
