package httpapi

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
	"github.com/stretchr/testify/require"
)

// The explanation route compiles a version once, answers many questions at once
// from it, and never answers from a version that is no longer the latest.
func TestExplanationsCachedPerVersion(t *testing.T) {
	ts, s := newTestServer(t)
	solveExample(t, ts)

	p := gen.Example()
	ids := []string{p.Interventions[0].ID, p.Interventions[100].ID, p.Interventions[500].ID}
	path := func(id string) string {
		return "/v1/operations/op-les-tilleuls/interventions/" + url.PathEscape(id) + "/explanation"
	}
	get := func(id string) scheduler.Explanation {
		resp, body := call(t, ts, "GET", path(id), readTok, nil)
		require.Equal(t, 200, resp.StatusCode, string(body))
		var ex scheduler.Explanation
		require.NoError(t, json.Unmarshal(body, &ex))
		return ex
	}
	want := map[string]scheduler.Explanation{}
	for _, id := range ids {
		want[id] = get(id)
		require.NotEmpty(t, want[id].Reasons, id)
	}
	require.Len(t, s.explainers.byKey, 1, "one version, compiled once")
	var wg sync.WaitGroup
	for k := 0; k < 8; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			id := ids[k%len(ids)]
			resp, body := call(t, ts, "GET", path(id), readTok, nil)
			if resp.StatusCode != 200 {
				t.Errorf("%d %s", resp.StatusCode, body)
				return
			}
			var ex scheduler.Explanation
			if err := json.Unmarshal(body, &ex); err != nil || len(ex.Reasons) != len(want[id].Reasons) {
				t.Errorf("concurrent explanation of %s differs: %s", id, body)
			}
		}(k)
	}
	wg.Wait()

	// a new plan: its explanations come from it
	resp, body := call(t, ts, "POST", "/v1/operations/op-les-tilleuls/solve?work_limit=6&seed=9", writeTok, nil)
	require.Equal(t, 202, resp.StatusCode, string(body))
	var st JobStatus
	require.NoError(t, json.Unmarshal(body, &st))
	require.Equal(t, "done", waitJob(t, ts, st.ID).State)
	_, body = call(t, ts, "GET", "/v1/operations/op-les-tilleuls/plan", readTok, nil)
	var plan model.Plan
	require.NoError(t, json.Unmarshal(body, &plan))
	for _, id := range ids {
		ex := get(id)
		for _, a := range plan.Assignments {
			if a.Intervention == id {
				require.Equal(t, a, *ex.Assignment, "%s explained from an old plan", id)
			}
		}
	}
	require.Len(t, s.explainers.byKey, 2)

	// deleted and created again under the same id, without a plan: no stale answer
	resp, _ = call(t, ts, "DELETE", "/v1/operations/op-les-tilleuls", writeTok, nil)
	require.Equal(t, 204, resp.StatusCode)
	resp, _ = call(t, ts, "POST", "/v1/operations", writeTok, exampleJSON(t))
	require.Equal(t, 201, resp.StatusCode)
	resp, _ = call(t, ts, "GET", path(ids[0]), readTok, nil)
	require.Equal(t, 404, resp.StatusCode)
}

// The explanation speaks French when asked with ?lang=fr, or when the browser's
// Accept-Language puts French first; English otherwise; an unknown lang is a 400
// that names the parameter.
func TestExplanationLanguage(t *testing.T) {
	ts, _ := newTestServer(t)
	solveExample(t, ts)

	id := gen.Example().Interventions[2].ID
	path := "/v1/operations/op-les-tilleuls/interventions/" + url.PathEscape(id) + "/explanation"
	get := func(query string, hdr ...string) (scheduler.Explanation, *http.Response) {
		resp, body := call(t, ts, "GET", path+query, readTok, nil, hdr...)
		require.Equal(t, 200, resp.StatusCode, string(body))
		var ex scheduler.Explanation
		require.NoError(t, json.Unmarshal(body, &ex))
		require.NotEmpty(t, ex.Reasons)
		return ex, resp
	}
	en, resp := get("")
	require.Equal(t, "en", resp.Header.Get("Content-Language"))
	fr, resp := get("?lang=fr")
	require.Equal(t, "fr", resp.Header.Get("Content-Language"))
	require.Len(t, fr.Reasons, len(en.Reasons))
	for i := range en.Reasons {
		require.Equal(t, en.Reasons[i].Rule, fr.Reasons[i].Rule)
		require.NotEqual(t, en.Reasons[i].Message, fr.Reasons[i].Message)
		require.Contains(t, fr.Reasons[i].Message, id)
	}

	cases := []struct {
		name, query, acceptLanguage string
		want                        scheduler.Explanation
	}{
		{"lang=en", "?lang=en", "", en},
		{"French listed first", "", "fr-FR,fr;q=0.9,en;q=0.8", fr},
		{"French preferred by q", "", "en;q=0.5, fr", fr},
		{"English listed first", "", "en-GB,fr;q=0.9", en},
		{"neither", "", "de-DE,es", en},
		{"the parameter wins over the header", "?lang=en", "fr", en},
		{"the parameter wins, French", "?lang=fr", "en-GB", fr},
		{"a regional French", "", "fr-CA", fr},
		{"a wildcard before French", "", "*;q=0.5, fr;q=0.1", en},
		{"garbage", "", "!!garbage", en},
		{"garbage entry skipped", "", "not a tag, fr", fr},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.acceptLanguage != "" {
				hdr = []string{"Accept-Language", tc.acceptLanguage}
			}
			got, _ := get(tc.query, hdr...)
			require.Equal(t, tc.want, got)
		})
	}

	for _, bad := range []string{"?lang=de", "?lang=", "?lang=FR-fr"} {
		resp, body := call(t, ts, "GET", path+bad, readTok, nil)
		require.Equal(t, 400, resp.StatusCode, bad)
		require.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
		var pb struct {
			Detail string `json:"detail"`
			Errors []struct {
				Field string `json:"field"`
			} `json:"errors"`
		}
		require.NoError(t, json.Unmarshal(body, &pb))
		require.Len(t, pb.Errors, 1)
		require.Equal(t, "lang", pb.Errors[0].Field)
		require.Contains(t, pb.Detail, "unknown language")
	}
}

// Accept-Language is read as RFC 9110 says: q-values order the languages,
// regional tags match their language, a wildcard stands for English where it
// comes, q=0 refuses a language, entries that do not parse are skipped.
func TestAcceptedLang(t *testing.T) {
	cases := []struct {
		header string
		want   scheduler.Lang
	}{
		{"", scheduler.English},
		{"fr", scheduler.French},
		{"fr-CA", scheduler.French},
		{"fr-BE;q=0.8, de", scheduler.French},
		{"en-GB", scheduler.English},
		{"en-GB,fr;q=0.9", scheduler.English},
		{"fr-FR,fr;q=0.9,en;q=0.8", scheduler.French},
		{"en;q=0.5, fr", scheduler.French},
		{"en;q=0.5, fr;q=0.7", scheduler.French},
		{"fr;q=0.3, en;q=0.4", scheduler.English},
		{"fr;q=0, en;q=0.1", scheduler.English},
		{"fr;q=0", scheduler.English},
		{"de-DE,es", scheduler.English},
		{"de-DE, fr;q=0.2", scheduler.French},
		{"es-419, fr", scheduler.French},
		{"*", scheduler.English},
		{"*;q=0.5, fr;q=0.1", scheduler.English},
		{"fr;q=0.6, *;q=0.5", scheduler.French},
		{"de, *;q=0.1, fr;q=0.05", scheduler.English},
		{"!!garbage", scheduler.English},
		{"fr;q=abc", scheduler.English},
		{"not a tag at all, fr", scheduler.French},
		{"xx-yy-zz-123456789, fr;q=0.5", scheduler.French},
		{";;;,,,", scheduler.English},
		{strings.Repeat("fr-", 30), scheduler.English},
	}
	for _, tc := range cases {
		t.Run(tc.header, func(t *testing.T) {
			require.Equal(t, tc.want, acceptedLang(tc.header))
		})
	}
}

// TestExplainerCacheKeepsItsBudget: at most explainersKept explainers, within
// explainerBudget interventions, the most recently used last out; the last one
// put is kept whatever its weight.
func TestExplainerCacheKeepsItsBudget(t *testing.T) {
	var c explainerCache
	put := func(key string, weight int) { c.put(key, &explainerOf{weight: weight}) }
	for _, tc := range []struct {
		key    string
		weight int
		kept   []string
	}{
		{"a", 1000, []string{"a"}},
		{"b", 1000, []string{"a", "b"}},
		{"c", 1000, []string{"a", "b", "c"}},
		{"d", 1000, []string{"a", "b", "c", "d"}},
		{"e", 1000, []string{"b", "c", "d", "e"}},                  // at most explainersKept
		{"big", explainerBudget - 2500, []string{"d", "e", "big"}}, // within the budget
		{"huge", explainerBudget + 1, []string{"huge"}},            // alone, over it
		{"f", 10, []string{"f"}},
	} {
		put(tc.key, tc.weight)
		require.Equal(t, tc.kept, c.keys, tc.key)
		sum := 0
		for _, k := range c.keys {
			sum += c.byKey[k].weight
		}
		require.Equal(t, sum, c.weight)
	}
	put("g", 10)
	require.NotNil(t, c.get("f"))
	put("h", 10)
	require.Equal(t, []string{"g", "f", "h"}, c.keys, "the most recently used last")
	c.keys = append(c.keys, "op\x00inc\x001")
	c.byKey["op\x00inc\x001"] = &explainerOf{weight: 5}
	c.weight += 5
	c.drop("op")
	require.Equal(t, 30, c.weight)
}
