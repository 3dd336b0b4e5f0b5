package scheduler

import (
	"bytes"
	"context"
	"flag"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The summary people read on stderr, for the bundled example with a fixed seed and
// work limit (deterministic).
func TestSummaryGolden(t *testing.T) {
	p := gen.Example()
	res, err := Solve(context.Background(), p, &Settings{WorkLimit: 2, Workers: 1, Seed: 1})
	require.NoError(t, err)
	require.Empty(t, Verify(p, res.Plan))
	var b bytes.Buffer
	require.NoError(t, Summarize(p, res.Plan).WriteText(&b))
	// rehabplan solve summarizes the problem Solve returns, the plan's stays
	// booked in it (so that they are not booked and validated again): the same
	require.NotEmpty(t, res.Plan.PlannedStays(), "the example has planned stays")
	require.NotSame(t, p, res.Problem)
	assert.Equal(t, Summarize(p, res.Plan), Summarize(res.Problem, res.Plan))
	const path = "testdata/summary.golden"
	if *update {
		require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), b.String(), "go test ./scheduler -update to accept")
}
