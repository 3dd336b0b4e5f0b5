package httpapi

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// TestSummaryRoute: the summary of the latest plan is the scheduler's, with the
// example's open snags by contractor and the households over the burden threshold
// (21 days, for the landlord); its read of households is audited; a contractor
// may not read it.
func TestSummaryRoute(t *testing.T) {
	ts, _ := newTestServer(t)
	resp, body := call(t, ts, "POST", "/v1/operations", writeTok, exampleJSON(t))
	require.Equal(t, 201, resp.StatusCode, string(body))
	resp, _ = call(t, ts, "GET", "/v1/operations/op-les-tilleuls/summary", readTok, nil)
	require.Equal(t, 404, resp.StatusCode, "no plan yet")
	resp, body = call(t, ts, "POST", "/v1/operations/op-les-tilleuls/solve?work_limit=2&seed=1", writeTok, nil)
	require.Equal(t, 202, resp.StatusCode, string(body))
	var st JobStatus
	require.NoError(t, json.Unmarshal(body, &st))
	require.Equal(t, "done", waitJob(t, ts, st.ID).State)
	_, body = call(t, ts, "GET", "/v1/jobs/"+st.ID+"/plan", readTok, nil)
	var plan model.Plan
	require.NoError(t, json.Unmarshal(body, &plan))

	resp, body = call(t, ts, "GET", "/v1/operations/op-les-tilleuls/summary", readTok, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	var got summaryAnswer
	require.NoError(t, json.Unmarshal(body, &got))
	assert.Equal(t, "op-les-tilleuls", got.Operation)
	assert.Equal(t, 2, got.Version)
	want := scheduler.Summarize(gen.Example(), &plan)
	require.NotNil(t, got.Summary)
	assert.Equal(t, want.OpenSnags, got.Summary.OpenSnags)
	assert.Equal(t, want.Burdened, got.Summary.Burdened)
	assert.Equal(t, 21, got.Summary.BurdenDays)
	require.Len(t, got.Summary.OpenSnags, 1)
	assert.Equal(t, 2, got.Summary.OpenSnags[0].Open)
	assert.Equal(t, want.Placed, got.Summary.Placed)
	_, body = call(t, ts, "GET", "/v1/audit?limit=100", adminTok, nil)
	assert.Contains(t, string(body), "getSummary", "the read is audited")
}

// A contractor's token may not read the summary (it names households).
func TestSummaryNotForContractors(t *testing.T) {
	ts, _, _ := roleServer(t)
	for role, want := range map[string]int{RoleContractor: 403, RoleManager: 200, RolePilot: 200, RoleViewer: 200} {
		resp, body := call(t, ts, "GET", "/v1/operations/op-a/summary", roleTokens[role], nil)
		assert.Equal(t, want, resp.StatusCode, "%s: %s", role, body)
	}
}
