package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

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

// lockedBuffer is a bytes.Buffer written by a command's goroutines and read
// by the test while the command runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestWorkerMetrics: rehabplan worker --metrics-addr serves /metrics with the
// service's job and pool families: a job it ended counted by outcome, its
// slots, none running once idle, and the Go runtime's.
func TestWorkerMetrics(t *testing.T) {
	url := pgtest.Schema(t)
	st, err := httpapi.OpenPostgres(url)
	require.NoError(t, err)
	defer st.Close()
	v, err := st.CreateOperation("op", gen.Example())
	require.NoError(t, err)
	rec := httpapi.JobRecord{ID: "job-1", Operation: "op", Incarnation: v.Incarnation, Base: v.Number, State: "running",
		Started: time.Now(), TimeLimit: time.Minute, WorkLimit: 2, Seed: 1, Kind: httpapi.JobSolve}
	require.NoError(t, st.PutJob(&rec))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr lockedBuffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"worker", "--store", url, "--slots", "2", "--poll", "50ms", "--metrics-addr", "127.0.0.1:0"}, io.Discard, &stderr)
	}()
	addr := regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+/metrics)`)
	var metricsURL string
	var body string
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m := addr.FindStringSubmatch(stderr.String()); m != nil && metricsURL == "" {
			metricsURL = m[1]
		}
		if metricsURL != "" {
			j, err := st.GetJob("job-1")
			require.NoError(t, err)
			if j.State != "running" {
				resp, err := http.Get(metricsURL)
				require.NoError(t, err)
				b, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				require.NoError(t, err)
				require.Equal(t, http.StatusOK, resp.StatusCode)
				require.Equal(t, "done", j.State, j.Error)
				// the record is written before the worker counts the job's end
				if strings.Contains(string(b), `rehabplan_jobs_ended_total{kind="solve",outcome="done"}`) {
					body = string(b)
					break
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	require.NotEmpty(t, body, "the job ended and /metrics answered within a minute; stderr:\n%s", stderr.String())
	latest, err := st.Latest("op")
	require.NoError(t, err)
	require.Empty(t, scheduler.Verify(latest.Problem, latest.Plan), "the plan the worker stored")
	for _, want := range []string{
		`rehabplan_jobs_ended_total{kind="solve",outcome="done"} 1`,
		`rehabplan_job_seconds_count{kind="solve",outcome="done"} 1`,
		"rehabplan_jobs_running 0",
		"rehabplan_pool_slots 2",
		"rehabplan_pool_busy 0",
		"go_goroutines ",
		"process_resident_memory_bytes ",
	} {
		assert.Contains(t, body, want)
	}
	cancel()
	select {
	case c := <-code:
		assert.Equal(t, exitOK, c, stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("the worker did not stop")
	}
	_, err = http.Get(metricsURL)
	assert.Error(t, err, "the metrics stop with the worker")
}

func TestWorkerMetricsAddrRefused(t *testing.T) {
	url := pgtest.Schema(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	code, _, stderr := runCLI("worker", "--store", url, "--metrics-addr", ln.Addr().String())
	assert.Equal(t, exitFail, code)
	assert.Contains(t, stderr, "--metrics-addr: listen tcp "+ln.Addr().String())
}
