package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
)

func init() {
	// the validator reads these bodies as the strings the document says they are
	for _, mt := range []string{"text/html", "text/css", "text/javascript", "text/calendar"} {
		openapi3filter.RegisterBodyDecoder(mt, openapi3filter.PlainBodyDecoder)
	}
	openapi3filter.RegisterBodyDecoder(xlsxType, openapi3filter.FileBodyDecoder)
}

// loadOpenAPI fetches the served document and loads it with kin-openapi, which
// validates it against the OpenAPI 3 specification.
func loadOpenAPI(t *testing.T, ts *httptest.Server) *openapi3.T {
	t.Helper()
	resp, body := call(t, ts, "GET", "/v1/openapi.json", "", nil)
	require.Equal(t, 200, resp.StatusCode)
	doc, err := openapi3.NewLoader().LoadFromData(body)
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()))
	return doc
}

// The served document is valid OpenAPI 3, has a server, and gives each route the
// statuses, headers and bodies its entry declares.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	ts, s := newTestServer(t)
	doc := loadOpenAPI(t, ts)
	require.NotEmpty(t, doc.Servers)

	op := func(path, method string) *openapi3.Operation {
		item := doc.Paths.Value(path)
		require.NotNil(t, item, path)
		o := item.GetOperation(method)
		require.NotNil(t, o, method+" "+path)
		return o
	}
	statuses := func(o *openapi3.Operation) []string {
		var out []string
		for code := range o.Responses.Map() {
			out = append(out, code)
		}
		return out
	}
	cases := []struct {
		method, path string
		statuses     []string
		headers      []string // request headers documented
		body         string   // the request body's schema
		answer       string   // the schema of the first success answer
	}{
		{"POST", "/v1/operations", []string{"201", "400", "401", "403", "409", "413", "422", "429", "500"}, []string{"Accept-Language"}, "Problem", "VersionAnswer"},
		{"DELETE", "/v1/operations/{op}", []string{"204", "400", "401", "403", "404", "412", "500"}, []string{"If-Match"}, "", ""},
		{"POST", "/v1/operations/{op}/solve", []string{"202", "400", "401", "403", "404", "429", "500", "503"}, nil, "", "JobStatus"},
		{"POST", "/v1/operations/{op}/events", []string{"200", "201", "202", "400", "401", "403", "404", "409", "413", "422", "429", "500", "503"}, []string{"Idempotency-Key", "Prefer"}, "Events", "ReplanAnswer"},
		{"GET", "/v1/operations/{op}/interventions/{iv}/explanation", []string{"200", "400", "401", "403", "404", "429", "500"}, []string{"Accept-Language"}, "", "Explanation"},
		{"GET", "/v1/operations/{op}/diff", []string{"200", "400", "401", "403", "404", "409", "429", "500"}, nil, "", "Diff"},
		{"GET", "/v1/jobs/{job}/plan", []string{"200", "400", "401", "403", "404", "409", "429", "500"}, nil, "", "Plan"},
		{"PUT", "/v1/operations/{op}", []string{"200", "400", "401", "403", "404", "409", "412", "413", "422", "429", "500"}, []string{"If-Match", "Accept-Language"}, "Problem", "VersionAnswer"},
		{"GET", "/", []string{"302", "500"}, nil, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			o := op(tc.path, tc.method)
			require.ElementsMatch(t, tc.statuses, statuses(o))
			for _, h := range tc.headers {
				require.NotNil(t, o.Parameters.GetByInAndName("header", h), h)
			}
			if tc.body != "" {
				require.Equal(t, "#/components/schemas/"+tc.body, o.RequestBody.Value.Content.Get("application/json").Schema.Ref)
			}
			if tc.body == "Problem" {
				require.Equal(t, "binary", o.RequestBody.Value.Content.Get(xlsxType).Schema.Value.Format, "a workbook is taken too")
			}
			if tc.answer != "" {
				code := tc.statuses[0]
				if tc.method == "POST" && tc.path == "/v1/operations/{op}/events" {
					code = "201"
				}
				require.Equal(t, "#/components/schemas/"+tc.answer, o.Responses.Value(code).Value.Content.Get("application/json").Schema.Ref)
			}
			require.Equal(t, "#/components/schemas/ProblemDetails", o.Responses.Value("500").Value.Content.Get("application/problem+json").Schema.Ref)
		})
	}

	// the model's documents at the level of their fields
	schema := func(name string) *openapi3.Schema {
		sr := doc.Components.Schemas[name]
		require.NotNil(t, sr, name)
		return sr.Value
	}
	plan := schema("Plan")
	require.ElementsMatch(t, []string{"format", "operation", "status", "seed", "assignments", "unplaced"}, plan.Required)
	require.Equal(t, "#/components/schemas/Assignment", plan.Properties["assignments"].Value.Items.Ref)
	require.Equal(t, "#/components/schemas/Unplaced", plan.Properties["unplaced"].Value.Items.Ref)
	require.Equal(t, "#/components/schemas/Reason", schema("Unplaced").Properties["reasons"].Value.Items.Ref)
	diff := schema("Diff")
	require.Equal(t, "#/components/schemas/Change", diff.Properties["changes"].Value.Items.Ref)
	require.True(t, schema("Recipient").Properties["notice"].Value.Type.Is("string"))
	require.Contains(t, schema("Assignment").Required, "start")
	require.NotContains(t, schema("Assignment").Required, "crew", "crew is omitempty")
	require.True(t, schema("JobStatus").Properties["elapsed_s"].Value.Type.Is("number"))
	require.Equal(t, "#/components/schemas/ReplanAnswer", schema("JobStatus").Properties["replan"].Value.AllOf[0].Ref, "a replan job's result is the synchronous answer")
	require.Equal(t, "#/components/schemas/JobStatus", op("/v1/operations/{op}/events", "POST").Responses.Value("202").Value.Content.Get("application/json").Schema.Ref)
	require.Contains(t, schema("ProblemDetails").Required, "status")
	require.Contains(t, schema("Problem").Required, "interventions")

	// the query parameters come from the route entries
	for _, rt := range s.table() {
		o := op(rt.path, rt.method)
		for _, q := range rt.query {
			p := o.Parameters.GetByInAndName("query", q.name)
			require.NotNil(t, p, "%s %s: %s", rt.method, rt.path, q.name)
			require.Equal(t, q.required, p.Required)
		}
		n := 0
		for _, p := range o.Parameters {
			if p.Value.In == "query" {
				n++
			}
		}
		require.Len(t, rt.query, n, "%s %s documents query parameters it does not read", rt.method, rt.path)
	}
}

// liveCase is a request to a route and the status it must answer.
type liveCase struct {
	route, method, path, tok string
	body                     []byte
	hdr                      []string
	want                     int
}

// Representative requests to every route, successes and errors, answer what the
// document says: kin-openapi checks each status, header and body against it.
func TestLiveAnswersMatchTheDocument(t *testing.T) {
	ts, s := newTestServer(t)
	doc := loadOpenAPI(t, ts)
	job := solveExample(t, ts)
	const op = "/v1/operations/op-les-tilleuls"
	cases := liveCases(t, job.ID)
	for _, tc := range cases {
		checkLive(t, ts, doc, tc)
	}

	// a job running: started, cancelled, its plan asked for before it ends
	resp, body := call(t, ts, "POST", op+"/solve?time_limit=60s", writeTok, nil)
	checkAnswer(t, doc, liveCase{route: "startSolve", method: "POST", want: 202}, resp, body)
	var st JobStatus
	require.NoError(t, json.Unmarshal(body, &st))
	resp, body = call(t, ts, "GET", "/v1/jobs/"+st.ID+"/plan", readTok, nil)
	checkAnswer(t, doc, liveCase{route: "getJobPlan", method: "GET", want: 409}, resp, body)
	resp, body = call(t, ts, "DELETE", "/v1/jobs/"+st.ID, writeTok, nil)
	checkAnswer(t, doc, liveCase{route: "cancelJob", method: "DELETE", want: 202}, resp, body)
	require.Equal(t, "cancelled", waitJob(t, ts, st.ID).State)
	cases = append(cases, liveCase{route: "startSolve", want: 202}, liveCase{route: "cancelJob", want: 202})

	// a feed made, read by its secret URL, revoked
	resp, body = call(t, ts, "POST", op+"/feeds", adminTok, []byte(`{"kind":"crew","who":"windows-1"}`))
	checkAnswer(t, doc, liveCase{route: "createFeed", method: "POST", want: 201}, resp, body)
	var feed feedCreated
	require.NoError(t, json.Unmarshal(body, &feed))
	cases = append(cases, checkLive(t, ts, doc, liveCase{"secretFeed", "GET", feed.Path, "", nil, nil, 200}))
	cases = append(cases, checkLive(t, ts, doc, liveCase{"revokeFeed", "DELETE", op + "/feeds/" + feed.ID, adminTok, nil, nil, 204}))
	checkLive(t, ts, doc, liveCase{"secretFeed", "GET", feed.Path, "", nil, nil, 404})
	cases = append(cases, liveCase{route: "createFeed", want: 201})

	// the appointment lifecycle: announce, letters, confirmations, slots, reminders
	cases = append(cases, lifecycleLive(t, ts, doc)...)

	// a replan as a job (Prefer: respond-async), its status once done, the same
	// key again; a synchronous one too long to hold its request
	async := []string{"Prefer", "respond-async", "Idempotency-Key", "live-async"}
	asyncPath := op + "/events?now=2027-02-01T12:00:00%2B01:00&work_limit=2&seed=1"
	cases = append(cases, checkLive(t, ts, doc, liveCase{"postEvents", "POST", asyncPath, writeTok, []byte(slipOn("23")), async, 202}))
	var rj JobStatus
	_, body = call(t, ts, "POST", asyncPath, writeTok, []byte(slipOn("23")), async...)
	require.NoError(t, json.Unmarshal(body, &rj))
	require.Equal(t, "done", waitJob(t, ts, rj.ID).State)
	checkLive(t, ts, doc, liveCase{"getJob", "GET", "/v1/jobs/" + rj.ID, readTok, nil, nil, 200})
	checkLive(t, ts, doc, liveCase{"postEvents", "POST", asyncPath, writeTok, []byte(slipOn("23")), async, 202})
	checkLive(t, ts, doc, liveCase{"postEvents", "POST", asyncPath, writeTok, []byte(slipOn("24")), async, 422})
	checkLive(t, ts, doc, liveCase{"postEvents", "POST", asyncPath + "&time_limit=2h", writeTok, []byte(slipOn("24")), nil, 400})

	// a server shutting down, and a store that fails
	s.Shutdown(context.Background())
	cases = append(cases, checkLive(t, ts, doc, liveCase{"readyz", "GET", "/readyz", "", nil, nil, 503}))
	cases = append(cases, checkLive(t, ts, doc, liveCase{"startSolve", "POST", op + "/solve", writeTok, nil, nil, 503}))
	cases = append(cases, checkLive(t, ts, doc, liveCase{"postEvents", "POST", op + "/events", writeTok, []byte(slipOn("30")), []string{"Prefer", "respond-async"}, 503}))

	// every route answered at least one success and one error, but those whose
	// handler cannot fail (nothing they do can: no store, no input)
	cannotFail := map[string]bool{"healthz": true, "metrics": true, "openapi": true, "root": true, "page": true}
	ok, failed := map[string]bool{}, map[string]bool{}
	for _, tc := range cases {
		if tc.want < 400 {
			ok[tc.route] = true
		} else {
			failed[tc.route] = true
		}
	}
	for _, rt := range s.table() {
		require.True(t, ok[rt.name], "no success case for %s", rt.name)
		require.True(t, failed[rt.name] || cannotFail[rt.name], "no error case for %s", rt.name)
	}
}

// liveCases are the requests of TestLiveAnswersMatchTheDocument, in order, on the
// example operation solved once by job jobID.
func liveCases(t *testing.T, jobID string) []liveCase {
	const op = "/v1/operations/op-les-tilleuls"
	p := gen.Example()
	iv := url.PathEscape(p.Interventions[3].ID)
	ev := []byte(`{"format":"rehabplan-events/v1","events":[{"id":"slip","type":"delivery_slipped","delivery":"L-windows-1","expected":"2027-03-09T08:00"}]}`)
	evPath := op + "/events?now=2027-02-01T12:00:00%2B01:00&work_limit=2&seed=1"
	other := gen.Example()
	other.Operation.ID = "op-other"
	otherJSON, err := json.Marshal(other)
	require.NoError(t, err)
	ghost := gen.Example()
	ghost.Operation.ID = "ghost"
	ghostJSON, err := json.Marshal(ghost)
	require.NoError(t, err)
	book := gen.Example()
	book.Operation.ID = "op-book"
	xlsx := []string{"Content-Type", xlsxType}

	tenantReq := []byte(`{"date":"2027-02-01","subject":"bruit","interventions":["B1-A-01/painting"],"follow_up":"2027-02-08"}`)
	return []liveCase{
		{"healthz", "GET", "/healthz", "", nil, nil, 200},
		{"readyz", "GET", "/readyz", "", nil, nil, 200},
		{"metrics", "GET", "/metrics", "", nil, nil, 200},
		{"openapi", "GET", "/v1/openapi.json", "", nil, nil, 200},
		{"root", "GET", "/", "", nil, nil, 302},
		{"page", "GET", "/app/", "", nil, nil, 200},
		{"pageFile", "GET", "/app/app.js", "", nil, nil, 200},
		{"pageFile", "GET", "/app/app.css", "", nil, nil, 200},
		{"pageFile", "GET", "/app/nope.js", "", nil, nil, 404},
		{"holidays", "GET", op + "/holidays", readTok, nil, nil, 200},
		{"holidays", "GET", "/v1/operations/ghost/holidays", readTok, nil, nil, 404},
		{"me", "GET", "/v1/me", readTok, nil, nil, 200},
		{"me", "GET", "/v1/me", "", nil, nil, 401},
		{"listOperations", "GET", "/v1/operations", readTok, nil, nil, 200},
		{"listOperations", "GET", "/v1/operations", "", nil, nil, 401},
		{"createOperation", "POST", "/v1/operations", writeTok, otherJSON, nil, 201},
		{"createOperation", "POST", "/v1/operations", writeTok, otherJSON, nil, 409},
		{"createOperation", "POST", "/v1/operations", writeTok, []byte(`{"format":"rehabplan/v1"`), nil, 400},
		{"createOperation", "POST", "/v1/operations", readTok, otherJSON, nil, 403},
		{"createOperation", "POST", "/v1/operations", writeTok, templateOf(t, book), xlsx, 201},
		{"createOperation", "POST", "/v1/operations", writeTok, brokenWorkbook(t), append(xlsx, "Accept-Language", "fr"), 422},
		{"replaceOperation", "PUT", "/v1/operations/op-book", writeTok, templateOf(t, book), xlsx, 200},
		{"replaceOperation", "PUT", "/v1/operations/op-book", writeTok, []byte("not a workbook"), xlsx, 422},
		{"getOperation", "GET", op, readTok, nil, nil, 200},
		{"getOperation", "GET", "/v1/operations/ghost", readTok, nil, nil, 404},
		{"replaceOperation", "PUT", "/v1/operations/op-other", writeTok, otherJSON, nil, 200},
		{"replaceOperation", "PUT", "/v1/operations/op-other", writeTok, ghostJSON, nil, 400},
		{"replaceOperation", "PUT", "/v1/operations/ghost", writeTok, ghostJSON, nil, 404},
		{"listVersions", "GET", op + "/versions", readTok, nil, nil, 200},
		{"listVersions", "GET", "/v1/operations/ghost/versions", readTok, nil, nil, 404},
		{"getVersion", "GET", op + "/versions/2", readTok, nil, nil, 200},
		{"getVersion", "GET", op + "/versions/two", readTok, nil, nil, 400},
		{"getVersion", "GET", op + "/versions/99", readTok, nil, nil, 404},
		{"getPlan", "GET", op + "/plan", readTok, nil, nil, 200},
		{"getPlan", "GET", op + "/plan", readTok, nil, []string{"Accept", xlsxType}, 200},
		{"getPlan", "GET", "/v1/operations/op-other/plan", readTok, nil, nil, 404},
		{"getJob", "GET", "/v1/jobs/" + jobID, readTok, nil, nil, 200},
		{"getJob", "GET", "/v1/jobs/nosuchjob", readTok, nil, nil, 404},
		{"getJobPlan", "GET", "/v1/jobs/" + jobID + "/plan", readTok, nil, nil, 200},
		{"getJobPlan", "GET", "/v1/jobs/nosuchjob/plan", readTok, nil, nil, 404},
		{"cancelJob", "DELETE", "/v1/jobs/" + jobID, writeTok, nil, nil, 409},
		{"cancelJob", "DELETE", "/v1/jobs/nosuchjob", writeTok, nil, nil, 404},
		{"startSolve", "POST", op + "/solve?time_limit=soon", writeTok, nil, nil, 400},
		{"startSolve", "POST", "/v1/operations/ghost/solve", writeTok, nil, nil, 404},
		{"postEvents", "POST", evPath, writeTok, ev, []string{"Idempotency-Key", "live-1"}, 201},
		{"postEvents", "POST", evPath, writeTok, ev, []string{"Idempotency-Key", "live-1"}, 200},
		{"postEvents", "POST", evPath, writeTok, bytes.Replace(ev, []byte("03-09"), []byte("03-10"), 1), []string{"Idempotency-Key", "live-1"}, 422},
		{"postEvents", "POST", evPath, writeTok, []byte(`{"format":"x","events":[]}`), nil, 400},
		{"postEvents", "POST", evPath, writeTok, []byte(`{"format":"rehabplan-events/v1","events":[{"id":"g","type":"crew_absent","crew":"ghost","from":"2027-02-02","to":"2027-02-03"}]}`), nil, 422},
		{"postEvents", "POST", op + "/events?now=yesterday", writeTok, ev, nil, 400},
		{"postEvents", "POST", "/v1/operations/op-other/events", writeTok, ev, nil, 404},
		{"diffVersions", "GET", op + "/diff?from=2&to=3", readTok, nil, nil, 200},
		{"diffVersions", "GET", op + "/diff?from=1&to=3", readTok, nil, nil, 409},
		{"diffVersions", "GET", op + "/diff?from=2", readTok, nil, nil, 400},
		{"diffVersions", "GET", op + "/diff?from=2&to=9", readTok, nil, nil, 404},
		{"explain", "GET", op + "/interventions/" + iv + "/explanation", readTok, nil, nil, 200},
		{"explain", "GET", op + "/interventions/" + iv + "/explanation", readTok, nil, []string{"Accept-Language", "fr-CA"}, 200},
		{"explain", "GET", op + "/interventions/" + iv + "/explanation?lang=de", readTok, nil, nil, 400},
		{"explain", "GET", op + "/interventions/ghost/explanation", readTok, nil, nil, 404},
		{"calendar", "GET", op + "/calendars/household/H001.ics", writeTok, nil, nil, 200},
		{"calendar", "GET", op + "/calendars/household/H001.ics", readTok, nil, nil, 403},
		{"calendar", "GET", op + "/calendars/crew/windows-1", readTok, nil, nil, 200},
		{"listAppointments", "GET", op + "/appointments", readTok, nil, nil, 200},
		{"listAppointments", "GET", "/v1/operations/op-other/appointments", readTok, nil, nil, 404},
		{"getSummary", "GET", op + "/summary", readTok, nil, nil, 200},
		{"getSummary", "GET", "/v1/operations/op-other/summary", readTok, nil, nil, 404},
		{"listFeeds", "GET", op + "/feeds", adminTok, nil, nil, 200},
		{"listFeeds", "GET", op + "/feeds", writeTok, nil, nil, 403},
		{"listFeeds", "GET", "/v1/operations/ghost/feeds", adminTok, nil, nil, 404},
		{"createFeed", "POST", op + "/feeds", adminTok, []byte(`{"kind":"household","who":"H999"}`), nil, 404},
		{"createFeed", "POST", op + "/feeds", adminTok, []byte(`{"kind":"tenant","who":"H001"}`), nil, 400},
		{"revokeFeed", "DELETE", op + "/feeds/nosuchfeed", adminTok, nil, nil, 404},
		{"secretFeed", "GET", "/v1/feeds/not-a-secret.ics", "", nil, nil, 404},
		{"listAudit", "GET", "/v1/audit?limit=2", adminTok, nil, nil, 200},
		{"listAudit", "GET", "/v1/audit", readTok, nil, nil, 403},
		{"listAudit", "GET", "/v1/audit?limit=0", adminTok, nil, nil, 400},
		{"addRequest", "POST", op + "/households/H001/requests", writeTok, tenantReq, []string{"Idempotency-Key", "live-1"}, 201},
		{"addRequest", "POST", op + "/households/H001/requests", writeTok, tenantReq, []string{"Idempotency-Key", "live-1"}, 200},
		{"addRequest", "POST", op + "/households/H001/requests", writeTok, []byte(`{"date":"2027-02-01","subject":"autre"}`), []string{"Idempotency-Key", "live-1"}, 422},
		{"addRequest", "POST", op + "/households/H001/requests", writeTok, []byte(`{"date":"2027-02-31","subject":"x"}`), nil, 400},
		{"addRequest", "POST", op + "/households/H999/requests", writeTok, tenantReq, nil, 404},
		{"addRequest", "POST", op + "/households/H001/requests", readTok, tenantReq, nil, 403},
		{"listHouseholdRequests", "GET", op + "/households/H001/requests", writeTok, nil, nil, 200},
		{"listHouseholdRequests", "GET", op + "/households/H001/requests", readTok, nil, nil, 403},
		{"listHouseholdRequests", "GET", "/v1/operations/ghost/households/H001/requests", writeTok, nil, nil, 404},
		{"listRequests", "GET", op + "/requests?overdue=2027-03-01&status=open", writeTok, nil, nil, 200},
		{"listRequests", "GET", op + "/requests?overdue=tomorrow", writeTok, nil, nil, 400},
		{"listRequests", "GET", "/v1/operations/ghost/requests", writeTok, nil, nil, 404},
		{"updateRequest", "PUT", op + "/households/H001/requests/R1", writeTok, tenantReq, nil, 200},
		{"updateRequest", "PUT", op + "/households/H001/requests/R1", writeTok, tenantReq, []string{"If-Match", `"x.R1.1"`}, 412},
		{"updateRequest", "PUT", op + "/households/H001/requests/R9", writeTok, tenantReq, nil, 404},
		{"calendar", "GET", op + "/calendars/tenant/H001", readTok, nil, nil, 400},
		{"calendar", "GET", op + "/calendars/crew/ghost", readTok, nil, nil, 404},
		{"deleteOperation", "DELETE", "/v1/operations/op-other", writeTok, nil, nil, 204},
		{"deleteOperation", "DELETE", "/v1/operations/op-other", writeTok, nil, nil, 404},
	}
}

// checkLive sends tc and checks its answer against the document.
func checkLive(t *testing.T, ts *httptest.Server, doc *openapi3.T, tc liveCase) liveCase {
	t.Helper()
	req, err := http.NewRequest(tc.method, ts.URL+tc.path, bytes.NewReader(tc.body))
	require.NoError(t, err)
	if tc.tok != "" {
		req.Header.Set("Authorization", "Bearer "+tc.tok)
	}
	if tc.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(tc.hdr); i += 2 {
		req.Header.Set(tc.hdr[i], tc.hdr[i+1])
	}
	if tc.want < 400 {
		checkRequest(t, doc, tc, req)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	checkAnswer(t, doc, tc, resp, body)
	return tc
}

// checkRequest checks a request that must succeed against the document: the
// route kin-openapi's router finds for its URL is tc's, and its parameters and
// body are the ones documented.
func checkRequest(t *testing.T, doc *openapi3.T, tc liveCase, req *http.Request) {
	t.Helper()
	router, err := gorillamux.NewRouter(doc)
	require.NoError(t, err)
	rq := req.Clone(context.Background())
	rq.Body = io.NopCloser(bytes.NewReader(tc.body))
	route, params, err := router.FindRoute(rq)
	require.NoError(t, err, "%s %s", tc.method, tc.path)
	require.Equal(t, tc.route, route.Operation.OperationID)
	in := &openapi3filter.RequestValidationInput{Request: rq, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	require.NoError(t, openapi3filter.ValidateRequest(context.Background(), in), "%s %s", tc.method, tc.path)
}

// checkAnswer checks the status against tc and the answer against the route's
// operation in the document (an undocumented status fails).
func checkAnswer(t *testing.T, doc *openapi3.T, tc liveCase, resp *http.Response, body []byte) {
	t.Helper()
	name := fmt.Sprintf("%s %s %s", tc.route, tc.method, tc.path)
	require.Equal(t, tc.want, resp.StatusCode, "%s: %s", name, body)
	var found *routers.Route
	for path, item := range doc.Paths.Map() {
		for method, o := range item.Operations() {
			if o.OperationID == tc.route {
				found = &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: o}
			}
		}
	}
	require.NotNil(t, found, "no operation %s in the document", tc.route)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: resp.Request, Route: found},
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	require.NoError(t, openapi3filter.ValidateResponse(context.Background(), in), "%s: %s", name, body)
	if resp.StatusCode >= 400 {
		require.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"), name)
	}
}

// An unexpected failure is a 500 whose detail tells nothing; the log has the route
// and the cause, not the operation's data; the answer matches the document.
func TestUnexpectedErrorsAreGeneric(t *testing.T) {
	st, err := OpenBolt(filepath.Join(t.TempDir(), "s.db"))
	require.NoError(t, err)
	var logs bytes.Buffer
	s := New(Config{Store: st, Tokens: map[string]string{writeTok: RoleWrite, readTok: RoleRead, adminTok: RoleAdmin},
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	ts := httptest.NewServer(s)
	defer ts.Close()
	doc := loadOpenAPI(t, ts)
	resp, body := call(t, ts, "POST", "/v1/operations", writeTok, exampleJSON(t))
	require.Equal(t, 201, resp.StatusCode, string(body))
	require.NoError(t, st.Close()) // every store call fails from now on

	cases := []liveCase{
		{"listOperations", "GET", "/v1/operations", readTok, nil, nil, 500},
		{"getOperation", "GET", "/v1/operations/op-les-tilleuls", readTok, nil, nil, 500},
		{"calendar", "GET", "/v1/operations/op-les-tilleuls/calendars/household/H001", writeTok, nil, nil, 500},
		{"postEvents", "POST", "/v1/operations/op-les-tilleuls/events", writeTok, []byte(`{"format":"rehabplan-events/v1","events":[]}`), []string{"Idempotency-Key", "k"}, 500},
		{"readyz", "GET", "/readyz", "", nil, nil, 503},
	}
	for _, tc := range cases {
		checkLive(t, ts, doc, tc)
		_, body := call(t, ts, tc.method, tc.path, tc.tok, tc.body, tc.hdr...)
		var pb problemBody
		require.NoError(t, json.Unmarshal(body, &pb))
		if tc.want == 500 {
			require.Equal(t, genericDetail, pb.Detail, tc.route)
		}
		require.NotContains(t, pb.Detail, "database not open", tc.route)
	}
	log := logs.String()
	require.Contains(t, log, "database not open", "the cause is logged")
	require.Contains(t, log, `route=/v1/operations/{op}/calendars/{kind}/{who}`)
	require.NotContains(t, log, "H001", "the household's id stays out of the logs")
	require.NotContains(t, log, "op-les-tilleuls", "only the route's template is logged")
	require.False(t, strings.Contains(log, "level=ERROR msg=panic"))
}
