package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
)

// verify validates the problem it reads once (model.Validations counts the
// runs): the problem as given, then, when the plan plans stays the problem does
// not book, the problem with them booked (another document); never one twice.
func TestVerifyValidatesOnce(t *testing.T) {
	dir := t.TempDir()
	prob, plan := filepath.Join(dir, "p.json"), filepath.Join(dir, "plan.json")
	require.NoError(t, writeJSON(prob, nil, gen.Example()))
	code, _, errs := runCLI("solve", prob, "-o", plan, "--work-limit", "2", "--workers", "1", "--seed", "1")
	require.Equal(t, exitOK, code, errs)
	pl, err := readPlan(plan)
	require.NoError(t, err)
	require.NotEmpty(t, pl.PlannedStays(), "the example's plan plans stays")
	p, err := readProblem(prob)
	require.NoError(t, err)
	booked, err := model.WithPlannedStays(p, pl)
	require.NoError(t, err)
	bookedProb := filepath.Join(dir, "booked.json")
	require.NoError(t, writeJSON(bookedProb, nil, booked))
	for _, tc := range []struct {
		name   string
		prob   string
		verify int64 // validations by verify
	}{
		{"stays to book", prob, 2},
		{"stays booked", bookedProb, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := model.Validations()
			code, out, _ := runCLI("verify", tc.prob, plan)
			require.Equal(t, exitOK, code, out)
			assert.Contains(t, out, "no hard rule broken")
			assert.Contains(t, out, "bound", "the plan is complete: it is assessed too")
			assert.Equal(t, tc.verify, model.Validations()-before)
		})
	}
}
