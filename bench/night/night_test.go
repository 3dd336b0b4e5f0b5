package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/httpapi"
	"github.com/rehabplan/rehabplan/internal/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}

// TestSmallNight runs the command on 4 small operations with two
// configurations: each operation replanned exactly once in each (the command
// checks it in the store and says "yes"), the plans verified, the table printed.
// Without PostgreSQL it is skipped (fails under REHABPLAN_REQUIRE_POSTGRES=1).
func TestSmallNight(t *testing.T) {
	pgtest.Schema(t) // skips, or fails, when there is no server
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"--operations", "4", "--min-dwellings", "20", "--max-dwellings", "50",
		"--configs", "1x2,2x1", "--queue-jobs", "5", "--lease", "2s"}, &out, &errb)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	table := out.String()
	assert.Contains(t, table, "4 operations of 20 to 50 dwellings (140 in all, seeds 1+i), each with its first plan")
	for _, c := range []string{"| 1×2 |", "| 2×1 |"} {
		var line string
		for l := range strings.Lines(table) {
			if strings.HasPrefix(l, c) {
				line = l
			}
		}
		require.NotEmpty(t, line, "the row of %s", c)
		cells := strings.Split(line, "|")
		require.Len(t, cells, 8, line)
		assert.Equal(t, "yes", strings.TrimSpace(cells[5]), "%s: each operation replanned once", c)
		var done, unchanged, partial, failed int
		_, err := fmt.Sscanf(strings.TrimSpace(cells[4]), "%d / %d / %d / %d", &done, &unchanged, &partial, &failed)
		require.NoError(t, err, line)
		assert.Equal(t, 4, done+unchanged+partial, "%s: every operation ended", c)
		assert.Zero(t, failed, c)
		assert.Positive(t, done+partial, "%s: a week later the plans changed (appointments done)", c)
	}
	assert.Contains(t, table, "The queue's own cost per job (5 jobs")
}

// TestCheckOnce: the check finds each way a night can fail to replan an
// operation exactly once.
func TestCheckOnce(t *testing.T) {
	ops := []operation{{ID: "a", Versions: 2}, {ID: "b", Versions: 2}}
	good := func() ([]httpapi.NightRow, []httpapi.JobRecord, map[string]int) {
		return []httpapi.NightRow{{Operation: "a", Job: "ja", Outcome: "done", Version: 3}, {Operation: "b", Job: "jb", Outcome: "unchanged"}},
			[]httpapi.JobRecord{
				{ID: "ja", Operation: "a", Kind: httpapi.JobNight, Night: "n", State: "done", Version: 3},
				{ID: "jb", Operation: "b", Kind: httpapi.JobNight, Night: "n", State: "done"},
				{ID: "other", Operation: "a", Kind: httpapi.JobNight, Night: "another night", State: "done", Version: 2},
				{ID: "solve", Operation: "a", Kind: httpapi.JobSolve, State: "done", Version: 2},
			}, map[string]int{"a": 3, "b": 2}
	}
	cases := []struct {
		name   string
		break_ func(rs []httpapi.NightRow, js []httpapi.JobRecord, vs map[string]int) ([]httpapi.NightRow, []httpapi.JobRecord)
		want   string
	}{
		{"once", nil, ""},
		{"a version doubled", func(rs []httpapi.NightRow, js []httpapi.JobRecord, vs map[string]int) ([]httpapi.NightRow, []httpapi.JobRecord) {
			vs["a"] = 4
			return rs, js
		}, "a: 4 versions after the night, want 3 (done)"},
		{"a version lost", func(rs []httpapi.NightRow, js []httpapi.JobRecord, vs map[string]int) ([]httpapi.NightRow, []httpapi.JobRecord) {
			vs["a"] = 2
			return rs, js
		}, "a: 2 versions after the night, want 3 (done)"},
		{"unchanged but a version", func(rs []httpapi.NightRow, js []httpapi.JobRecord, vs map[string]int) ([]httpapi.NightRow, []httpapi.JobRecord) {
			vs["b"] = 3
			return rs, js
		}, "b: 3 versions after the night, want 2 (unchanged)"},
		{"two jobs", func(rs []httpapi.NightRow, js []httpapi.JobRecord, vs map[string]int) ([]httpapi.NightRow, []httpapi.JobRecord) {
			return rs, append(js, httpapi.JobRecord{ID: "jb2", Operation: "b", Kind: httpapi.JobNight, Night: "n", State: "done"})
		}, "b: 2 night jobs"},
		{"no row", func(rs []httpapi.NightRow, js []httpapi.JobRecord, vs map[string]int) ([]httpapi.NightRow, []httpapi.JobRecord) {
			return rs[:1], js
		}, "b: 0 rows in the night's report"},
		{"not ended", func(rs []httpapi.NightRow, js []httpapi.JobRecord, vs map[string]int) ([]httpapi.NightRow, []httpapi.JobRecord) {
			rs[1].Outcome, js[1].State = "", "running"
			return rs, js
		}, "b: not ended"},
		{"another job's row", func(rs []httpapi.NightRow, js []httpapi.JobRecord, vs map[string]int) ([]httpapi.NightRow, []httpapi.JobRecord) {
			rs[0].Job = "jx"
			return rs, js
		}, "a: the report's job jx is not the night job ja"},
		{"the wrong version", func(rs []httpapi.NightRow, js []httpapi.JobRecord, vs map[string]int) ([]httpapi.NightRow, []httpapi.JobRecord) {
			rs[0].Version = 2
			return rs, js
		}, "a: done as version 2 (job: 3), want 3"},
		{"an operation not loaded", func(rs []httpapi.NightRow, js []httpapi.JobRecord, vs map[string]int) ([]httpapi.NightRow, []httpapi.JobRecord) {
			return append(rs, httpapi.NightRow{Operation: "z", Outcome: "done"}), js
		}, "z: in the night's report but not loaded"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rs, js, vs := good()
			if tc.break_ != nil {
				rs, js = tc.break_(rs, js, vs)
			}
			got := checkOnce("n", ops, rs, js, vs)
			if tc.want == "" {
				assert.Empty(t, got)
				return
			}
			assert.Contains(t, got, tc.want)
		})
	}
}

func TestFlags(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--configs", "1x0"}, `--configs: "1x0": want PROCESSESxWORKERS`},
		{[]string{"--configs", "1x1,,2x1"}, `--configs: "": want`},
		{[]string{"--configs", "2x1x3"}, `--configs: "2x1x3": want`},
		{[]string{"--operations", "0"}, "--operations 0: want at least 1"},
		{[]string{"--min-dwellings", "500", "--max-dwellings", "100"}, "want 1 ≤ min ≤ max ≤ 20000"},
		{[]string{"--work-limit", "0"}, "--work-limit 0, --load-work-limit 1: want at least 1"},
		{[]string{"--night", "11/01/2027"}, `--night "11/01/2027": want a date YYYY-MM-DD`},
		{[]string{"x"}, `unexpected argument "x"`},
	}
	for _, tc := range cases {
		var errb bytes.Buffer
		code := run(context.Background(), tc.args, &bytes.Buffer{}, &errb)
		assert.Equal(t, 2, code, "%v", tc.args)
		assert.Contains(t, errb.String(), tc.want, "%v", tc.args)
	}
	cs, err := parseConfigs("1x1,1x2,1x4,2x1")
	require.NoError(t, err)
	assert.Equal(t, []config{{1, 1}, {1, 2}, {1, 4}, {2, 1}}, cs)
}

// TestSizes: the operations' sizes span min to max, spread evenly, shuffled
// the same way for one seed.
func TestSizes(t *testing.T) {
	o := options{Operations: 200, MinDwellings: 100, MaxDwellings: 1000, Seed: 1}
	s := sizes(o)
	require.Len(t, s, 200)
	lo, hi, sum := s[0], s[0], 0
	for _, n := range s {
		lo, hi, sum = min(lo, n), max(hi, n), sum+n
	}
	assert.Equal(t, 100, lo)
	assert.Equal(t, 1000, hi)
	assert.InDelta(t, 550*200, sum, 200)
	assert.Equal(t, s, sizes(o), "deterministic")
	assert.NotEqual(t, s[:10], sizes(options{Operations: 200, MinDwellings: 100, MaxDwellings: 1000, Seed: 2})[:10], "another seed, another order")
	assert.False(t, slices.IsSorted(s), "shuffled: the queue does not take the small ones first")
}
