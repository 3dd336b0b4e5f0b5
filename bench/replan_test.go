package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

func TestRunReplanSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("solves several operations")
	}
	var out bytes.Buffer
	rows, err := RunReplan(context.Background(), ReplanOptions{Dwellings: 12, Scenarios: 4, Seed: 2, TimeLimit: 300 * time.Millisecond, Workers: 1, Only: -1}, &out)
	require.NoError(t, err, out.String())
	require.Len(t, rows, 4)
	for _, r := range rows {
		require.Zero(t, r.Violations, "%+v", r)
		require.LessOrEqual(t, r.MovedReplan, r.Announced)
	}
	require.True(t, strings.Contains(out.String(), "announced appointments moved: replan"), out.String())
	// the median of an even count of scenarios is the lower middle one
	firsts := make([]float64, len(rows))
	for i, r := range rows {
		firsts[i] = r.FirstValid.Seconds()
	}
	slices.Sort(firsts)
	require.Contains(t, out.String(), fmt.Sprintf("first valid replan: median %.3f s;", firsts[1]))
}

// TestReplanScenarioForEveryEventType: every event type of the model has a replan
// scenario, and each one, run on a small operation, replans an event of its own
// type (not the fallback to missed visits) with no hard violation.
func TestReplanScenarioForEveryEventType(t *testing.T) {
	for _, typ := range model.EventTypes {
		require.Contains(t, replanScenarios, typ, "event type %q has no replan scenario in bench/replan.go", typ)
	}
	for typ := range replanScenarios {
		require.Contains(t, model.EventTypes, typ, "replan scenario for %q, which is not in model.EventTypes", typ)
	}
	require.Equal(t, model.EventTypes, ReplanEventTypes())
	_, err := RunReplan(context.Background(), ReplanOptions{Dwellings: 4, Scenarios: 1, WorkLimit: 1, Workers: 1, Only: -1, Events: []string{"meteor_strike"}}, io.Discard)
	require.ErrorContains(t, err, `no replan scenario for event type "meteor_strike"`)
	if testing.Short() {
		t.Skip("solves an operation and replans it once per event type")
	}
	types := ReplanEventTypes()
	var out bytes.Buffer
	rows, err := RunReplan(context.Background(), ReplanOptions{Dwellings: 60, Scenarios: len(types), Seed: 1, WorkLimit: 30, Workers: 1, Only: -1, Events: types}, &out)
	require.NoError(t, err, out.String())
	require.Len(t, rows, len(types), out.String())
	for k, r := range rows {
		require.Equal(t, replanScenarios[types[k]].kind, r.Kind, "scenario %d (%s) fell back to another kind\n%s", k, types[k], out.String())
		require.Zero(t, r.Violations, "%+v", r)
		require.Zero(t, r.Unplaced[0], "the replan leaves interventions unplaced: %+v", r)
	}
}

// BenchmarkReplanFirstValid times a replan limited to its first construction after
// a delivery slip (the time to a valid new plan), for 200 and 500 dwellings.
func BenchmarkReplanFirstValid(b *testing.B) {
	for _, n := range []int{200, 500, 1000} {
		b.Run(fmt.Sprintf("dwellings=%d", n), func(b *testing.B) {
			p := gen.Generate(gen.Options{Dwellings: n, Seed: 7})
			base, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 1, Workers: 1})
			require.NoError(b, err)
			loc, _ := model.LoadLocation(p.Operation.TimeZone)
			d := p.Deliveries[len(p.Deliveries)-1]
			exp, _ := model.ParseMoment(d.Expected, loc)
			now := exp.AddDate(0, 0, -7)
			evs := &model.Events{Format: model.EventsFormat, Events: []model.Event{{ID: "slip", Type: model.EventDeliverySlipped,
				Delivery: d.ID, Expected: exp.AddDate(0, 0, 21).Format("2006-01-02T15:04")}}}
			for b.Loop() {
				rr, err := scheduler.Replan(context.Background(), p, base.Plan, evs, now, &scheduler.Settings{WorkLimit: 1, Workers: 1})
				if err != nil || len(rr.Result.Violations) > 0 {
					b.Fatalf("replan: %v %v", err, rr.Result.Violations)
				}
			}
		})
	}
}
