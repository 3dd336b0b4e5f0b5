package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The defects of issue 14 (point 7) about health data, on a server set up as
// before roles existed (the old read and write tokens only): each test failed on
// the code before need-to-know access.

// oldStyleServer serves op-a and op-b of testdata/roles, op-a solved.
func oldStyleServer(t *testing.T) *httptest.Server {
	t.Helper()
	st, err := OpenBolt(filepath.Join(t.TempDir(), "rehabplan.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	ts := httptest.NewServer(New(Config{Store: st, Tokens: map[string]string{writeTok: RoleWrite, readTok: RoleRead}}))
	t.Cleanup(ts.Close)
	prob, err := os.ReadFile("testdata/roles/problem.json")
	require.NoError(t, err)
	for _, p := range [][]byte{prob, bytes.Replace(prob, []byte(`"id": "op-a"`), []byte(`"id": "op-b"`), 1)} {
		resp, body := call(t, ts, "POST", "/v1/operations", writeTok, p)
		require.Equal(t, 201, resp.StatusCode, string(body))
	}
	resp, body := call(t, ts, "POST", "/v1/operations/op-a/solve?work_limit=200&seed=1", writeTok, nil)
	require.Equal(t, 202, resp.StatusCode, string(body))
	var js JobStatus
	require.NoError(t, json.Unmarshal(body, &js))
	require.Equal(t, "done", waitJob(t, ts, js.ID).State)
	return ts
}

// A read token read every operation's profiles and the household-to-profile
// mapping (H007 -> respiratory-relocated), in the problem, the versions, the
// unplaced reasons and the explanations.
func TestReadTokenDoesNotReadProfiles(t *testing.T) {
	ts := oldStyleServer(t)
	for _, path := range []string{"/v1/operations/op-a", "/v1/operations/op-b", "/v1/operations/op-a/versions/1", "/v1/operations/op-a/versions/2",
		"/v1/operations/op-a/plan", "/v1/operations/op-a/interventions/B1-A-07%2Fplumbing/explanation"} {
		resp, body := call(t, ts, "GET", path, readTok, nil)
		require.Equal(t, 200, resp.StatusCode, path)
		for _, name := range []string{"respiratory-relocated", "night-worker"} {
			require.NotContains(t, string(body), name, path)
		}
	}
	// nor can one tell which households share a profile
	_, body := call(t, ts, "GET", "/v1/operations/op-a", readTok, nil)
	require.NotContains(t, string(body), `"profiles"`)
}

// A read token read any household's calendar.
func TestReadTokenDoesNotReadHouseholdCalendars(t *testing.T) {
	ts := oldStyleServer(t)
	for _, h := range []string{"H007", "H001", "H002"} {
		resp, body := call(t, ts, "GET", "/v1/operations/op-a/calendars/household/"+h, readTok, nil)
		require.Equal(t, 403, resp.StatusCode, "%s: %s", h, body)
		require.NotContains(t, string(body), "BEGIN:VCALENDAR")
	}
}

// 401 and 403 were neither logged nor counted.
func TestRefusalsAreCounted(t *testing.T) {
	ts := oldStyleServer(t)
	call(t, ts, "GET", "/v1/operations", "", nil)
	call(t, ts, "POST", "/v1/operations", readTok, []byte("{}"))
	_, body := call(t, ts, "GET", "/metrics", "", nil)
	require.True(t, strings.Contains(string(body), `rehabplan_http_auth_failures_total{reason="missing",status="401"} 1`), string(body))
	require.True(t, strings.Contains(string(body), `rehabplan_http_auth_failures_total{reason="role",status="403"} 1`), string(body))
}
