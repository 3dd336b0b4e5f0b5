package scheduler

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
)

// The French explanations of the bundled example's first dwellings, as a pilot
// reads them on the planning page (fixed seed and work limit: deterministic).
func TestExplainFrenchGolden(t *testing.T) {
	p := gen.Example()
	res, err := Solve(context.Background(), p, &Settings{WorkLimit: 2, Workers: 1, Seed: 1})
	require.NoError(t, err)
	require.Empty(t, res.Violations, "the verifier's findings")
	require.Empty(t, Verify(res.Problem, res.Plan))
	e, err := NewExplainer(p, res.Plan)
	require.NoError(t, err)
	var b bytes.Buffer
	for _, iv := range p.Interventions[:24] {
		ex, err := e.ExplainIn(iv.ID, French)
		require.NoError(t, err)
		en, err := e.Explain(iv.ID)
		require.NoError(t, err)
		require.Len(t, ex.Reasons, len(en.Reasons), iv.ID)
		fmt.Fprintf(&b, "%s\n", iv.ID)
		for i, r := range ex.Reasons {
			assert.Equal(t, en.Reasons[i].Rule, r.Rule)
			assert.NotEqual(t, en.Reasons[i].Message, r.Message)
			fmt.Fprintf(&b, "  %s: %s\n", r.Rule, r.Message)
		}
	}
	const path = "testdata/explain-fr.golden"
	if *update {
		require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), b.String(), "go test ./scheduler -update to accept")
}

// Settings.Lang words the plan's unplaced interventions; an unknown language is
// an error that names the setting.
func TestSolveLang(t *testing.T) {
	p := gen.Example()
	// too short: some interventions stay unplaced (after the example's announced
	// first three weeks, which end by 2027-01-29)
	p.Operation.End = "2027-02-05"
	_, err := Solve(context.Background(), p, &Settings{WorkLimit: 1, Workers: 1, Lang: "de"})
	require.ErrorContains(t, err, `Settings.Lang: unknown language "de"`)
	en, err := Solve(context.Background(), p, &Settings{WorkLimit: 1, Workers: 1, Seed: 1})
	require.NoError(t, err)
	fr, err := Solve(context.Background(), p, &Settings{WorkLimit: 1, Workers: 1, Seed: 1, Lang: French})
	require.NoError(t, err)
	require.Empty(t, en.Violations)
	require.Empty(t, fr.Violations)
	require.Empty(t, Verify(en.Problem, en.Plan))
	require.Empty(t, Verify(fr.Problem, fr.Plan))
	require.NotEmpty(t, en.Plan.Unplaced)
	require.Len(t, fr.Plan.Unplaced, len(en.Plan.Unplaced))
	for i, u := range fr.Plan.Unplaced {
		require.Len(t, u.Reasons, len(en.Plan.Unplaced[i].Reasons))
		for k, r := range u.Reasons {
			assert.Equal(t, en.Plan.Unplaced[i].Reasons[k].Rule, r.Rule)
			assert.NotEqual(t, en.Plan.Unplaced[i].Reasons[k].Message, r.Message)
		}
	}
	// an explainer words the stored English reasons in French
	e, err := NewExplainer(p, en.Plan)
	require.NoError(t, err)
	u := en.Plan.Unplaced[0]
	ex, err := e.ExplainIn(u.Intervention, French)
	require.NoError(t, err)
	assert.Equal(t, fr.Plan.Unplaced[0].Reasons, ex.Reasons)
	_, err = e.ExplainIn(u.Intervention, "es")
	require.ErrorContains(t, err, `unknown language "es"`)
}
