package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAnswerCacheKeepsEachViewApart: tokens of different roles read the same
// version, the second read of each served from the answer cache; each gets its
// own role's answer (the golden files of testdata/roles), never the one cached
// for another role, and every read, cached or not, is in the audit log.
func TestAnswerCacheKeepsEachViewApart(t *testing.T) {
	ts, s, _ := roleServer(t)
	head, err := s.cfg.Store.Head("op-a")
	require.NoError(t, err)
	grantOfRole := map[string]*Grant{}
	for _, role := range []string{RoleAdmin, RoleManager, RolePilot, RoleViewer, RoleContractor} {
		g := s.tokens.lookup(roleTokens[role])
		require.NotNil(t, g, role)
		grantOfRole[role] = g
	}
	cases := []struct {
		path, what string
		audited    string // the route recorded, "" when none is
		roles      []string
	}{
		{"/v1/operations/op-a/versions/3", "version", "getVersion", []string{RoleAdmin, RoleManager, RolePilot, RoleViewer}},
		{"/v1/operations/op-a", "problem", "getOperation", []string{RoleManager, RoleAdmin, RoleViewer, RolePilot}},
		{"/v1/operations/op-a/plan", "plan", "", []string{RoleContractor, RolePilot, RoleManager, RoleViewer, RoleAdmin}},
	}
	for _, tc := range cases {
		t.Run(tc.what, func(t *testing.T) {
			before := auditCount(t, ts)
			for _, role := range tc.roles {
				want := goldenAnswer(t, role, tc.path)
				vw := &view{role: grantOfRole[role].Role, crews: grantOfRole[role].Crews}
				key := answerKey("op-a", head, tc.what, vw)
				first := maskedGet(t, ts, roleTokens[role], tc.path)
				require.Equal(t, want, first, "%s's first read of %s", role, tc.path)
				cached := s.answers.get(key)
				require.NotNil(t, cached, "%s's answer of %s is cached under its view", role, tc.path)
				second := maskedGet(t, ts, roleTokens[role], tc.path)
				require.Equal(t, want, second, "%s's second read of %s, from the cache", role, tc.path)
				require.Equal(t, string(cached), string(s.answers.get(key)), "the cached answer is the one kept")
			}
			recs := auditSince(t, ts, before)
			if tc.audited == "" {
				require.Empty(t, recs)
				return
			}
			var got []string
			for _, r := range recs {
				require.Equal(t, tc.audited, r.Route)
				got = append(got, r.Token)
			}
			var want []string
			for _, role := range tc.roles {
				want = append(want, grantOfRole[role].ID, grantOfRole[role].ID)
			}
			require.Equal(t, want, got, "both reads of every token are audited, the cached ones too")
		})
	}
}

// goldenAnswer is the status and body role's golden file holds for path.
func goldenAnswer(t *testing.T, role, path string) string {
	data, err := os.ReadFile(filepath.Join("testdata", "roles", role+".json"))
	require.NoError(t, err)
	var golden map[string]any
	require.NoError(t, json.Unmarshal(data, &golden))
	ans, ok := golden[path]
	require.True(t, ok, "%s's golden file has no %s", role, path)
	out, err := json.Marshal(ans)
	require.NoError(t, err)
	return string(out)
}

// maskedGet is path's answer to tok as the golden files keep it.
func maskedGet(t *testing.T, ts *httptest.Server, tok, path string) string {
	resp, body := call(t, ts, "GET", path, tok, nil)
	body = createdField.ReplaceAll(body, []byte(`"$1": "(masked)"`))
	var v any
	require.NoError(t, json.Unmarshal(body, &v), string(body))
	if resp.StatusCode >= 400 {
		v = v.(map[string]any)["title"]
	}
	out, err := json.Marshal(map[string]any{"status": resp.StatusCode, "body": v})
	require.NoError(t, err)
	return string(out)
}

func auditSince(t *testing.T, ts *httptest.Server, after uint64) []AuditRecord {
	resp, body := call(t, ts, "GET", fmt.Sprintf("/v1/audit?after=%d&limit=1000", after), tokAdmin, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	var a auditAnswer
	require.NoError(t, json.Unmarshal(body, &a))
	return a.Records
}

func auditCount(t *testing.T, ts *httptest.Server) uint64 {
	recs := auditSince(t, ts, 0)
	if len(recs) == 0 {
		return 0
	}
	return recs[len(recs)-1].Seq
}
