package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRequestLogStore: requests are numbered per operation, listed by
// household, replayed by their idempotency key, updated on their revision
// only, bound to the operation's incarnation, and kept across a reopening.
//
// One long function: each step reads what the steps before it stored.
func TestRequestLogStore(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		st := k.open(t)
		v, err := st.CreateOperation("op", problemNamed("op"))
		require.NoError(t, err)
		inc := v.Incarnation
		other, err := st.CreateOperation("other", problemNamed("other"))
		require.NoError(t, err)
		log := st.(RequestLog)
		t0 := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
		mk := func(h, subject string) TenantRequest {
			return TenantRequest{Household: h, Date: "2027-03-01", Subject: subject, Status: RequestOpen, Interventions: []string{"B1-A-01/painting"},
				FollowUp: "2027-03-08", Text: "free text", Created: t0, Updated: t0, UpdatedBy: "pilot-asso"}
		}
		empty, err := log.Requests("op", "")
		require.NoError(t, err)
		require.NotNil(t, empty)
		require.Empty(t, empty)
		_, err = log.Requests("nope", "")
		require.ErrorIs(t, err, ErrNotFound)

		idem := NewIdem("key-1", "POST", "/x", []byte("body"))
		r1, replayed, err := log.AddRequest("op", inc, mk("H002", "noise"), idem)
		require.NoError(t, err)
		require.False(t, replayed)
		require.Equal(t, "R1", r1.ID)
		require.Equal(t, 1, r1.Revision)
		require.Equal(t, inc, r1.Incarnation)
		again, replayed, err := log.AddRequest("op", inc, mk("H002", "noise"), idem)
		require.NoError(t, err)
		require.True(t, replayed, "the same key and request: the first answer")
		require.Equal(t, r1, again)
		_, _, err = log.AddRequest("op", inc, mk("H002", "Zq9 subject"), NewIdem("key-1", "POST", "/x", []byte("other body")))
		require.ErrorIs(t, err, ErrIdempotencyMismatch)
		require.NotContains(t, err.Error(), "Zq9", "the request's content is not in the error")
		r2, _, err := log.AddRequest("op", inc, mk("H001", "water cut"), Idem{})
		require.NoError(t, err)
		require.Equal(t, "R2", r2.ID)
		_, _, err = log.AddRequest("op", "another-incarnation", mk("H001", "x"), Idem{})
		require.ErrorIs(t, err, ErrNotFound, "a write for another incarnation")
		o1, _, err := log.AddRequest("other", other.Incarnation, mk("H001", "other op"), idem)
		require.NoError(t, err)
		require.Equal(t, "R1", o1.ID, "numbered per operation; keys per operation")

		st = k.reopen(t, st)
		log = st.(RequestLog)
		all, err := log.Requests("op", "")
		require.NoError(t, err)
		require.Equal(t, []TenantRequest{*r2, *r1}, all, "by household, then number")
		mine, err := log.Requests("op", "H002")
		require.NoError(t, err)
		require.Equal(t, []TenantRequest{*r1}, mine)

		up := mk("H002", "noise, answered")
		up.ID, up.Status = "R1", RequestInProgress
		u1, err := log.UpdateRequest("op", inc, up, 1)
		require.NoError(t, err)
		require.Equal(t, 2, u1.Revision)
		require.Equal(t, RequestInProgress, u1.Status)
		require.Equal(t, r1.Created, u1.Created)
		_, err = log.UpdateRequest("op", inc, up, 1)
		var ce *RequestConflictError
		require.ErrorAs(t, err, &ce, "a write on revision 1, now 2")
		require.Equal(t, 2, ce.Current.Revision)
		require.ErrorIs(t, err, ErrConflict)
		u2, err := log.UpdateRequest("op", inc, up, 0)
		require.NoError(t, err, "no revision named: written")
		require.Equal(t, 3, u2.Revision)
		for _, tc := range []struct {
			name, id, household, inc string
		}{
			{"no such request", "R9", "H002", inc},
			{"not a request id", "X1", "H002", inc},
			{"a request of another household", "R1", "H001", inc},
			{"another incarnation", "R1", "H002", "another-incarnation"},
		} {
			bad := up
			bad.ID, bad.Household = tc.id, tc.household
			_, err := log.UpdateRequest("op", tc.inc, bad, 0)
			require.ErrorIs(t, err, ErrNotFound, tc.name)
		}

		require.NoError(t, st.DeleteOperation("op", inc))
		_, err = log.Requests("op", "")
		require.ErrorIs(t, err, ErrNotFound)
		v, err = st.CreateOperation("op", problemNamed("op again"))
		require.NoError(t, err)
		gone, err := log.Requests("op", "")
		require.NoError(t, err)
		require.Empty(t, gone, "a deleted operation's requests go with it")
		n1, replayed, err := log.AddRequest("op", v.Incarnation, mk("H001", "new"), idem)
		require.NoError(t, err)
		require.False(t, replayed, "the deleted operation's keys went with it")
		require.Equal(t, "R1", n1.ID)
		kept, err := log.Requests("other", "")
		require.NoError(t, err)
		require.Len(t, kept, 1, "another operation's requests stay")
	})
}

// The secrets of the API test: what a request says, looked for in every log
// line and every error answer.
const (
	secretSubject = "Subject-Kz8 asthma crisis during sanding"
	secretText    = "Text-Qw3 the daughter is on oxygen at night"
)

// requestServer serves op-a and op-b (created only) with a token per role, on
// a new store of kind k. logs collects its log.
func requestServer(t *testing.T, k storeKind) (*httptest.Server, *syncBuffer) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "tokens")
	require.NoError(t, os.WriteFile(file, []byte(strings.Join([]string{
		sha(tokAdmin) + " admin id=admin",
		sha(tokManager) + " manager op-a id=landlord",
		sha(tokPilot) + " pilot op-a id=pilot-asso",
		sha(tokContractor) + " contractor op-a crews=PLB-1 id=durand",
		sha(tokViewer) + " viewer op-a id=board",
	}, "\n")), 0o600))
	toks, _, err := NewTokenSet(file)
	require.NoError(t, err)
	logs := &syncBuffer{}
	s := New(Config{Store: k.open(t), TokenSet: toks, Tokens: map[string]string{readTok: RoleRead, writeTok: RoleWrite},
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	prob, err := os.ReadFile("testdata/roles/problem.json")
	require.NoError(t, err)
	for _, op := range []string{"op-a", "op-b"} {
		resp, body := call(t, ts, "POST", "/v1/operations", tokAdmin, bytes.Replace(prob, []byte(`"id": "op-a"`), []byte(`"id": "`+op+`"`), 1))
		require.Equal(t, 201, resp.StatusCode, string(body))
	}
	return ts, logs
}

func requestBody(status, followUp string) []byte {
	b, _ := json.Marshal(tenantRequestBody{Date: "2027-03-01", Subject: secretSubject, Status: status,
		Interventions: []string{"B1-A-01/painting"}, FollowUp: followUp, Text: secretText})
	return b
}

const reqPath = "/v1/operations/op-a/households/H007/requests"

// TestTenantRequestsAPI: a pilot, a manager or an admin adds, lists and updates
// a household's requests, with Idempotency-Key and If-Match; the overdue filter
// lists the open requests whose follow-up date has passed.
//
// One long function: each step reads what the steps before it wrote.
func TestTenantRequestsAPI(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		ts, logs := requestServer(t, k)
		resp, body := call(t, ts, "POST", reqPath, tokPilot, requestBody("", "2027-03-05"), "Idempotency-Key", "add-1")
		require.Equal(t, 201, resp.StatusCode, string(body))
		var r1 tenantRequestAnswer
		require.NoError(t, json.Unmarshal(body, &r1))
		assert.Equal(t, "R1", r1.ID)
		assert.Equal(t, RequestOpen, r1.Status, "open by default")
		assert.Equal(t, "pilot-asso", r1.UpdatedBy)
		assert.Equal(t, reqPath+"/R1", resp.Header.Get("Location"))
		assert.Equal(t, r1.ETag, resp.Header.Get("ETag"))
		resp, body = call(t, ts, "POST", reqPath, tokPilot, requestBody("", "2027-03-05"), "Idempotency-Key", "add-1")
		require.Equal(t, 200, resp.StatusCode, string(body))
		assert.Equal(t, "true", resp.Header.Get("Idempotent-Replayed"))
		resp, body = call(t, ts, "POST", reqPath, tokPilot, requestBody(RequestClosed, ""), "Idempotency-Key", "add-1")
		require.Equal(t, 422, resp.StatusCode, string(body))

		resp, body = call(t, ts, "POST", reqPath, tokManager, requestBody(RequestInProgress, "2027-03-20"))
		require.Equal(t, 201, resp.StatusCode, string(body))
		resp, body = call(t, ts, "POST", "/v1/operations/op-a/households/H001/requests", tokAdmin, requestBody(RequestOpen, "2027-03-02"))
		require.Equal(t, 201, resp.StatusCode, string(body))
		resp, body = call(t, ts, "POST", "/v1/operations/op-a/households/H002/requests", tokAdmin, requestBody(RequestClosed, "2027-03-02"))
		require.Equal(t, 201, resp.StatusCode, string(body))

		ids := func(path string) []string {
			t.Helper()
			resp, body := call(t, ts, "GET", path, tokPilot, nil)
			require.Equal(t, 200, resp.StatusCode, string(body))
			var ans tenantRequestsAnswer
			require.NoError(t, json.Unmarshal(body, &ans))
			out := []string{}
			for _, r := range ans.Requests {
				out = append(out, r.Household+"/"+r.ID)
			}
			return out
		}
		assert.Equal(t, []string{"H007/R1", "H007/R2"}, ids(reqPath))
		assert.Equal(t, []string{"H001/R3", "H002/R4", "H007/R1", "H007/R2"}, ids("/v1/operations/op-a/requests"))
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"overdue=2027-03-01", []string{}},
			{"overdue=2027-03-03", []string{"H001/R3"}},                       // H002's is closed
			{"overdue=2027-03-06", []string{"H001/R3", "H007/R1"}},            // the follow-up day itself is not overdue
			{"overdue=2027-04-01", []string{"H001/R3", "H007/R1", "H007/R2"}}, // in progress is not closed
			{"overdue=2027-04-01&status=in_progress", []string{"H007/R2"}},
			{"status=closed", []string{"H002/R4"}},
		} {
			assert.Equal(t, tc.want, ids("/v1/operations/op-a/requests?"+tc.query), tc.query)
		}
		assert.Equal(t, []string{"H007/R1"}, ids(reqPath+"?overdue=2027-03-06"))

		// updates: If-Match on the request's revision
		resp, body = call(t, ts, "PUT", reqPath+"/R1", tokPilot, requestBody(RequestClosed, "2027-03-05"), "If-Match", r1.ETag)
		require.Equal(t, 200, resp.StatusCode, string(body))
		var u1 tenantRequestAnswer
		require.NoError(t, json.Unmarshal(body, &u1))
		assert.Equal(t, 2, u1.Revision)
		assert.Equal(t, RequestClosed, u1.Status)
		assert.Equal(t, r1.Created, u1.Created)
		assert.NotEqual(t, r1.ETag, u1.ETag)
		for _, tc := range []struct {
			name, path, ifMatch string
			want                int
		}{
			{"a stale revision", reqPath + "/R1", r1.ETag, 412},
			{"a weak tag", reqPath + "/R1", "W/" + u1.ETag, 412},
			{"another request's tag", reqPath + "/R2", u1.ETag, 412},
			{"no such request", reqPath + "/R9", "", 404},
			{"a request of another household", "/v1/operations/op-a/households/H001/requests/R1", "", 404},
			{"no such household", "/v1/operations/op-a/households/H999/requests/R1", "", 404},
		} {
			resp, body := call(t, ts, "PUT", tc.path, tokPilot, requestBody(RequestOpen, ""), "If-Match", tc.ifMatch)
			assert.Equal(t, tc.want, resp.StatusCode, "%s: %s", tc.name, body)
		}
		assert.Equal(t, []string{"H001/R3", "H007/R2"}, ids("/v1/operations/op-a/requests?overdue=2027-04-01"), "a closed request is not overdue")

		// an operation deleted and created again: the old tags match nothing
		resp, _ = call(t, ts, "DELETE", "/v1/operations/op-a", tokAdmin, nil)
		require.Equal(t, 204, resp.StatusCode)
		prob, err := os.ReadFile("testdata/roles/problem.json")
		require.NoError(t, err)
		resp, _ = call(t, ts, "POST", "/v1/operations", tokAdmin, prob)
		require.Equal(t, 201, resp.StatusCode)
		assert.Equal(t, []string{}, ids("/v1/operations/op-a/requests"))
		resp, body = call(t, ts, "POST", reqPath, tokPilot, requestBody("", ""))
		require.Equal(t, 201, resp.StatusCode, string(body))
		resp, body = call(t, ts, "PUT", reqPath+"/R1", tokPilot, requestBody(RequestClosed, ""), "If-Match", r1.ETag)
		assert.Equal(t, 412, resp.StatusCode, "a tag of the deleted operation: %s", body)

		assert.NotContains(t, logs.String(), "Kz8")
		assert.NotContains(t, logs.String(), "Qw3")
	})
}

// TestTenantRequestsNeedToKnow: contractors and viewers (and the old read
// token) get 403 on every request route and never a request's content; a pilot
// of op-a gets 403 on op-b; nothing of a request reaches the log or an error
// answer, whatever the error.
func TestTenantRequestsNeedToKnow(t *testing.T) {
	forEachStore(t, func(t *testing.T, k storeKind) {
		ts, logs := requestServer(t, k)
		resp, body := call(t, ts, "POST", reqPath, tokPilot, requestBody("", "2027-03-05"), "Idempotency-Key", "k")
		require.Equal(t, 201, resp.StatusCode, string(body))
		var answers []string
		for _, tok := range []string{tokContractor, tokViewer, readTok} {
			for _, rq := range []struct{ method, path string }{
				{"GET", "/v1/operations/op-a/requests"},
				{"GET", "/v1/operations/op-a/requests?overdue=2027-04-01"},
				{"GET", reqPath},
				{"POST", reqPath},
				{"PUT", reqPath + "/R1"},
			} {
				var b []byte
				if rq.method != "GET" {
					b = requestBody(RequestClosed, "")
				}
				resp, body := call(t, ts, rq.method, rq.path, tok, b)
				assert.Equal(t, 403, resp.StatusCode, "%s %s: %s", rq.method, rq.path, body)
				answers = append(answers, string(body))
			}
		}
		resp, body = call(t, ts, "GET", "/v1/operations/op-b/households/H007/requests", tokPilot, nil)
		assert.Equal(t, 403, resp.StatusCode, "a pilot of op-a on op-b: %s", body)
		// the other reads of the operation say nothing of the requests
		for _, path := range []string{"/v1/operations/op-a", "/v1/operations/op-a/versions/1", "/v1/operations/op-a/calendars/household/H007"} {
			_, body := call(t, ts, "GET", path, tokAdmin, nil)
			answers = append(answers, string(body))
		}

		// errors of every kind, each with the secrets in the body
		long := strings.Repeat("é", maxSubjectRunes) + secretSubject
		bad := func(mod func(b *tenantRequestBody)) []byte {
			b := tenantRequestBody{Date: "2027-03-01", Subject: secretSubject, Text: secretText, FollowUp: "2027-03-05"}
			mod(&b)
			data, _ := json.Marshal(b)
			return data
		}
		for _, tc := range []struct {
			name, method, path string
			body               []byte
			hdr                []string
			want               int
			field              string
		}{
			{"no date", "POST", reqPath, bad(func(b *tenantRequestBody) { b.Date = "" }), nil, 400, "date"},
			{"a bad date", "POST", reqPath, bad(func(b *tenantRequestBody) { b.Date = secretSubject }), nil, 400, "date"},
			{"no subject", "POST", reqPath, bad(func(b *tenantRequestBody) { b.Subject = " " }), nil, 400, "subject"},
			{"a long subject", "POST", reqPath, bad(func(b *tenantRequestBody) { b.Subject = long }), nil, 400, "subject"},
			{"a long text", "POST", reqPath, bad(func(b *tenantRequestBody) { b.Text = strings.Repeat(secretText, 400) }), nil, 400, "text"},
			{"a bad status", "POST", reqPath, bad(func(b *tenantRequestBody) { b.Status = secretSubject }), nil, 400, "status"},
			{"a follow-up before the date", "POST", reqPath, bad(func(b *tenantRequestBody) { b.FollowUp = "2027-02-01" }), nil, 400, "follow_up"},
			{"an unknown intervention", "POST", reqPath, bad(func(b *tenantRequestBody) { b.Interventions = []string{secretSubject} }), nil, 400, "interventions[0]"},
			{"an intervention twice", "POST", reqPath, bad(func(b *tenantRequestBody) { b.Interventions = []string{"B1-A-01/visit", "B1-A-01/visit"} }), nil, 400, "interventions[1]"},
			{"a wrong type", "POST", reqPath, []byte(`{"date":"2027-03-01","subject":["` + secretSubject + `"]}`), nil, 400, "subject"},
			{"an unknown field", "POST", reqPath, []byte(`{"date":"2027-03-01","subject":"x","` + secretText + `":1}`), nil, 400, "(document)"},
			{"not JSON", "POST", reqPath, []byte(secretText), nil, 400, "(document)"},
			{"no such household", "POST", "/v1/operations/op-a/households/H999/requests", bad(func(*tenantRequestBody) {}), nil, 404, ""},
			{"a key reused", "POST", reqPath, bad(func(*tenantRequestBody) {}), []string{"Idempotency-Key", "k"}, 422, ""},
			{"a stale tag", "PUT", reqPath + "/R1", bad(func(*tenantRequestBody) {}), []string{"If-Match", `"x.R1.9"`}, 412, ""},
			{"no such request", "PUT", reqPath + "/R7", bad(func(*tenantRequestBody) {}), nil, 404, ""},
		} {
			resp, body := call(t, ts, tc.method, tc.path, tokPilot, tc.body, tc.hdr...)
			assert.Equal(t, tc.want, resp.StatusCode, "%s: %s", tc.name, body)
			if tc.field != "" {
				assert.Contains(t, string(body), fmt.Sprintf(`"field":%q`, tc.field), tc.name)
			}
			answers = append(answers, string(body))
		}
		for _, a := range append(answers, logs.String()) {
			for _, secret := range []string{"Kz8", "Qw3", "asthma", "oxygen"} {
				assert.NotContains(t, a, secret)
			}
		}
		require.True(t, utf8.ValidString(logs.String()))
	})
}

// FuzzDecodeTenantRequest: any body is a request or an error naming a field,
// never a panic; a request decoded is valid again when encoded, and an error
// never quotes the subject or the text.
func FuzzDecodeTenantRequest(f *testing.F) {
	f.Add(requestBody("", "2027-03-05"))
	f.Add(requestBody(RequestInProgress, ""))
	f.Add([]byte(`{"date":"2027-03-01","subject":"s","interventions":["a","a"],"follow_up":"2027-02-30"}`))
	f.Add([]byte(`{"date":"2027-03-01","subject":"\u0000","text":"\ud800"}`))
	f.Add([]byte(`{"date":1}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{} {}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := decodeTenantRequest(data)
		if err != nil {
			ae, ok := err.(*apiError)
			require.True(t, ok, "%T", err)
			require.Equal(t, 400, ae.Status)
			require.NotEmpty(t, ae.Fields)
			var raw map[string]any
			if json.Unmarshal(data, &raw) == nil {
				for _, k := range []string{"subject", "text"} {
					if s, ok := raw[k].(string); ok && len(s) >= 8 {
						require.NotContains(t, ae.Detail, s, "the %s is quoted", k)
					}
				}
			}
			return
		}
		require.Contains(t, []string{RequestOpen, RequestInProgress, RequestClosed}, b.Status)
		require.NotNil(t, b.Interventions)
		again, err := json.Marshal(b)
		require.NoError(t, err)
		b2, err := decodeTenantRequest(again)
		require.NoError(t, err, "%s", again)
		require.Equal(t, b, b2)
	})
}
