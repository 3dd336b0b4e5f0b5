package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// TestSlotsOnTheBinary: slots for an appointment of the lifecycle example, the
// first one taken with its appointment_rescheduled event through replan (the new
// plan verifies, the appointment is at the slot); a slot that does not fit is
// refused with exit 2 naming the event and why, nothing written; bad input exits 2.
func TestSlotsOnTheBinary(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"problem.json", "plan.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", "lifecycle", f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), data, 0o644))
	}
	const now, iv = "2027-01-05T12:00", "B1-A-03/plasterboard"
	code, out, errs := runBin(t, dir, "slots", "problem.json", "plan.json", iv, "--count", "3", "--now", now)
	require.Equal(t, exitOK, code, errs)
	require.Contains(t, out, iv)
	require.Contains(t, out, "crew")
	code, out, errs = runBin(t, dir, "slots", "problem.json", "plan.json", iv, "--count", "3", "--now", now, "--json")
	require.Equal(t, exitOK, code, errs)
	var ans scheduler.SlotAnswer
	require.NoError(t, json.Unmarshal([]byte(out), &ans))
	require.NotEmpty(t, ans.Slots)
	require.LessOrEqual(t, len(ans.Slots), 3)

	ev := ans.Slots[0].Event
	ev.ID = "call-1"
	write := func(name string, evs ...model.Event) {
		data, err := json.Marshal(model.Events{Format: model.EventsFormat, Events: evs})
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
	write("ev.json", ev)
	code, _, errs = runBin(t, dir, "replan", "problem.json", "plan.json", "ev.json", "--now", now, "-o", "new.json", "--work-limit", "2", "--workers", "1")
	require.Equal(t, exitOK, code, errs)
	code, _, errs = runBin(t, dir, "verify", "new.problem.json", "new.json")
	require.Equal(t, exitOK, code, errs)
	var plan model.Plan
	readJSONFile(t, filepath.Join(dir, "new.json"), &plan)
	found := false
	for _, a := range plan.Assignments {
		if a.Intervention == iv {
			require.Equal(t, ans.Slots[0].Start, a.Start)
			found = true
		}
	}
	require.True(t, found)

	// a Sunday night fits no crew
	bad := ev
	bad.Start = "2027-02-07T23:00"
	write("bad.json", bad)
	code, _, errs = runBin(t, dir, "replan", "problem.json", "plan.json", "bad.json", "--now", now, "-o", "bad-plan.json", "--work-limit", "2", "--workers", "1")
	require.Equal(t, exitInvalid, code, errs)
	require.Contains(t, errs, `events[0].start (event "call-1")`)
	require.Contains(t, errs, "the slot no longer fits the plan")
	require.NoFileExists(t, filepath.Join(dir, "bad-plan.json"))

	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown intervention", []string{"slots", "problem.json", "plan.json", "nowhere/nothing", "--now", now}, `unknown intervention "nowhere/nothing"`},
		{"count", []string{"slots", "problem.json", "plan.json", iv, "--count", "0"}, "--count 0"},
		{"to before from", []string{"slots", "problem.json", "plan.json", iv, "--now", now, "--from", "2027-03-01", "--to", "2027-02-01"}, "--to: "},
		{"bad from", []string{"slots", "problem.json", "plan.json", iv, "--from", "soon"}, "--from soon"},
		{"missing intervention", []string{"slots", "problem.json", "plan.json"}, "usage: rehabplan slots"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runBin(t, dir, tc.args...)
			require.Equal(t, exitInvalid, code, errs)
			require.Contains(t, errs, tc.want)
		})
	}
}
