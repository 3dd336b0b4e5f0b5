package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rehabplan/rehabplan/batch"
	"github.com/rehabplan/rehabplan/bench"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The time limit and work limit each search command's flags yield: --work-limit
// without --time-limit (--budget for batch) is no time limit, so that a run is
// the same for a seed however loaded the machine; an explicit time limit still
// applies; without a work limit the defaults stay. The searches are replaced by
// ones that record their settings (no search runs, nothing is timed).
func TestWorkLimitSettings(t *testing.T) {
	dir := t.TempDir()
	prob := filepath.Join("testdata", "lifecycle", "problem.json")
	plan := filepath.Join("testdata", "lifecycle", "plan.json")
	ev := filepath.Join(dir, "ev.json")
	require.NoError(t, os.WriteFile(ev, []byte(`{"format":"rehabplan-events/v1","events":[]}`), 0o644))
	replan := []string{"replan", prob, plan, ev, "--now", "2027-02-01T12:00", "-o", filepath.Join(dir, "new.json")}

	type got struct {
		limit time.Duration
		work  int
	}
	var seen []got
	errStop := errors.New("stopped by the test")
	solve0, replan0, benchReplan0, batch0 := solveSearch, replanSearch, benchReplanRun, batchRun
	t.Cleanup(func() { solveSearch, replanSearch, benchReplanRun, batchRun = solve0, replan0, benchReplan0, batch0 })
	solveSearch = func(_ context.Context, _ *model.Problem, s *scheduler.Settings) (*scheduler.Result, error) {
		seen = append(seen, got{s.TimeLimit, s.WorkLimit})
		return nil, errStop
	}
	replanSearch = func(_ context.Context, _ *model.Problem, _ *model.Plan, _ *model.Events, _ time.Time, s *scheduler.Settings) (*scheduler.ReplanResult, error) {
		seen = append(seen, got{s.TimeLimit, s.WorkLimit})
		return nil, errStop
	}
	benchReplanRun = func(_ context.Context, o bench.ReplanOptions, _ io.Writer) ([]bench.ReplanRow, error) {
		seen = append(seen, got{o.TimeLimit, o.WorkLimit})
		return nil, errStop
	}
	batchRun = func(_ context.Context, _ string, o batch.Options) ([]batch.Report, error) {
		seen = append(seen, got{o.Budget, o.WorkLimit})
		return nil, errStop
	}

	with := func(base []string, more ...string) []string { return append(append([]string{}, base...), more...) }
	cases := []struct {
		name  string
		args  []string
		limit time.Duration
		work  int
	}{
		{"solve default", []string{"solve", prob}, 10 * time.Second, 0},
		{"solve time limit", []string{"solve", prob, "--time-limit", "3s"}, 3 * time.Second, 0},
		{"solve work limit", []string{"solve", prob, "--work-limit", "50"}, noTimeLimit, 50},
		{"solve work and time limits", []string{"solve", prob, "--work-limit", "50", "--time-limit", "3s"}, 3 * time.Second, 50},
		{"solve work limit 0 is none", []string{"solve", prob, "--work-limit", "0"}, 10 * time.Second, 0},
		{"solve time limit at its default value, given", []string{"solve", prob, "--time-limit=10s", "--work-limit=7"}, 10 * time.Second, 7},

		{"replan default: the replan budget", replan, 0, 0},
		{"replan work limit", with(replan, "--work-limit", "40"), noTimeLimit, 40},
		{"replan work and time limits", with(replan, "--work-limit", "40", "--time-limit", "2s"), 2 * time.Second, 40},
		{"replan work limit, explicit budget", with(replan, "--work-limit", "40", "--time-limit", "0"), 0, 40},

		{"bench-replan default", []string{"bench-replan"}, 10 * time.Second, 0},
		{"bench-replan work limit", []string{"bench-replan", "--work-limit", "30"}, noTimeLimit, 30},
		{"bench-replan work and time limits", []string{"bench-replan", "--work-limit", "30", "--time-limit", "1s"}, time.Second, 30},

		{"batch default", []string{"batch", dir}, 10 * time.Minute, 0},
		{"batch work limit", []string{"batch", dir, "--work-limit", "20"}, noTimeLimit, 20},
		{"batch work limit and budget", []string{"batch", dir, "--work-limit", "20", "--budget", "1m"}, time.Minute, 20},
		{"batch budget", []string{"batch", dir, "--budget", "1m"}, time.Minute, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			seen = nil
			_, _, stderr := runCLI(c.args...)
			require.Len(t, seen, 1, "the search ran once: %s", stderr)
			assert.Equal(t, c.limit, seen[0].limit)
			assert.Equal(t, c.work, seen[0].work)
		})
	}
}

// noTimeLimit is no limit in practice: a deadline that far is centuries away, and
// a context with it is neither done nor overflows into the past.
func TestNoTimeLimitIsFar(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), noTimeLimit)
	defer cancel()
	d, ok := ctx.Deadline()
	require.True(t, ok)
	assert.Greater(t, time.Until(d), 200*365*24*time.Hour)
	assert.NoError(t, ctx.Err())
	assert.Equal(t, noTimeLimit, workTimeLimit(newFlagSet("x", io.Discard), "time-limit", time.Second, 1))
}
