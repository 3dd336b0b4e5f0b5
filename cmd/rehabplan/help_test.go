package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every command's --help shows its arguments and exits 0; the top-level usage
// lists every command and every flag.
func TestHelp(t *testing.T) {
	code, top, _ := runCLI("--help")
	require.Equal(t, exitOK, code)
	for _, c := range commands {
		for _, form := range [][]string{{c.name, "--help"}, {c.name, "-h"}, {"help", c.name}} {
			code, out, stderr := runCLI(form...)
			assert.Equal(t, exitOK, code, "%v: %s", form, stderr)
			assert.True(t, strings.HasPrefix(out, "usage: rehabplan "+c.name), "%v: %q", form, out)
			assert.Contains(t, out, c.args, form)
		}
		// every flag of the command is in the top-level usage
		_, out, _ := runCLI(c.name, "--help")
		assert.Contains(t, top, "usage: rehabplan "+c.name+" "+c.args)
		for _, line := range strings.Split(out, "\n") {
			if f, ok := strings.CutPrefix(line, "  -"); ok {
				name, _, _ := strings.Cut(f, " ")
				assert.Contains(t, top, "  -"+name, "flag -%s of %s", name, c.name)
			}
		}
	}
}

func TestHints(t *testing.T) {
	dir := t.TempDir()
	_, example, _ := runCLI("example")
	prob := filepath.Join(dir, "p.json")
	require.NoError(t, os.WriteFile(prob, []byte(example), 0o644))
	plan := filepath.Join(dir, "plan.json")
	code, _, stderr := runCLI("solve", prob, "-o", plan, "--work-limit", "1")
	require.Equal(t, exitOK, code, stderr)
	requireVerified(t, prob, plan)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"duration without unit", []string{"solve", prob, "--time-limit", "5"}, "a duration needs its unit: 5s"},
		{"misspelt flag", []string{"solve", prob, "--timelimit", "5s"}, "did you mean --time-limit?"},
		{"plan for a problem", []string{"solve", plan}, "this is a plan (format \"rehabplan-plan/v1\"), where a problem"},
		{"problem for a plan", []string{"verify", prob, prob}, "this is a problem (format \"rehabplan/v1\"), where a plan"},
		{"unknown command", []string{"slove"}, "unknown command \"slove\""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runCLI(c.args...)
			assert.Equal(t, exitInvalid, code)
			assert.Contains(t, stderr, c.want)
			assert.Less(t, strings.Count(stderr, "\n"), 3, "a mistake is said in a line or two, not with the whole usage: %s", stderr)
		})
	}
}

// replan's time limit defaults to the replan budget, which grows with the
// operation; --help says so.
func TestReplanHelpNamesTheBudget(t *testing.T) {
	code, out, _ := runCLI("replan", "--help")
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "0: the replan budget, which grows with the operation: max(5s, dwellings × 10ms)")
	require.NotContains(t, out, "(default 10s)", "no fixed default hides the budget")
}
