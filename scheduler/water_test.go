package scheduler

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// TestLateWaterCutIsPlanned: a dwelling whose works are done, within its
// household's days without water, gets a water-cutting repair a month later; the
// old cuts are over, so the repair is planned, and the verifier accepts the plan.
func TestLateWaterCutIsPlanned(t *testing.T) {
	p, plan, loc := basePlan(t)
	const dw = "B1-A-01" // household H001, profile reduced-mobility: 21 days without water at most
	var last time.Time
	for _, a := range plan.Assignments {
		iv := ivByID(p, a.Intervention)
		if iv.Dwelling != dw {
			continue
		}
		iv.Status, iv.Crew, iv.Pilot, iv.Start, iv.End = model.StatusDone, a.Crew, a.Pilot, a.Start, a.End
		if end, err := model.ParseMoment(a.End, loc); err == nil && end.After(last) {
			last = end
		}
	}
	require.False(t, last.IsZero())
	p.Trades = append(p.Trades, model.Trade{ID: "leak", CutsWater: true, Access: model.AccessTenant})
	p.Crews = append(p.Crews, model.Crew{ID: "leak-1", Trades: []string{"leak"}})
	p.Interventions = append(p.Interventions, model.Intervention{ID: dw + "/leak", Dwelling: dw, Trade: "leak", Duration: "2h"})
	p.Operation.Now = last.AddDate(0, 0, 30).Format("2006-01-02T15:04")
	res, err := Solve(context.Background(), p, &Settings{WorkLimit: 2, Workers: 1})
	require.NoError(t, err)
	// (other dwellings' works, moved after this late "now", may not fit the
	// operation any more: only the repair is looked at)
	assert.Empty(t, res.Violations)
	assert.Empty(t, Verify(res.Problem, res.Plan))
	found := false
	for _, a := range res.Plan.Assignments {
		found = found || a.Intervention == dw+"/leak"
	}
	assert.True(t, found, "the repair is planned")
}
