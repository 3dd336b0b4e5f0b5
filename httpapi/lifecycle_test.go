package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

const (
	lcOp  = "/v1/operations/op-les-tilleuls"
	lcNow = "2027-02-01T12:00:00+01:00"
)

// lcNowQ is lcNow in a query.
var lcNowQ = url.QueryEscape(lcNow)

// versionCount is the number of versions of the example operation.
func versionCount(t *testing.T, ts *httptest.Server) int {
	t.Helper()
	resp, body := call(t, ts, "GET", lcOp+"/versions", readTok, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	var vs versionsAnswer
	require.NoError(t, json.Unmarshal(body, &vs))
	return len(vs.Versions)
}

// latestProblem is the example operation's latest problem and ETag.
func latestProblem(t *testing.T, ts *httptest.Server) (*model.Problem, string) {
	t.Helper()
	resp, body := call(t, ts, "GET", lcOp, adminTok, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	p, err := model.DecodeBytes(body)
	require.NoError(t, err)
	return p, resp.Header.Get("ETag")
}

func statusOf(p *model.Problem, id string) string {
	for _, iv := range p.Interventions {
		if iv.ID == id {
			return iv.StatusOf()
		}
	}
	return ""
}

// TestAnnounceOverHTTP: an announcement makes a new version whose problem has
// the appointments announced, answers the letters (HTML A4 and text reachable),
// replays with its Idempotency-Key, writes only on the state its If-Match names,
// and refuses a date outside the horizon (422 naming until) writing nothing.
func TestAnnounceOverHTTP(t *testing.T) {
	ts, _ := newTestServer(t)
	solveExample(t, ts)
	_, tag := latestProblem(t, ts)
	n := versionCount(t, ts)

	bad := []struct {
		name, body string
		hdr        []string
		status     int
		field      string
	}{
		{"outside the horizon", `{"until":"2031-01-01","now":"2027-02-01T12:00"}`, nil, 422, "until"},
		{"malformed date", `{"until":"1 March","now":"2027-02-01T12:00"}`, nil, 400, "until"},
		{"unknown household", `{"households":["H999"],"now":"2027-02-01T12:00"}`, nil, 422, "households[0]"},
		{"unknown field", `{"until":"2027-03-01","tenants":["H001"]}`, nil, 400, ""},
		{"stale If-Match", `{"until":"2027-03-01","now":"2027-02-01T12:00"}`, []string{"If-Match", `"x.1"`}, 412, ""},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := call(t, ts, "POST", lcOp+"/announce", writeTok, []byte(tc.body), tc.hdr...)
			require.Equal(t, tc.status, resp.StatusCode, string(body))
			if tc.field != "" {
				var pb problemBody
				require.NoError(t, json.Unmarshal(body, &pb))
				require.NotEmpty(t, pb.Errors, string(body))
				require.Equal(t, tc.field, pb.Errors[0].Field)
			}
			require.Equal(t, n, versionCount(t, ts), "nothing written")
		})
	}

	req := []byte(`{"until":"2027-03-01","now":"2027-02-01T12:00"}`)
	resp, body := call(t, ts, "POST", lcOp+"/announce", writeTok, req, "Idempotency-Key", "ann-1", "If-Match", tag)
	require.Equal(t, 201, resp.StatusCode, string(body))
	var ans announceAnswer
	require.NoError(t, json.Unmarshal(body, &ans))
	require.Equal(t, n+1, ans.Version)
	require.NotEmpty(t, ans.Announced)
	require.NotEmpty(t, ans.Letters)
	require.Equal(t, fmt.Sprintf(`"%s.%d"`, strings.Split(strings.Trim(tag, `"`), ".")[0], n+1), resp.Header.Get("ETag"))
	p, _ := latestProblem(t, ts)
	loc := p.Typed().Loc
	until := time.Date(2027, 3, 1, 0, 0, 0, 0, loc)
	for _, id := range ans.Announced {
		require.Equal(t, model.StatusAnnounced, statusOf(p, id), id)
		for _, iv := range p.Interventions {
			if iv.ID == id {
				st, err := model.ParseMoment(iv.Start, loc)
				require.NoError(t, err)
				require.True(t, st.Before(until), "%s starts %s", id, iv.Start)
			}
		}
	}
	households := map[string]bool{}
	for _, l := range ans.Letters {
		households[l.Household] = true
		require.Contains(t, l.Text, "Madame, Monsieur")
	}
	require.Len(t, households, len(ans.Letters), "one letter per household")

	// the same period again: nothing is left to announce, nothing written
	resp, body = call(t, ts, "POST", lcOp+"/announce", writeTok, req)
	require.Equal(t, 422, resp.StatusCode, string(body))
	require.Contains(t, string(body), `"field":"until"`)
	require.Contains(t, string(body), "nothing written")
	require.Equal(t, n+1, versionCount(t, ts))

	// the same request again: the same version, nothing made
	resp, body = call(t, ts, "POST", lcOp+"/announce", writeTok, req, "Idempotency-Key", "ann-1", "If-Match", tag)
	require.Equal(t, 200, resp.StatusCode, string(body))
	require.Equal(t, "true", resp.Header.Get("Idempotent-Replayed"))
	var again announceAnswer
	require.NoError(t, json.Unmarshal(body, &again))
	require.Equal(t, ans, again)
	require.Equal(t, n+1, versionCount(t, ts))

	// the letters, printable and as text
	resp, body = call(t, ts, "GET", ans.LettersHTML, writeTok, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	require.Contains(t, resp.Header.Get("Content-Type"), "text/html")
	require.Contains(t, string(body), "A4")
	require.Equal(t, len(ans.Letters), strings.Count(string(body), "Madame, Monsieur"))
	resp, body = call(t, ts, "GET", ans.LettersText, writeTok, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	require.Contains(t, resp.Header.Get("Content-Type"), "text/plain")
	for h := range households {
		require.Contains(t, string(body), "Ménage "+h)
	}
	resp, body = call(t, ts, "GET", lcOp+"/letters", writeTok, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	var la lettersAnswer
	require.NoError(t, json.Unmarshal(body, &la))
	require.Equal(t, ans.Version, la.Version, "the newest announcement by default")
	require.Equal(t, ans.Letters, la.Letters)
	for _, c := range []struct {
		path, tok string
		status    int
	}{
		{lcOp + "/letters?version=2", writeTok, 404},
		{lcOp + "/letters?version=99", writeTok, 404},
		{lcOp + "/letters?format=pdf", writeTok, 400},
		{lcOp + "/letters", readTok, 403},
	} {
		resp, body := call(t, ts, "GET", c.path, c.tok, nil)
		require.Equal(t, c.status, resp.StatusCode, "%s: %s", c.path, body)
	}
}

// TestConfirmOverHTTP: confirmations make a new version where the appointments
// are confirmed; an appointment not announced, unknown or named twice is a 422
// naming it, with nothing written.
func TestConfirmOverHTTP(t *testing.T) {
	ts, _ := newTestServer(t)
	solveExample(t, ts)
	resp, body := call(t, ts, "POST", lcOp+"/announce", writeTok, []byte(`{"until":"2027-03-01","now":"2027-02-01T12:00"}`))
	require.Equal(t, 201, resp.StatusCode, string(body))
	var ans announceAnswer
	require.NoError(t, json.Unmarshal(body, &ans))
	require.GreaterOrEqual(t, len(ans.Announced), 3)
	p, tag := latestProblem(t, ts)
	planned := ""
	for _, iv := range p.Interventions {
		if iv.StatusOf() == model.StatusPlanned {
			planned = iv.ID
			break
		}
	}
	n := versionCount(t, ts)
	for _, tc := range []struct {
		name, body, field string
	}{
		{"not announced", fmt.Sprintf(`{"interventions":[%q]}`, planned), "interventions[0]"},
		{"unknown", fmt.Sprintf(`{"interventions":[%q,"ghost"]}`, ans.Announced[0]), "interventions[1]"},
		{"twice", fmt.Sprintf(`{"interventions":[%q,%q]}`, ans.Announced[0], ans.Announced[0]), "interventions[1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := call(t, ts, "POST", lcOp+"/confirmations", writeTok, []byte(tc.body))
			require.Equal(t, 422, resp.StatusCode, string(body))
			var pb problemBody
			require.NoError(t, json.Unmarshal(body, &pb))
			require.Equal(t, tc.field, pb.Errors[0].Field)
			require.Equal(t, n, versionCount(t, ts))
		})
	}
	resp, body = call(t, ts, "POST", lcOp+"/confirmations", writeTok, []byte(`{"interventions":[]}`))
	require.Equal(t, 400, resp.StatusCode, string(body))

	two := ans.Announced[:2]
	req, _ := json.Marshal(confirmRequest{Interventions: two})
	resp, body = call(t, ts, "POST", lcOp+"/confirmations", writeTok, req, "If-Match", tag)
	require.Equal(t, 201, resp.StatusCode, string(body))
	var ca confirmAnswer
	require.NoError(t, json.Unmarshal(body, &ca))
	require.Equal(t, two, ca.Confirmed)
	require.Empty(t, ca.Already)
	q, _ := latestProblem(t, ts)
	for _, id := range two {
		require.Equal(t, model.StatusConfirmed, statusOf(q, id))
	}
	require.Equal(t, model.StatusAnnounced, statusOf(q, ans.Announced[2]))
	// the If-Match of before is stale now
	resp, body = call(t, ts, "POST", lcOp+"/confirmations", writeTok, req, "If-Match", tag)
	require.Equal(t, 412, resp.StatusCode, string(body))
	// confirming again changes no status
	req, _ = json.Marshal(confirmRequest{Interventions: ans.Announced[1:3]})
	resp, body = call(t, ts, "POST", lcOp+"/confirmations", writeTok, req)
	require.Equal(t, 201, resp.StatusCode, string(body))
	require.NoError(t, json.Unmarshal(body, &ca))
	require.Equal(t, ans.Announced[2:3], ca.Confirmed)
	require.Equal(t, ans.Announced[1:2], ca.Already)
}

// slotsAt asks the slots of one intervention at lcNow.
func slotsAt(t *testing.T, ts *httptest.Server, iv string, count int) (slotsAnswer, string) {
	t.Helper()
	resp, body := call(t, ts, "GET", fmt.Sprintf("%s/interventions/%s/slots?count=%d&now=%s", lcOp, url.PathEscape(iv), count, lcNowQ), readTok, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	var ans slotsAnswer
	require.NoError(t, json.Unmarshal(body, &ans))
	return ans, resp.Header.Get("ETag")
}

// takeSlot posts the slot's appointment_rescheduled event at lcNow.
func takeSlot(t *testing.T, ts *httptest.Server, s scheduler.Slot, id string) (int, []byte) {
	t.Helper()
	ev := s.Event
	ev.ID = id
	data, err := json.Marshal(model.Events{Format: model.EventsFormat, Events: []model.Event{ev}})
	require.NoError(t, err)
	resp, body := call(t, ts, "POST", lcOp+"/events?work_limit=2&seed=1&now="+lcNowQ, writeTok, data)
	return resp.StatusCode, body
}

// TestSlotsOverHTTP: the slots of an intervention come with the version they are
// computed from; one taken with its event against that version is accepted and
// the plan has the appointment there; a slot of another intervention that the
// new version no longer has room for is a 409 naming why; bad requests name
// what is wrong.
func TestSlotsOverHTTP(t *testing.T) {
	ts, s := newTestServer(t)
	solveExample(t, ts)
	resp, body := call(t, ts, "GET", lcOp+"/plan", readTok, nil)
	require.Equal(t, 200, resp.StatusCode)
	var plan model.Plan
	require.NoError(t, json.Unmarshal(body, &plan))
	p, _ := latestProblem(t, ts)
	loc := p.Typed().Loc
	now, err := time.Parse(time.RFC3339, lcNow)
	require.NoError(t, err)

	// two slots of different interventions with the same crew at overlapping
	// times: the second is stale once the first is taken
	type offer struct {
		s          scheduler.Slot
		start, end time.Time
	}
	var offers []offer
	var first, second *scheduler.Slot
	var etag string
	var version int
	for _, a := range plan.Assignments {
		st, _ := model.ParseMoment(a.Start, loc)
		if first != nil || !st.After(now.Add(10*24*time.Hour)) || a.Crew == "" || statusOf(p, a.Intervention) != model.StatusPlanned {
			continue
		}
		ans, tag := slotsAt(t, ts, a.Intervention, 3)
		etag, version = tag, ans.Version
		require.Equal(t, a.Intervention, ans.Intervention)
		require.Equal(t, scheduler.PlanToken(&plan), ans.Token)
		for _, sl := range ans.Slots {
			require.Equal(t, ans.Token, sl.Token)
			ss, _ := model.ParseMoment(sl.Start, loc)
			se, _ := model.ParseMoment(sl.End, loc)
			require.False(t, ss.Before(now), "a slot starts before now")
			for _, x := range offers {
				if first == nil && x.s.Crew == sl.Crew && x.s.Event.Intervention != sl.Event.Intervention && ss.Before(x.end) && x.start.Before(se) {
					first, second = &x.s, &sl
				}
			}
			offers = append(offers, offer{sl, ss, se})
		}
	}
	require.NotNil(t, first, "no two offered slots overlap")
	require.Equal(t, fmt.Sprintf("%d", version), strings.Split(strings.Trim(etag, `"`), ".")[1])
	require.Len(t, s.slotFinders.entries, 1, "one finder for the version at that moment")

	status, body := takeSlot(t, ts, *first, "call-1")
	require.Equal(t, 201, status, string(body))
	resp, body = call(t, ts, "GET", lcOp+"/plan", readTok, nil)
	require.Equal(t, 200, resp.StatusCode)
	var after model.Plan
	require.NoError(t, json.Unmarshal(body, &after))
	found := false
	for _, a := range after.Assignments {
		if a.Intervention == first.Event.Intervention {
			found = true
			want, _ := model.ParseMoment(first.Start, loc)
			got, _ := model.ParseMoment(a.Start, loc)
			require.True(t, want.Equal(got), "%s at %s, the slot was %s", a.Intervention, a.Start, first.Start)
			require.Equal(t, first.Crew, a.Crew)
		}
	}
	require.True(t, found)
	q, _ := latestProblem(t, ts)
	require.Equal(t, model.StatusConfirmed, statusOf(q, first.Event.Intervention))

	n := versionCount(t, ts)
	status, body = takeSlot(t, ts, *second, "call-2")
	require.Equal(t, 409, status, string(body))
	var pb problemBody
	require.NoError(t, json.Unmarshal(body, &pb))
	require.Equal(t, "slot unavailable", pb.Title)
	require.Equal(t, "events[0].start", pb.Errors[0].Field)
	require.Equal(t, "call-2", pb.Errors[0].ID)
	require.Contains(t, pb.Errors[0].Detail, "the slot no longer fits the plan")
	require.Equal(t, n, versionCount(t, ts), "nothing written")

	// the new version's slots come with its ETag
	ans, tag := slotsAt(t, ts, second.Event.Intervention, 2)
	require.Equal(t, version+1, ans.Version)
	require.NotEqual(t, etag, tag)

	iv := url.PathEscape(second.Event.Intervention)
	for _, c := range []struct {
		path   string
		status int
		field  string
	}{
		{lcOp + "/interventions/ghost/slots", 404, "intervention"},
		{lcOp + "/interventions/" + iv + "/slots?count=0", 400, "count"},
		{lcOp + "/interventions/" + iv + "/slots?from=soon", 400, "from"},
		{lcOp + "/interventions/" + iv + "/slots?from=2027-04-01&to=2027-03-01&now=" + lcNowQ, 422, "to"},
		{lcOp + "/interventions/" + url.PathEscape(first.Event.Intervention) + "/slots?now=" + lcNowQ, 422, "intervention"},
		{"/v1/operations/ghost/interventions/" + iv + "/slots", 404, ""},
	} {
		resp, body := call(t, ts, "GET", c.path, readTok, nil)
		require.Equal(t, c.status, resp.StatusCode, "%s: %s", c.path, body)
		if c.field != "" {
			var pb problemBody
			require.NoError(t, json.Unmarshal(body, &pb))
			require.Equal(t, c.field, pb.Errors[0].Field, string(body))
		}
	}
}

// TestRemindersOverHTTP: the reminders of a day, as JSON, text and HTML, in French.
func TestRemindersOverHTTP(t *testing.T) {
	ts, _ := newTestServer(t)
	solveExample(t, ts)
	resp, body := call(t, ts, "GET", lcOp+"/reminders?date=2027-02-04", writeTok, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	var ra remindersAnswer
	require.NoError(t, json.Unmarshal(body, &ra))
	require.Equal(t, "2027-02-04", ra.Day)
	require.NotEmpty(t, ra.Reminders)
	kinds := map[string]bool{}
	for _, r := range ra.Reminders {
		kinds[r.Kind] = true
		if r.Kind == model.RecipientHousehold {
			require.Contains(t, r.Text, "Bonjour, rappel de vos rendez-vous")
		}
	}
	require.True(t, kinds[model.RecipientHousehold] && kinds[model.RecipientCrew])
	resp, body = call(t, ts, "GET", lcOp+"/reminders?date=2027-02-04&format=text", writeTok, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	require.True(t, strings.HasPrefix(string(body), "Rappels du 2027-02-04"), string(body))
	resp, body = call(t, ts, "GET", lcOp+"/reminders?date=2027-02-04&format=html", writeTok, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	require.Contains(t, string(body), "<h1>Rappels du 2027-02-04</h1>")
	resp, body = call(t, ts, "GET", lcOp+"/reminders?date=2027-02-04&format=text&lang=en", writeTok, nil)
	require.Equal(t, 200, resp.StatusCode, string(body))
	require.True(t, strings.HasPrefix(string(body), "Reminders of 2027-02-04"), string(body))
	for _, c := range []struct {
		path, tok string
		status    int
	}{
		{lcOp + "/reminders", writeTok, 400},
		{lcOp + "/reminders?date=4/2/2027", writeTok, 400},
		{lcOp + "/reminders?date=2027-02-04", readTok, 403},
		{"/v1/operations/ghost/reminders?date=2027-02-04", writeTok, 404},
	} {
		resp, body := call(t, ts, "GET", c.path, c.tok, nil)
		require.Equal(t, c.status, resp.StatusCode, "%s: %s", c.path, body)
	}
}

// lifecycleLive checks requests to the lifecycle routes against the document,
// on the example operation as TestLiveAnswersMatchTheDocument left it, and
// returns them.
func lifecycleLive(t *testing.T, ts *httptest.Server, doc *openapi3.T) []liveCase {
	var cases []liveCase
	live := func(tc liveCase) []byte {
		checkLive(t, ts, doc, tc)
		cases = append(cases, tc)
		_, body := call(t, ts, "GET", lcOp+"/versions", readTok, nil)
		return body
	}
	ann := []byte(`{"until":"2027-03-01","now":"2027-02-01T12:00"}`)
	live(liveCase{"announce", "POST", lcOp + "/announce", writeTok, ann, []string{"Idempotency-Key", "live-ann"}, 201})
	live(liveCase{"announce", "POST", lcOp + "/announce", writeTok, ann, []string{"Idempotency-Key", "live-ann"}, 200})
	live(liveCase{"announce", "POST", lcOp + "/announce", writeTok, []byte(`{"until":"2031-01-01"}`), nil, 422})
	live(liveCase{"announce", "POST", lcOp + "/announce", writeTok, ann, []string{"If-Match", `"x.1"`}, 412})
	live(liveCase{"announce", "POST", lcOp + "/announce", writeTok, []byte(`{"until":3}`), nil, 400})
	live(liveCase{"announce", "POST", "/v1/operations/ghost/announce", writeTok, ann, nil, 404})
	live(liveCase{"letters", "GET", lcOp + "/letters?format=html", writeTok, nil, nil, 200})
	live(liveCase{"letters", "GET", lcOp + "/letters?format=text", writeTok, nil, nil, 200})
	live(liveCase{"letters", "GET", lcOp + "/letters", writeTok, nil, nil, 200})
	live(liveCase{"letters", "GET", lcOp + "/letters?version=1", writeTok, nil, nil, 404})
	live(liveCase{"letters", "GET", lcOp + "/letters", readTok, nil, nil, 403})

	resp, body := call(t, ts, "GET", lcOp+"/letters", writeTok, nil)
	require.Equal(t, 200, resp.StatusCode)
	var la lettersAnswer
	require.NoError(t, json.Unmarshal(body, &la))
	conf, _ := json.Marshal(confirmRequest{Interventions: []string{la.Letters[0].Appointments[0].Intervention}})
	live(liveCase{"confirm", "POST", lcOp + "/confirmations", writeTok, conf, []string{"Idempotency-Key", "live-conf"}, 201})
	live(liveCase{"confirm", "POST", lcOp + "/confirmations", writeTok, conf, []string{"Idempotency-Key", "live-conf"}, 200})
	live(liveCase{"confirm", "POST", lcOp + "/confirmations", writeTok, []byte(`{"interventions":["ghost"]}`), nil, 422})

	iv := url.PathEscape(la.Letters[len(la.Letters)-1].Appointments[0].Intervention)
	resp, body = call(t, ts, "GET", lcOp+"/plan", readTok, nil)
	require.Equal(t, 200, resp.StatusCode)
	var plan model.Plan
	require.NoError(t, json.Unmarshal(body, &plan))
	last := url.PathEscape(plan.Assignments[len(plan.Assignments)-1].Intervention)
	live(liveCase{"slots", "GET", lcOp + "/interventions/" + last + "/slots?count=3&now=" + lcNowQ, readTok, nil, nil, 200})
	live(liveCase{"slots", "GET", lcOp + "/interventions/" + last + "/slots?from=2027-05-01&to=2027-06-01T12:00", readTok, nil, nil, 200})
	live(liveCase{"slots", "GET", lcOp + "/interventions/ghost/slots", readTok, nil, nil, 404})
	live(liveCase{"slots", "GET", lcOp + "/interventions/" + iv + "/slots?count=99", readTok, nil, nil, 400})
	live(liveCase{"reminders", "GET", lcOp + "/reminders?date=2027-02-04", writeTok, nil, nil, 200})
	live(liveCase{"reminders", "GET", lcOp + "/reminders?date=2027-02-04&format=html", writeTok, nil, nil, 200})
	live(liveCase{"reminders", "GET", lcOp + "/reminders?date=2027-02-04&format=text&lang=en", writeTok, nil, nil, 200})
	live(liveCase{"reminders", "GET", lcOp + "/reminders", writeTok, nil, nil, 400})
	live(liveCase{"reminders", "GET", "/v1/operations/ghost/reminders?date=2027-02-04", writeTok, nil, nil, 404})
	return cases
}

// TestLifecycleRoles: the letters and reminders name households: the admin, the
// manager and the pilot read them (audited; the manager's without profile
// names), the viewer and the contractor do not; slots are read by the roles that
// read plans; writes are the planners' and the pilot's (TestPilotBooksWithHouseholds).
func TestLifecycleRoles(t *testing.T) {
	ts, _, _ := roleServer(t)
	const op = "/v1/operations/op-a"
	for _, tok := range []string{tokViewer, tokContractor} {
		resp, body := call(t, ts, "POST", op+"/announce", tok, []byte(`{"until":"2027-04-01"}`))
		require.Equal(t, 403, resp.StatusCode, string(body))
	}
	resp, body := call(t, ts, "POST", op+"/announce", tokManager, []byte(`{"until":"2027-04-01"}`))
	require.Equal(t, 201, resp.StatusCode, string(body))
	var ans announceAnswer
	require.NoError(t, json.Unmarshal(body, &ans))
	require.NotEmpty(t, ans.Letters)
	resp, plan := call(t, ts, "GET", op+"/plan", tokAdmin, nil)
	require.Equal(t, 200, resp.StatusCode)
	var pl model.Plan
	require.NoError(t, json.Unmarshal(plan, &pl))
	iv := url.PathEscape(pl.Assignments[len(pl.Assignments)-1].Intervention)
	paths := []string{op + "/letters", op + "/letters?format=text", op + "/reminders?date=2027-03-01", op + "/reminders?date=2027-03-01&format=text"}
	for role, tok := range map[string]string{RoleAdmin: tokAdmin, RoleManager: tokManager, RolePilot: tokPilot, RoleContractor: tokContractor, RoleViewer: tokViewer} {
		for _, p := range paths {
			resp, body := call(t, ts, "GET", p, tok, nil)
			switch role {
			case RoleContractor, RoleViewer:
				require.Equal(t, 403, resp.StatusCode, "%s %s", role, p)
			default:
				require.Equal(t, 200, resp.StatusCode, "%s %s: %s", role, p, body)
				if role == RoleManager {
					for _, name := range []string{"respiratory-relocated", "night-worker"} {
						require.NotContains(t, string(body), name)
					}
				}
			}
		}
		resp, body := call(t, ts, "GET", op+"/interventions/"+iv+"/slots?count=2&now=2027-02-15T12:00:00%2B01:00", tok, nil)
		want := 200
		if role == RoleContractor {
			want = 403
		}
		require.Equal(t, want, resp.StatusCode, "%s slots: %s", role, body)
	}
	// a token scoped to op-a reads nothing of op-b
	resp, _ = call(t, ts, "GET", "/v1/operations/op-b/reminders?date=2027-03-01", tokPilot, nil)
	require.Equal(t, 403, resp.StatusCode)
	resp, body = call(t, ts, "GET", "/v1/audit?limit=1000", tokAdmin, nil)
	require.Equal(t, 200, resp.StatusCode)
	var page auditAnswer
	require.NoError(t, json.Unmarshal(body, &page))
	routes := map[string]int{}
	for _, rec := range page.Records {
		routes[rec.Route]++
	}
	require.Equal(t, 6, routes["letters"], "letters read by three roles, twice each")
	require.Equal(t, 6, routes["reminders"])
}

// FuzzLifecycleBodies: the bodies of the announce and confirmations routes, and
// the moments of the slots route, never panic: each is decoded, read in the
// operation's zone and applied to the example (a plan made once), and anything
// wrong is an error naming a field, answered 4xx.
func FuzzLifecycleBodies(f *testing.F) {
	for _, s := range []string{`{"until":"2027-03-01","now":"2027-02-01T12:00"}`, `{"households":["H001"],"buildings":["B9"]}`,
		`{"interventions":["B1-A-01/visit","ghost"]}`, `{"until":"2031-01-01"}`, `{"until":"2027-02-30T25:99"}`, `{"interventions":[]}`, `[]`, `{"until":3}`} {
		f.Add([]byte(s))
	}
	p := gen.Example()
	res, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 1, Workers: 1, Seed: 1})
	require.NoError(f, err)
	require.Empty(f, scheduler.Verify(res.Problem, res.Plan))
	loc := p.Typed().Loc
	f.Fuzz(func(t *testing.T, data []byte) {
		var ar announceRequest
		if decodeStrict(data, &ar) == nil {
			opt := scheduler.AnnounceOptions{Households: ar.Households, Buildings: ar.Buildings, Stairwells: ar.Stairwells}
			ok := true
			for _, m := range []struct {
				s string
				t *time.Time
			}{{ar.Until, &opt.Until}, {ar.Now, &opt.Now}} {
				if m.s == "" {
					continue
				}
				if _, err := parseMomentText(m.s); err != nil {
					ok = false
					continue
				}
				if *m.t, err = model.ParseMoment(m.s, loc); err != nil {
					ok = false
				}
			}
			if ok {
				if _, err := scheduler.Announce(p, res.Plan, opt); err != nil {
					ans, unexpected := answerError(requestFailed("cannot announce", err))
					require.False(t, unexpected, "%v", err)
					require.Less(t, ans.Status, 500, "%v", err)
				}
			}
		}
		var cr confirmRequest
		if decodeStrict(data, &cr) == nil {
			if _, _, err := confirmed(p, cr.Interventions); err != nil {
				ans, unexpected := answerError(err)
				require.False(t, unexpected, "%v", err)
				require.Equal(t, 422, ans.Status, "%v", err)
				require.NotEmpty(t, ans.Fields)
			}
		}
	})
}

// The slot finders' cache: one entry per version and moment, a finder at the
// server's clock reused while fresh, at most slotFindersKept, an operation's
// entries dropped with it.
func TestSlotFindersCache(t *testing.T) {
	var c slotFinders
	t0 := time.Date(2027, 2, 1, 12, 0, 0, 0, time.UTC)
	v3 := VersionInfo{Number: 3, Incarnation: "i1"}
	clock := slotKey("op", v3, time.Time{}, false)
	e, mine := c.get(clock, t0)
	require.True(t, mine)
	close(e.ready)
	for _, tc := range []struct {
		name string
		key  string
		at   time.Time
		mine bool
	}{
		{"the clock's, fresh", clock, t0.Add(time.Minute), false},
		{"the clock's, still fresh", clock, t0.Add(slotFinderMaxAge), false},
		{"an explicit moment is its own", slotKey("op", v3, t0, true), t0, true},
		{"the same explicit moment", slotKey("op", v3, t0, true), t0.Add(time.Hour), false},
		{"another version", slotKey("op", VersionInfo{Number: 4, Incarnation: "i1"}, time.Time{}, false), t0, true},
		{"another incarnation", slotKey("op", VersionInfo{Number: 3, Incarnation: "i2"}, time.Time{}, false), t0, true},
		{"the clock's, stale", clock, t0.Add(slotFinderMaxAge + time.Second), true},
	} {
		got, mine := c.get(tc.key, tc.at)
		require.Equal(t, tc.mine, mine, tc.name)
		if mine {
			close(got.ready)
		}
		require.LessOrEqual(t, len(c.entries), slotFindersKept, tc.name)
	}
	other, _ := c.get(slotKey("op2", v3, time.Time{}, false), t0)
	close(other.ready)
	require.Len(t, c.entries, slotFindersKept)
	c.drop("op")
	require.Len(t, c.entries, 1)
	require.Same(t, other, c.entries[0])
	c.forget(other)
	require.Empty(t, c.entries)
}
