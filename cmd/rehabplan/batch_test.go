package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/batch"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// slipOfBegunWork writes the example, its plan and a slip of the delivery of the
// plan's first work that needs one, and returns the files, that work and a now two
// hours after it ends (local time).
func slipOfBegunWork(t *testing.T, dir string) (p, plan, ev, iv, now string) {
	t.Helper()
	p, plan, ev = filepath.Join(dir, "problem.json"), filepath.Join(dir, "plan.json"), filepath.Join(dir, "events", "001-slip.json")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	code, out, _ := runCLI("example")
	require.Equal(t, exitOK, code)
	require.NoError(t, os.WriteFile(p, []byte(out), 0o644))
	code, _, errs := runCLI("solve", p, "-o", plan, "--work-limit", "4", "--workers", "2")
	require.Equal(t, exitOK, code, errs)
	requireVerified(t, p, plan)
	var prob model.Problem
	var pl model.Plan
	readJSONFile(t, p, &prob)
	readJSONFile(t, plan, &pl)
	loc, err := model.LoadLocation(prob.Operation.TimeZone)
	require.NoError(t, err)
	needs := map[string][]string{}
	for _, x := range prob.Interventions {
		needs[x.ID] = x.Deliveries
	}
	var start, end time.Time
	var delivery string
	for _, a := range pl.Assignments {
		s, err := model.ParseMoment(a.Start, loc)
		require.NoError(t, err)
		if len(needs[a.Intervention]) > 0 && (iv == "" || s.Before(start)) {
			iv, delivery, start = a.Intervention, needs[a.Intervention][0], s
			end, err = model.ParseMoment(a.End, loc)
			require.NoError(t, err)
		}
	}
	require.NotEmpty(t, iv)
	require.NoError(t, os.MkdirAll(filepath.Dir(ev), 0o755))
	require.NoError(t, os.WriteFile(ev, []byte(`{"format":"rehabplan-events/v1","events":[
		{"id":"slip","type":"delivery_slipped","delivery":"`+delivery+`","expected":"`+end.AddDate(0, 1, 0).Format("2006-01-02")+`"}]}`), 0o644))
	return p, plan, ev, iv, end.Add(2 * time.Hour).Format("2006-01-02T15:04")
}

// A slip of a delivery whose work has begun: replan exits 2 naming the event and
// the work; batch reports the operation as an error and exits 1, writing nothing.
func TestSlipOfBegunWorkIsRefused(t *testing.T) {
	dir := t.TempDir()
	p, plan, ev, iv, now := slipOfBegunWork(t, filepath.Join(dir, "op"))
	code, _, errs := runCLI("replan", p, plan, ev, "--now", now, "-o", filepath.Join(dir, "new.json"), "--work-limit", "2", "--workers", "1")
	require.Equal(t, exitInvalid, code, errs)
	require.Contains(t, errs, `events[0].delivery (event "slip")`)
	require.Contains(t, errs, iv)
	code, out, errs := runCLI("batch", dir, "--now", now, "--work-limit", "2", "--workers", "1")
	require.Equal(t, exitFail, code, errs)
	require.Contains(t, out, "error")
	require.Contains(t, out, "cannot slip")
	require.NotContains(t, out, " ok ")
	_, err := os.Stat(filepath.Join(dir, "op", "versions", "0001"))
	require.True(t, os.IsNotExist(err), "a version was written for a refused event")
}

// batch --now takes the forms of replan --now.
func TestBatchNowForms(t *testing.T) {
	cases := []struct {
		now  string
		code int
	}{
		{"2027-02-01", exitOK},
		{"2027-02-01T12:00", exitOK},
		{"2027-02-01T12:00:00+01:00", exitOK},
		{"tomorrow", exitInvalid},
		{"2027-02-30", exitInvalid},
	}
	dir := t.TempDir()
	_, _, ev, _, _ := slipOfBegunWork(t, filepath.Join(dir, "op"))
	require.NoError(t, os.Remove(ev))
	for _, tc := range cases {
		t.Run(tc.now, func(t *testing.T) {
			code, out, errs := runCLI("batch", dir, "--now", tc.now, "--work-limit", "2", "--workers", "1")
			require.Equal(t, tc.code, code, "%s%s", out, errs)
			if tc.code == exitInvalid {
				require.Contains(t, errs, "--now")
				return
			}
			l, err := batch.LoadLatest(filepath.Join(dir, "op"))
			require.NoError(t, err)
			require.Empty(t, scheduler.Verify(l.Problem, l.Plan), "version %d", l.Version)
		})
	}
}
