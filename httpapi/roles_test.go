package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"maps"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

var updateRoles = flag.Bool("update-roles", false, "rewrite the golden files of testdata/roles")

// The tokens of the role tests: one per role, scoped to op-a (the contractor to
// its crew PLB-1), and the old read and write tokens.
const (
	tokAdmin      = "role-admin-0123456789"
	tokManager    = "role-manager-0123456789"
	tokPilot      = "role-pilot-0123456789"
	tokContractor = "role-contractor-0123456789"
	tokViewer     = "role-viewer-0123456789"
)

var roleTokens = map[string]string{
	RoleAdmin: tokAdmin, RoleManager: tokManager, RolePilot: tokPilot, RoleContractor: tokContractor, RoleViewer: tokViewer,
	RoleRead: readTok, RoleWrite: writeTok,
}

func sha(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return "sha256:" + hex.EncodeToString(h[:])
}

// roleServer serves op-a (solved, then replanned: versions 1 to 3) and op-b (the
// same problem, created only), with a token per role from a token file of
// hashes. logs collects its log.
func roleServer(t *testing.T) (*httptest.Server, *Server, *syncBuffer) {
	t.Helper()
	st, err := OpenBolt(filepath.Join(t.TempDir(), "rehabplan.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	file := filepath.Join(t.TempDir(), "tokens")
	require.NoError(t, os.WriteFile(file, []byte(strings.Join([]string{
		"# the role tests' tokens",
		sha(tokAdmin) + " admin id=admin",
		sha(tokManager) + " manager op-a id=landlord",
		sha(tokPilot) + " pilot op-a id=pilot-asso",
		sha(tokContractor) + " contractor op-a crews=PLB-1 id=durand",
		sha(tokViewer) + " viewer op-a id=board",
	}, "\n")), 0o600))
	toks, warns, err := NewTokenSet(file)
	require.NoError(t, err)
	require.Empty(t, warns)
	logs := &syncBuffer{}
	s := New(Config{Store: st, TokenSet: toks, Tokens: map[string]string{readTok: RoleRead, writeTok: RoleWrite},
		Key: []byte("the role tests' key"), Logger: slog.New(slog.NewTextHandler(logs, nil))})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)

	prob, err := os.ReadFile("testdata/roles/problem.json")
	require.NoError(t, err)
	resp, body := call(t, ts, "POST", "/v1/operations", tokAdmin, prob)
	require.Equal(t, 201, resp.StatusCode, string(body))
	resp, body = call(t, ts, "POST", "/v1/operations", tokAdmin, bytes.Replace(prob, []byte(`"id": "op-a"`), []byte(`"id": "op-b"`), 1))
	require.Equal(t, 201, resp.StatusCode, string(body))
	resp, body = call(t, ts, "POST", "/v1/operations/op-a/solve?work_limit=200&seed=1", tokManager, nil)
	require.Equal(t, 202, resp.StatusCode, string(body))
	var js JobStatus
	require.NoError(t, json.Unmarshal(body, &js))
	require.Equal(t, "done", waitJob(t, ts, js.ID).State)
	ev := `{"format":"rehabplan-events/v1","events":[{"id":"e1","type":"crew_absent","crew":"PLB-2","from":"2027-03-01","to":"2027-03-05"}]}`
	resp, body = call(t, ts, "POST", "/v1/operations/op-a/events?now=2027-02-15T12:00:00%2B01:00&work_limit=200&seed=1", tokManager, []byte(ev))
	require.Equal(t, 201, resp.StatusCode, string(body))
	return ts, s, logs
}

// syncBuffer is a log the test reads while the server writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// roleRequests are what each role asks of the same operation.
var roleRequests = []string{
	"/v1/me",
	"/v1/operations",
	"/v1/operations/op-a",
	"/v1/operations/op-a/versions/3",
	"/v1/operations/op-a/plan",
	"/v1/operations/op-a/diff?from=2&to=3",
	"/v1/operations/op-a/appointments",
	"/v1/operations/op-a/interventions/B1-A-07%2Fplumbing/explanation",
	"/v1/operations/op-a/calendars/household/H007",
	"/v1/operations/op-a/calendars/crew/PLB-1",
	"/v1/operations/op-a/calendars/crew/PLB-2",
	"/v1/operations/op-a/feeds",
	"/v1/operations/op-b",
	"/v1/operations/op-b/plan",
	"/v1/operations/op-b/appointments",
	"/v1/audit?limit=1",
}

var (
	createdField = regexp.MustCompile(`"(created|time|incarnation)": "[^"]+"`)
	dtstamp      = regexp.MustCompile(`DTSTAMP:\d{8}T\d{6}Z`)
)

// roleAnswers asks every roleRequest with tok, and returns each status and body
// (JSON as a value, text as lines), the times that change from run to run masked.
func roleAnswers(t *testing.T, ts *httptest.Server, tok string) map[string]any {
	out := map[string]any{}
	for _, path := range roleRequests {
		resp, body := call(t, ts, "GET", path, tok, nil)
		ans := map[string]any{"status": resp.StatusCode}
		switch ct := resp.Header.Get("Content-Type"); {
		case strings.Contains(ct, "json"):
			body = createdField.ReplaceAll(body, []byte(`"$1": "(masked)"`))
			var v any
			require.NoError(t, json.Unmarshal(body, &v))
			if resp.StatusCode >= 400 {
				v = v.(map[string]any)["title"]
			}
			ans["body"] = v
		default:
			ans["body"] = strings.Split(dtstamp.ReplaceAllString(string(body), "DTSTAMP:(masked)"), "\r\n")
		}
		out[path] = ans
	}
	return out
}

// TestWhatEachRoleSees compares what each role sees of the same operation with
// its golden file (go test -run TestWhatEachRoleSees -update-roles rewrites
// them), and checks what the goldens must and must not hold: no profile id
// outside the pilot's and the admin's views, no household in the contractor's,
// no other operation for a scoped token; the old roles see what viewer and
// manager see.
func TestWhatEachRoleSees(t *testing.T) {
	ts, s, _ := roleServer(t)
	seen := map[string]map[string]any{}
	for _, role := range []string{RoleAdmin, RoleManager, RolePilot, RoleContractor, RoleViewer, RoleRead, RoleWrite} {
		seen[role] = roleAnswers(t, ts, roleTokens[role])
	}
	for _, role := range []string{RoleAdmin, RoleManager, RolePilot, RoleContractor, RoleViewer} {
		// what it sees, by request, and what it may do
		golden := maps.Clone(seen[role])
		golden["(may)"] = roleMay(s, role)
		data, err := json.MarshalIndent(golden, "", "  ")
		require.NoError(t, err)
		data = append(data, '\n')
		path := filepath.Join("testdata", "roles", role+".json")
		if *updateRoles {
			require.NoError(t, os.WriteFile(path, data, 0o644))
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Equal(t, string(want), string(data), "%s sees otherwise than %s says (-update-roles rewrites it)", role, path)
	}

	text := func(role string) string {
		data, err := json.Marshal(seen[role])
		require.NoError(t, err)
		return string(data)
	}
	status := func(role, path string) int { return seen[role][path].(map[string]any)["status"].(int) }
	for _, role := range []string{RoleAdmin, RolePilot} {
		require.Contains(t, text(role), "respiratory-relocated", role)
		require.Contains(t, text(role), "night-worker", role)
	}
	for _, role := range []string{RoleManager, RoleContractor, RoleViewer, RoleRead, RoleWrite} {
		for _, name := range []string{"respiratory-relocated", "night-worker"} {
			require.NotContains(t, text(role), name, "%s sees a profile's name", role)
		}
	}
	// the manager sees what the profiles imply, under opaque ids
	require.Contains(t, text(RoleManager), `"no_work_before":"12:00"`)
	require.Regexp(t, `"profiles":\["P-[0-9a-f]{12}"\]`, text(RoleManager))
	require.NotContains(t, text(RoleViewer), `"no_work_before"`)
	// the contractor: its crew's appointments, no household, no problem
	c := text(RoleContractor)
	for _, h := range []string{"H001", "H002", "H007", "PLB-2", "PNT-1"} {
		require.NotContains(t, c, `"`+h+`"`, "the contractor sees %s", h)
	}
	require.Contains(t, c, `"crew":"PLB-1"`)
	require.Contains(t, c, `"floor":`)
	require.Contains(t, c, `"access":`)
	for _, p := range []string{"/v1/operations/op-a", "/v1/operations/op-a/versions/3", "/v1/operations/op-a/calendars/household/H007", "/v1/operations/op-a/calendars/crew/PLB-2"} {
		require.Equal(t, 403, status(RoleContractor, p), p)
	}
	require.Equal(t, 200, status(RoleContractor, "/v1/operations/op-a/calendars/crew/PLB-1"))
	// a token scoped to op-a reads nothing of op-b, and does not see it listed
	for _, role := range []string{RoleManager, RolePilot, RoleContractor, RoleViewer} {
		for _, p := range []string{"/v1/operations/op-b", "/v1/operations/op-b/plan", "/v1/operations/op-b/appointments"} {
			require.Contains(t, []int{403, 404}, status(role, p), "%s %s", role, p)
		}
		require.Equal(t, map[string]any{"operations": []any{"op-a"}}, seen[role]["/v1/operations"].(map[string]any)["body"], role)
	}
	// the viewer reads no household's calendar; only the admin the audit log
	require.Equal(t, 403, status(RoleViewer, "/v1/operations/op-a/calendars/household/H007"))
	for _, role := range []string{RoleManager, RolePilot, RoleContractor, RoleViewer} {
		require.Equal(t, 403, status(role, "/v1/audit?limit=1"), role)
	}
	// the old roles are viewer and manager of every operation
	for alias, role := range map[string]string{RoleRead: RoleViewer, RoleWrite: RoleManager} {
		for _, p := range roleRequests {
			if strings.Contains(p, "op-b") || p == "/v1/operations" || p == "/v1/me" {
				continue
			}
			require.Equal(t, seen[role][p], seen[alias][p], "%s on %s", alias, p)
		}
		require.Equal(t, 200, status(alias, "/v1/operations/op-b"), alias)
	}
}

// pageWrites are the routes of the planning page's writing actions, in the
// route table's order.
var pageWrites = []string{"createOperation", "replaceOperation", "startSolve", "cancelJob", "postEvents", "announce", "confirm"}

// TestMeSaysWhatTheTokenMayDo: GET /v1/me gives each token its id, role and
// scope, the routes its role may call (those the route table lets it in), the
// event types it may send and the jobs it may cancel.
func TestMeSaysWhatTheTokenMayDo(t *testing.T) {
	ts, s, _ := roleServer(t)
	cases := []struct {
		role, id   string
		ops, crews []string
		events     []string
		cancel     string
		// writes: the page's writing actions the role may take
		writes []string
	}{
		{RoleAdmin, "admin", []string{"*"}, nil, model.EventTypes, "any", pageWrites},
		{RoleManager, "landlord", []string{"op-a"}, nil, model.EventTypes, "any", pageWrites},
		{RolePilot, "pilot-asso", []string{"op-a"}, nil, householdEvents, "own", []string{"cancelJob", "postEvents", "announce", "confirm"}},
		{RoleContractor, "durand", []string{"op-a"}, []string{"PLB-1"}, []string{}, "none", nil},
		{RoleViewer, "board", []string{"op-a"}, nil, []string{}, "none", nil},
	}
	for _, tc := range cases {
		t.Run(tc.role, func(t *testing.T) {
			resp, body := call(t, ts, "GET", "/v1/me", roleTokens[tc.role], nil)
			require.Equal(t, 200, resp.StatusCode, string(body))
			var me meAnswer
			require.NoError(t, json.Unmarshal(body, &me))
			require.Equal(t, tc.id, me.ID)
			require.Equal(t, tc.role, me.Role)
			require.Equal(t, tc.ops, me.Operations)
			require.Equal(t, tc.crews, me.Crews)
			require.Equal(t, tc.events, me.Events)
			require.Equal(t, tc.cancel, me.CancelJobs)
			var want []string
			for _, rt := range s.table() {
				if rt.role&roleBits[tc.role] != 0 {
					want = append(want, rt.name)
				}
			}
			require.Equal(t, want, me.Actions, "the routes the role is let in")
			var writes []string
			for _, a := range pageWrites {
				if slices.Contains(me.Actions, a) {
					writes = append(writes, a)
				}
			}
			require.Equal(t, tc.writes, writes)
		})
	}
	resp, _ := call(t, ts, "GET", "/v1/me", "", nil)
	require.Equal(t, 401, resp.StatusCode)
}

// roleMay is what a role may do, read from the route table: the routes its
// tokens may call (within their scope), and the event types they may send.
func roleMay(s *Server, role string) map[string]any {
	routes := []string{}
	for _, rt := range s.table() {
		if rt.role&roleBits[role] != 0 {
			routes = append(routes, rt.method+" "+rt.path)
		}
	}
	events := []string{}
	if rt := routeNamed(s, "postEvents"); rt.role&roleBits[role] != 0 {
		events = model.EventTypes
		if role == RolePilot {
			events = householdEvents
		}
	}
	return map[string]any{"routes": routes, "events": events}
}

// routeNamed is the route of the table named name.
func routeNamed(s *Server, name string) route {
	for _, rt := range s.table() {
		if rt.name == name {
			return rt
		}
	}
	panic("no route " + name)
}

// TestDeniedIsLoggedAndCounted: 401 and 403 are logged (by token id or hash
// prefix, never the token) and counted in /metrics.
func TestDeniedIsLoggedAndCounted(t *testing.T) {
	ts, _, logs := roleServer(t)
	const unknown = "unknown-token-0123456789"
	reqs := []struct {
		path, tok string
		want      int
	}{
		{"/v1/operations", "", 401},
		{"/v1/operations", unknown, 401},
		{"/v1/operations", unknown, 401},
		{"/v1/audit", tokViewer, 403},
		{"/v1/operations/op-b/plan", tokContractor, 403},
		{"/v1/operations/op-a/calendars/household/H007", tokViewer, 403},
	}
	for _, rq := range reqs {
		resp, body := call(t, ts, "GET", rq.path, rq.tok, nil)
		require.Equal(t, rq.want, resp.StatusCode, "%s: %s", rq.path, body)
	}
	_, body := call(t, ts, "GET", "/metrics", "", nil)
	m := string(body)
	// client_golang writes the labels in the order of their names
	for _, line := range []string{
		`rehabplan_http_auth_failures_total{reason="missing",status="401"} 1`,
		`rehabplan_http_auth_failures_total{reason="invalid",status="401"} 2`,
		`rehabplan_http_auth_failures_total{reason="role",status="403"} 2`,
		`rehabplan_http_auth_failures_total{reason="scope",status="403"} 1`,
	} {
		require.Contains(t, m, line)
	}
	log := logs.String()
	require.Contains(t, log, "token=board")
	require.Contains(t, log, "token=durand")
	require.Contains(t, log, "token="+sha(unknown)[:15], "an unknown token by the start of its hash")
	for _, tok := range []string{unknown, tokViewer, tokContractor} {
		require.NotContains(t, log, tok)
	}
	require.NotContains(t, log, "H007")
}

// TestAuditLog: every read of household or profile data is recorded (who by
// token id, when, which operation and household), the admin pages through them,
// nothing else reads them.
func TestAuditLog(t *testing.T) {
	ts, _, _ := roleServer(t)
	reads := []struct {
		path, tok, who, household string
	}{
		{"/v1/operations/op-a", tokManager, "landlord", "*"},
		{"/v1/operations/op-a/calendars/household/H007", tokPilot, "pilot-asso", "H007"},
		{"/v1/operations/op-a/diff?from=2&to=3", tokViewer, "board", "*"},
		{"/v1/operations/op-a/versions/2", readTok, "sha256:" + sha(readTok)[7:15], "*"},
	}
	for _, rd := range reads {
		resp, body := call(t, ts, "GET", rd.path, rd.tok, nil)
		require.Equal(t, 200, resp.StatusCode, "%s: %s", rd.path, body)
	}
	// not audited: no household data in the answer
	for _, p := range []string{"/v1/operations/op-a/plan", "/v1/operations/op-a/appointments"} {
		resp, _ := call(t, ts, "GET", p, tokContractor, nil)
		require.Equal(t, 200, resp.StatusCode, p)
	}
	var all []AuditRecord
	after := 0
	for {
		resp, body := call(t, ts, "GET", fmt.Sprintf("/v1/audit?after=%d&limit=2", after), tokAdmin, nil)
		require.Equal(t, 200, resp.StatusCode, string(body))
		var page auditAnswer
		require.NoError(t, json.Unmarshal(body, &page))
		require.LessOrEqual(t, len(page.Records), 2)
		all = append(all, page.Records...)
		if page.Next == 0 {
			break
		}
		after = int(page.Next)
	}
	require.Len(t, all, len(reads))
	for i, rd := range reads {
		rec := all[i]
		require.Equal(t, uint64(i+1), rec.Seq)
		require.Equal(t, rd.who, rec.Token, rd.path)
		require.Equal(t, "op-a", rec.Operation)
		require.Equal(t, rd.household, rec.Household, rd.path)
		require.False(t, rec.Time.IsZero())
	}
	data, _ := json.Marshal(all)
	for _, tok := range []string{tokManager, tokPilot, tokViewer, readTok} {
		require.NotContains(t, string(data), tok)
	}
}

// TestManagerRoundTrip: a problem a manager read (opaque profile ids), edited
// and sent back keeps the real profile ids in the store; so do the events it
// sends; an opaque id of no profile is a 400 naming the field.
func TestManagerRoundTrip(t *testing.T) {
	ts, _, _ := roleServer(t)
	resp, body := call(t, ts, "GET", "/v1/operations/op-a", tokManager, nil)
	require.Equal(t, 200, resp.StatusCode)
	require.NotContains(t, string(body), "night-worker")
	edited := bytes.Replace(body, []byte(`"name": "Résidence A"`), []byte(`"name": "Résidence A (tranche 1)"`), 1)
	resp, body = call(t, ts, "PUT", "/v1/operations/op-a", tokManager, edited)
	require.Equal(t, 200, resp.StatusCode, string(body))
	resp, body = call(t, ts, "GET", "/v1/operations/op-a", tokPilot, nil)
	require.Equal(t, 200, resp.StatusCode)
	require.Contains(t, string(body), "tranche 1")
	require.Contains(t, string(body), `"night-worker"`)
	require.Contains(t, string(body), `"respiratory-relocated"`)
	require.NotContains(t, string(body), `"P-`)

	first := regexp.MustCompile(`"P-[0-9a-f]{12}"`).Find(edited)
	bad := bytes.ReplaceAll(edited, first, []byte(`"P-000000000000"`))
	resp, body = call(t, ts, "PUT", "/v1/operations/op-a", tokManager, bad)
	require.Equal(t, 400, resp.StatusCode, string(body))
	require.Contains(t, string(body), `"field":"profiles[0].id"`)

	// an event that changes a household, with the opaque id the manager knows
	var p struct {
		Households []struct {
			ID       string   `json:"id"`
			Profiles []string `json:"profiles"`
		} `json:"households"`
	}
	_, body = call(t, ts, "GET", "/v1/operations/op-a", tokManager, nil)
	require.NoError(t, json.Unmarshal(body, &p))
	opaque := p.Households[0].Profiles[0] // H001's night-worker
	ev := `{"format":"rehabplan-events/v1","events":[{"id":"h","type":"household_changed","household":{"id":"H002","availability":[{"rrule":"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR","start":"08:00","duration":"10h"}],"profiles":["` + opaque + `"]}}]}`
	resp, body = call(t, ts, "POST", "/v1/operations/op-a/solve?work_limit=50&seed=1", tokManager, nil)
	require.Equal(t, 202, resp.StatusCode, string(body))
	var js JobStatus
	require.NoError(t, json.Unmarshal(body, &js))
	require.Equal(t, "done", waitJob(t, ts, js.ID).State)
	resp, body = call(t, ts, "POST", "/v1/operations/op-a/events?now=2027-02-15T12:00:00%2B01:00&work_limit=50&seed=1", tokManager, []byte(ev))
	require.Equal(t, 201, resp.StatusCode, string(body))
	_, body = call(t, ts, "GET", "/v1/operations/op-a", tokPilot, nil)
	var q struct {
		Households []struct {
			ID       string   `json:"id"`
			Profiles []string `json:"profiles"`
		} `json:"households"`
	}
	require.NoError(t, json.Unmarshal(body, &q))
	require.Equal(t, "H002", q.Households[1].ID)
	require.Equal(t, []string{"night-worker"}, q.Households[1].Profiles)
}

// TestPilotBooksWithHouseholds: a pilot books and moves appointments with the
// households: it announces, records confirmations and sends the households'
// events (as a held replan or a job), within its scope; the site's events (a
// delivery, a crew) stay with the planners, a document holding one is a 403
// naming it, nothing written. Contractors and viewers do none of it.
func TestPilotBooksWithHouseholds(t *testing.T) {
	ts, _, logs := roleServer(t)
	const events = "/v1/operations/op-a/events?now=2027-02-15T12:00:00%2B01:00&work_limit=50&seed=1"
	doc := func(evs ...string) []byte {
		return []byte(`{"format":"rehabplan-events/v1","events":[` + strings.Join(evs, ",") + `]}`)
	}
	// two households decline their technical visits (someone at home)
	resp, body := call(t, ts, "GET", "/v1/operations/op-a/plan", tokAdmin, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	var plan model.Plan
	require.NoError(t, json.Unmarshal(body, &plan))
	var visits []string
	for _, a := range plan.Assignments {
		if strings.HasSuffix(a.Intervention, "/visit") {
			visits = append(visits, a.Intervention)
		}
	}
	require.GreaterOrEqual(t, len(visits), 2)
	declined := `{"id":"call-1","type":"appointment_declined","intervention":"` + visits[0] + `"}`
	household := `{"id":"call-2","type":"appointment_declined","intervention":"` + visits[1] + `"}`
	var left string // a household leaves a dwelling whose visit stays
	for _, d := range []string{"B1-A-01", "B1-A-07", "B2-A-02"} {
		if !strings.HasPrefix(visits[0], d+"/") && !strings.HasPrefix(visits[1], d+"/") {
			left = d
		}
	}
	vacant := `{"id":"call-3","type":"dwelling_vacant","dwelling":"` + left + `"}`
	slip := `{"id":"site-1","type":"crew_absent","crew":"PLB-2","from":"2027-03-08","to":"2027-03-09"}`
	versions := func() int { return len(versionsOf(t, ts, "op-a")) }

	// contractor and viewer: 403, nothing written
	n := versions()
	for _, tok := range []string{tokContractor, tokViewer} {
		for _, rq := range []struct{ path, body string }{
			{events, string(doc(declined))},
			{"/v1/operations/op-a/announce", `{"until":"2027-03-20","now":"2027-02-15T12:00"}`},
			{"/v1/operations/op-a/confirmations", `{"interventions":["B1-A-01/visit"]}`},
		} {
			resp, body := call(t, ts, "POST", rq.path, tok, []byte(rq.body))
			require.Equal(t, 403, resp.StatusCode, "%s %s: %s", tok, rq.path, body)
		}
	}
	require.Equal(t, n, versions())

	// the pilot: the site's events are a 403 naming them, alone or among the
	// households'
	for _, d := range [][]byte{doc(slip), doc(declined, slip)} {
		resp, body := call(t, ts, "POST", events, tokPilot, d)
		require.Equal(t, 403, resp.StatusCode, string(body))
		var p problemBody
		require.NoError(t, json.Unmarshal(body, &p))
		require.Len(t, p.Errors, 1, string(body))
		require.Equal(t, fmt.Sprintf("events[%d].type", strings.Count(string(d), `"id"`)-1), p.Errors[0].Field)
		require.Contains(t, p.Errors[0].Detail, "crew_absent")
		require.Equal(t, "site-1", p.Errors[0].ID)
	}
	require.Equal(t, n, versions())
	require.Contains(t, logs.String(), "token=pilot-asso")

	// the households' events, held and as a job
	resp, body = call(t, ts, "POST", events, tokPilot, doc(declined, household))
	require.Equal(t, 201, resp.StatusCode, string(body))
	resp, body = call(t, ts, "POST", events, tokPilot, doc(vacant), "Prefer", "respond-async")
	require.Equal(t, 202, resp.StatusCode, string(body))
	var js JobStatus
	require.NoError(t, json.Unmarshal(body, &js))
	done := waitJob(t, ts, js.ID)
	require.Equal(t, "done", done.State, done.Error)
	require.Equal(t, n+2, versions())

	// announce, then confirm what it announced
	resp, body = call(t, ts, "POST", "/v1/operations/op-a/announce", tokPilot, []byte(`{"until":"2027-03-20","now":"2027-02-15T12:00"}`))
	require.Equal(t, 201, resp.StatusCode, string(body))
	var ann announceAnswer
	require.NoError(t, json.Unmarshal(body, &ann))
	require.NotEmpty(t, ann.Announced)
	req, err := json.Marshal(confirmRequest{Interventions: ann.Announced[:1]})
	require.NoError(t, err)
	resp, body = call(t, ts, "POST", "/v1/operations/op-a/confirmations", tokPilot, req)
	require.Equal(t, 201, resp.StatusCode, string(body))
	require.Equal(t, n+4, versions())

	// its scope: op-a only
	for _, p := range []string{"/v1/operations/op-b/events?now=2027-02-15T12:00:00%2B01:00", "/v1/operations/op-b/announce", "/v1/operations/op-b/confirmations"} {
		resp, body := call(t, ts, "POST", p, tokPilot, doc(declined))
		require.Equal(t, 403, resp.StatusCode, "%s: %s", p, body)
	}
}
