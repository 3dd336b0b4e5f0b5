package batch

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// An operation whose plan has stays the planner chose: a night with no event
// writes no version for booking them, whether the problem was stored as given
// beside the plan (rehabplan solve's output) or the batch solved it first (the
// version then books them, and says how many it planned).
func TestFirstNightBooksPlannedStaysQuietly(t *testing.T) {
	now, p, res := withPlannedStays(t)
	require.Less(t, len(p.Interventions), len(res.Problem.Interventions), "the stays add the moves")

	dir := t.TempDir()
	writeJSONFile(t, filepath.Join(dir, "as-given", "problem.json"), p)
	writeJSONFile(t, filepath.Join(dir, "as-given", "plan.json"), res.Plan)
	writeJSONFile(t, filepath.Join(dir, "solved-here", "problem.json"), p)
	rs, err := Run(context.Background(), dir, Options{Now: now, WorkLimit: 2, Workers: 1})
	require.NoError(t, err)
	require.Len(t, rs, 2)
	require.Equal(t, "unchanged", rs[0].Status, "%+v", rs[0])
	require.Zero(t, rs[0].Version)
	require.Equal(t, "ok", rs[1].Status, "%+v", rs[1])
	require.Equal(t, 1, rs[1].Version)
	require.Equal(t, len(res.Plan.PlannedStays()), rs[1].StaysPlanned)
	var out strings.Builder
	require.NoError(t, WriteReport(&out, rs))
	require.Regexp(t, `solved-here +ok .*\(\d+ stays? planned\)`, out.String())
	l, err := LoadLatest(filepath.Join(dir, "solved-here"))
	require.NoError(t, err)
	booked := map[model.Relocation]bool{}
	for _, r := range l.Problem.Relocations {
		booked[r] = true
	}
	for _, st := range l.Plan.PlannedStays() {
		require.True(t, booked[model.Relocation{Household: st.Household, Unit: st.Unit, From: st.From, To: st.To}], "version 1 books %+v", st)
	}
	require.Empty(t, scheduler.Verify(l.Problem, l.Plan))

	// the next night, nothing happened: no version anywhere
	rs, err = Run(context.Background(), dir, Options{Now: now.Add(time.Hour), WorkLimit: 2, Workers: 1})
	require.NoError(t, err)
	for _, r := range rs {
		require.Equal(t, "unchanged", r.Status, "%+v", r)
		require.Zero(t, r.StaysPlanned)
	}
}
