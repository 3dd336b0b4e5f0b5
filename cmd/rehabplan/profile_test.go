package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// solve --timings prints each phase on stderr (parts indented under their
// whole), --cpuprofile writes a profile, and neither changes the plan; an
// invalid problem is still reported as without them.
func TestSolveTimingsAndProfile(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := runCLI("example")
	require.Equal(t, exitOK, code)
	prob := filepath.Join(dir, "p.json")
	require.NoError(t, os.WriteFile(prob, []byte(out), 0o644))
	plain, timed := filepath.Join(dir, "plain.json"), filepath.Join(dir, "timed.json")
	code, _, stderr := runCLI("solve", prob, "-o", plain, "--work-limit", "2", "--seed", "1")
	require.Equal(t, exitOK, code, stderr)
	requireVerified(t, prob, plain)
	assert.NotContains(t, stderr, "timings")
	prof := filepath.Join(dir, "cpu.prof")
	code, _, stderr = runCLI("solve", prob, "-o", timed, "--work-limit", "2", "--seed", "1", "--timings", "--cpuprofile", prof)
	require.Equal(t, exitOK, code, stderr)
	a, err := os.ReadFile(plain)
	require.NoError(t, err)
	b, err := os.ReadFile(timed)
	require.NoError(t, err)
	assert.Equal(t, string(a), string(b), "the same plan")
	info, err := os.Stat(prof)
	require.NoError(t, err)
	assert.Positive(t, info.Size())

	_, table, ok := strings.Cut(stderr, "timings (wall time, ms):\n")
	require.True(t, ok, stderr)
	// the phases at the left margin, each with the parts listed under it
	parts := map[string][]string{}
	top := ""
	for _, l := range strings.Split(strings.TrimRight(table, "\n"), "\n") {
		trimmed := strings.TrimLeft(l, " ")
		ms, name, ok := strings.Cut(trimmed, "  ")
		require.True(t, ok, l)
		require.NotEmpty(t, ms, l)
		if len(l)-len(trimmed)+len(ms) == 9 { // the milliseconds right-aligned in 9 columns, not indented
			top = name
			parts[top] = []string{}
			continue
		}
		parts[top] = append(parts[top], name)
	}
	for _, phase := range []string{"read", "decode", "validate", "stays planning", "compile", "solve", "verify",
		"write the plan (encode)", "summary", "whole command (from the flags read)"} {
		assert.Contains(t, parts, phase, table)
	}
	assert.Contains(t, parts["stays planning"], "sketch", table)
	assert.Contains(t, parts["compile"], "tasks (every rule's calendars)", table)
	assert.Contains(t, parts["solve"], "first construction", table)
	assert.Contains(t, parts["solve"], "days bound (beside the search, its own time)", table)

	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(strings.Replace(out, `"time_zone": "Europe/Paris"`, `"time_zone": "Mars/Olympus"`, 1)), 0o644))
	code1, _, err1 := runCLI("solve", bad, "--work-limit", "1")
	code2, _, err2 := runCLI("solve", bad, "--work-limit", "1", "--timings")
	assert.Equal(t, exitInvalid, code1, err1)
	assert.Equal(t, code1, code2)
	assert.Contains(t, err2, err1)
}
