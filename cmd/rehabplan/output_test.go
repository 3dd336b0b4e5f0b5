package main

import (
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/httpapi"
)

// leftovers lists the temporary files left in dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestWriteData(t *testing.T) {
	data := []byte("{\"a\": 1}\n")
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns the path to write
		check func(t *testing.T, dir, path string, err error)
	}{
		{"new file", func(t *testing.T, dir string) string { return filepath.Join(dir, "new.json") },
			func(t *testing.T, dir, path string, err error) {
				require.NoError(t, err)
				got, _ := os.ReadFile(path)
				assert.Equal(t, data, got)
			}},
		{"regular file replaced, mode kept", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "old.json")
			require.NoError(t, os.WriteFile(p, []byte("old"), 0o600))
			return p
		}, func(t *testing.T, dir, path string, err error) {
			require.NoError(t, err)
			got, _ := os.ReadFile(path)
			assert.Equal(t, data, got)
			st, _ := os.Stat(path)
			assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
		}},
		{"directory refused, nothing left behind", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "adir")
			require.NoError(t, os.Mkdir(p, 0o755))
			return p
		}, func(t *testing.T, dir, path string, err error) {
			require.Error(t, err)
			assert.Contains(t, err.Error(), "is a directory")
			st, serr := os.Stat(path)
			require.NoError(t, serr)
			assert.True(t, st.IsDir())
			_, serr = os.Stat(path + ".tmp")
			assert.True(t, os.IsNotExist(serr))
		}},
		{"named pipe written, not replaced", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "fifo")
			require.NoError(t, syscall.Mkfifo(p, 0o600))
			got := make(chan []byte, 1)
			go func() {
				b, _ := os.ReadFile(p)
				got <- b
			}()
			t.Cleanup(func() { assert.Equal(t, data, <-got) })
			return p
		}, func(t *testing.T, dir, path string, err error) {
			require.NoError(t, err)
			st, serr := os.Lstat(path)
			require.NoError(t, serr)
			assert.Equal(t, os.ModeNamedPipe, st.Mode().Type(), "the pipe was replaced")
		}},
		{"device written, not replaced", func(t *testing.T, dir string) string {
			st, err := os.Stat(os.DevNull)
			require.NoError(t, err)
			if st.Mode().Type()&os.ModeCharDevice == 0 {
				t.Skipf("%s is not a character device on this machine (%v): something replaced it", os.DevNull, st.Mode())
			}
			return os.DevNull
		},
			func(t *testing.T, dir, path string, err error) {
				require.NoError(t, err)
				st, serr := os.Stat(os.DevNull)
				require.NoError(t, serr)
				assert.Equal(t, os.ModeCharDevice|os.ModeDevice, st.Mode().Type()&(os.ModeCharDevice|os.ModeDevice))
			}},
		{"symbolic link followed, link kept", func(t *testing.T, dir string) string {
			target := filepath.Join(dir, "target.json")
			require.NoError(t, os.WriteFile(target, []byte("old"), 0o644))
			link := filepath.Join(dir, "link.json")
			require.NoError(t, os.Symlink(target, link))
			return link
		}, func(t *testing.T, dir, path string, err error) {
			require.NoError(t, err)
			st, _ := os.Lstat(path)
			assert.Equal(t, os.ModeSymlink, st.Mode().Type())
			got, _ := os.ReadFile(filepath.Join(dir, "target.json"))
			assert.Equal(t, data, got)
		}},
		{"missing folder: error, nothing left", func(t *testing.T, dir string) string { return filepath.Join(dir, "no", "such.json") },
			func(t *testing.T, dir, path string, err error) { require.Error(t, err) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := c.setup(t, dir)
			err := writeData(path, nil, data)
			c.check(t, dir, path, err)
			assert.Empty(t, leftovers(t, dir), "temporary files left behind")
		})
	}
}

// Every numeric and duration flag is checked: exit 2 with the flag named.
func TestFlagsChecked(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := runCLI("example")
	require.Equal(t, exitOK, code)
	prob := filepath.Join(dir, "p.json")
	require.NoError(t, os.WriteFile(prob, []byte(out), 0o644))
	cases := []struct {
		args []string
		flag string
	}{
		{[]string{"solve", prob, "--time-limit", "-1s"}, "--time-limit"},
		{[]string{"solve", prob, "--time-limit", "0s"}, "--time-limit"},
		{[]string{"solve", prob, "--work-limit", "-5"}, "--work-limit"},
		{[]string{"solve", prob, "--workers", "-3"}, "--workers"},
		{[]string{"replan", prob, prob, prob, "--now", "2027-01-10", "--workers", "-1"}, "--workers"},
		{[]string{"replan", prob, prob, prob, "--now", "2027-01-10", "--time-limit", "-1s"}, "--time-limit"},
		{[]string{"batch", dir, "--budget", "-1s"}, "--budget"},
		{[]string{"serve", "--max-jobs", "-1"}, "--max-jobs"},
		{[]string{"serve", "--memory-limit", "-1"}, "--memory-limit"},
		{[]string{"serve", "--pool", "-1"}, "--pool"},
		{[]string{"serve", "--pool-queue", "-1"}, "--pool-queue"},
		{[]string{"serve", "--answer-cache", "0"}, "--answer-cache"},
		{[]string{"serve", "stray"}, "\"stray\""},
		{[]string{"bench", "--family", "jobshop", "--workers", "-2", prob}, "--workers"},
		{[]string{"bench-replan", "--scenarios", "0"}, "--scenarios"},
		{[]string{"bench-replan", "extra"}, "\"extra\""},
		{[]string{"gen", "--pilots", "-1"}, "--pilots"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, _, stderr := runCLI(c.args...)
			assert.Equal(t, exitInvalid, code, stderr)
			assert.Contains(t, stderr, c.flag)
		})
	}
}

// verify and replan recognise a plan of another operation.
func TestPlanOfAnotherOperation(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := runCLI("example")
	require.Equal(t, exitOK, code)
	prob := filepath.Join(dir, "p.json")
	require.NoError(t, os.WriteFile(prob, []byte(out), 0o644))
	plan := filepath.Join(dir, "plan.json")
	code, _, stderr := runCLI("solve", prob, "-o", plan, "--work-limit", "1")
	require.Equal(t, exitOK, code, stderr)
	other := filepath.Join(dir, "other.json")
	require.NoError(t, os.WriteFile(other, []byte(strings.Replace(out, "\"op-les-tilleuls\"", "\"op-other\"", 1)), 0o644))
	code, stdout, stderr := runCLI("verify", other, plan)
	assert.Equal(t, exitInvalid, code, stdout)
	assert.Contains(t, stderr, "the plan is of operation \"op-les-tilleuls\", not of \"op-other\"")
	assert.Empty(t, stdout, "no violations listed")
	events := filepath.Join(dir, "events.json")
	require.NoError(t, os.WriteFile(events, []byte(`{"format": "rehabplan-events/v1", "events": []}`), 0o644))
	code, _, stderr = runCLI("replan", other, plan, events, "--now", "2027-01-10")
	assert.Equal(t, exitInvalid, code, stderr)
	assert.Contains(t, stderr, plan+": the plan is of operation")
}

// serve's memory limit: the flag's, none with 0, GOMEMLIMIT's (which the
// runtime took at start) when the flag is not given; the pool's budget is sized
// from the limit in force.
func TestServeMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)
	cases := []struct {
		name       string
		given      bool
		mb         int
		env        string
		start      int64 // the limit the runtime holds before (GOMEMLIMIT's)
		wantLimit  int64
		wantBudget int64
	}{
		{"the default", false, defaultMemoryLimitMB, "", math.MaxInt64, defaultMemoryLimitMB << 20, defaultMemoryLimitMB - 64 - 100},
		{"given", true, 900, "", math.MaxInt64, 900 << 20, 900 - 64 - 100},
		{"given 0: none, whatever GOMEMLIMIT says", true, 0, "500MiB", 500 << 20, math.MaxInt64, 0},
		{"GOMEMLIMIT without the flag", false, defaultMemoryLimitMB, "500MiB", 500 << 20, 500 << 20, 500 - 64 - 100},
		{"the flag over GOMEMLIMIT", true, 800, "500MiB", 500 << 20, 800 << 20, 800 - 64 - 100},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("GOMEMLIMIT", c.env)
			debug.SetMemoryLimit(c.start)
			setMemoryLimit(c.given, c.mb)
			limit := debug.SetMemoryLimit(-1)
			require.Equal(t, c.wantLimit, limit)
			require.Equal(t, c.wantBudget, httpapi.PoolBudgetFor(limit, 64<<20))
		})
	}
}
