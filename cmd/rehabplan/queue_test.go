package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/httpapi"
	"github.com/rehabplan/rehabplan/internal/pgtest"
	"github.com/rehabplan/rehabplan/scheduler"
)

func TestWorkerAndNightFlags(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  string
		want string
	}{
		{"worker without a store", []string{"worker"}, "", "worker needs a PostgreSQL store"},
		{"worker on a directory", []string{"worker", "--store", "/var/lib/rehabplan"}, "", `--store "/var/lib/rehabplan": want a postgres:// URL`},
		{"worker env not a URL", []string{"worker"}, "mysql://x", `--store "mysql://x": want a postgres:// URL`},
		{"worker no slot", []string{"worker", "--store", "postgres://x@127.0.0.1:1/x", "--slots", "0"}, "", "--slots"},
		{"worker short lease", []string{"worker", "--store", "postgres://x@127.0.0.1:1/x", "--lease", "10ms"}, "", "--lease"},
		{"worker argument", []string{"worker", "--store", "postgres://x@127.0.0.1:1/x", "x"}, "", "unexpected argument"},
		{"batch store and dir", []string{"batch", "--store", "postgres://x@127.0.0.1:1/x", "dir"}, "", "--store and a DIR both given"},
		{"batch bad night", []string{"batch", "--store", "postgres://x@127.0.0.1:1/x", "--night", "03/12/2026"}, "", `--night "03/12/2026": want a date YYYY-MM-DD`},
		{"batch store not a URL", []string{"batch", "--store", "mysql://x"}, "", `--store "mysql://x": want a postgres:// URL`},
		{"batch short lease", []string{"batch", "--store", "postgres://x@127.0.0.1:1/x", "--lease", "1ms"}, "", "--lease"},
		{"serve take-jobs", []string{"serve", "--take-jobs", "-2"}, "", "--take-jobs"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("REHABPLAN_STORE", tc.env)
			code, _, stderr := runCLI(tc.args...)
			assert.Equal(t, exitInvalid, code, stderr)
			assert.Contains(t, stderr, tc.want)
		})
	}
}

// TestBatchStoreNight: two batch runs on one store at once share the night:
// each operation replanned once (a version when it changed, none when not),
// the night's report printed and stored; a third run of the same night replans
// nothing and prints the same report; --show prints it too.
func TestBatchStoreNight(t *testing.T) {
	url := pgtest.Schema(t)
	st, err := httpapi.OpenPostgres(url)
	require.NoError(t, err)
	defer st.Close()
	// four operations without a plan (solved), one with its plan (unchanged
	// the day before its start)
	for i := range 4 {
		p := gen.Example()
		p.Operation.Name = fmt.Sprintf("op %d", i)
		_, err := st.CreateOperation(fmt.Sprintf("op-%d", i), p)
		require.NoError(t, err)
	}
	p := gen.Example()
	v, err := st.CreateOperation("op-planned", p)
	require.NoError(t, err)
	res, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 20, Workers: 1})
	require.NoError(t, err)
	// stored as a solve job stores it: the problem the plan is for (its planned
	// stays booked)
	_, _, err = st.AddVersion("op-planned", v.Base(), &httpapi.Version{Kind: "solved", Problem: res.Problem, Plan: res.Plan}, httpapi.Idem{})
	require.NoError(t, err)

	args := []string{"batch", "--store", url, "--night", "2026-03-01", "--now", "2026-03-01", "--workers", "2", "--work-limit", "20", "--lease", "2s"}
	var wg sync.WaitGroup
	outs := make([]string, 2)
	for i := range outs {
		wg.Go(func() {
			code, out, stderr := runCLI(args...)
			assert.Equal(t, exitOK, code, stderr)
			outs[i] = out
		})
	}
	wg.Wait()
	for _, out := range outs {
		assert.Contains(t, out, "night 2026-03-01: 5 operations: 4 done, 1 unchanged, 0 partial, 0 failed; time per operation")
	}
	for i := range 4 {
		vs, err := st.Versions(fmt.Sprintf("op-%d", i))
		require.NoError(t, err)
		require.Len(t, vs, 2, "op-%d replanned once", i)
		assert.Equal(t, "solved", vs[1].Kind)
		latest, err := st.Latest(fmt.Sprintf("op-%d", i))
		require.NoError(t, err)
		assert.Empty(t, scheduler.Verify(latest.Problem, latest.Plan), "op-%d", i)
	}
	vs, err := st.Versions("op-planned")
	require.NoError(t, err)
	assert.Len(t, vs, 2, "unchanged: no version")

	code, again, stderr := runCLI(args...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "0 operations queued by this run")
	assert.Equal(t, outs[0], again, "the night's report, as stored")
	code, shown, stderr := runCLI("batch", "--store", url, "--night", "2026-03-01", "--show")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, outs[0], shown)
	code, _, stderr = runCLI("batch", "--store", url, "--night", "2026-03-02", "--show")
	assert.Equal(t, exitFail, code)
	assert.Contains(t, stderr, "night 2026-03-02: no operation was queued that night")
}

// TestNightReport: the night's report people read (golden file), its summary
// and its exit code.
func TestNightReport(t *testing.T) {
	rows := []httpapi.NightRow{
		{Operation: "les-tilleuls", Outcome: "done", Version: 7, Seconds: 12.5},
		{Operation: "les-acacias", Outcome: "unchanged", Seconds: 3.25},
		{Operation: "la-roseraie", Outcome: "partial", Version: 4, Seconds: 30},
		{Operation: "le-moulin", Outcome: "failed", Seconds: 0.5, Error: `operation "le-moulin" was deleted during the night's replan: nothing stored`},
		{Operation: "les-pins", Outcome: ""},
	}
	var b strings.Builder
	writeNight(&b, "2026-12-03", rows)
	path := filepath.Join("testdata", "night-report.txt")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), b.String(), "%s differs: go test ./cmd/rehabplan -run TestNightReport -update, and read the diff", path)

	cases := []struct {
		name string
		rows []httpapi.NightRow
		code int
		sum  string
	}{
		{"all done", rows[:2], exitOK, "2 operations: 1 done, 1 unchanged, 0 partial, 0 failed; time per operation 7.88 s on average, 12.50 s at most"},
		{"partial", rows[:3], exitUnplaced, "3 operations: 1 done, 1 unchanged, 1 partial, 0 failed"},
		{"failed", rows[:4], exitFail, "4 operations: 1 done, 1 unchanged, 1 partial, 1 failed"},
		{"not ended", rows[4:], exitFail, "1 operations: 0 done, 0 unchanged, 0 partial, 0 failed, 1 not ended; time per operation 0.00 s"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.code, nightCode(tc.rows))
			assert.Contains(t, nightSummary("2026-12-03", tc.rows), tc.sum)
		})
	}
}
