package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// route is one endpoint. The router, the adapter that runs its handler and the
// OpenAPI document are all built from it, so that what is served and what is
// documented cannot drift apart. A new route is one entry in its area's list (see
// table) and its handler.
type route struct {
	method, path string
	// name is the operationId and the mux route's name.
	name, summary string
	// role is the roles whose tokens may call the route (public: no token); a
	// route under /v1/operations/{op} also needs {op} in the token's scope.
	role    roleSet
	handler handlerFunc
	// query lists the query parameters the handler reads (others are ignored);
	// the adapter checks them before the handler runs. headers lists the request
	// headers it reads.
	query, headers []param
	// body is the request body it reads, nil for none; alt the other media types
	// it takes the body in (a workbook).
	body *content
	alt  []content
	// answers are its success answers; fails the error statuses it answers
	// itself. The statuses every route of its kind may answer are added by
	// errorStatuses (401 and 403 by role, 400 for query parameters, 400 and 413
	// for a body, 500).
	answers []answer
	fails   []int
	// heavy routes take a slot of the server's pool (pool.go) before their
	// handler runs: they decode a whole version, or compute. A full pool answers
	// 429 with Retry-After. (Routes served from a cache most of the time, the
	// explanations, take a slot themselves on a miss;
	// replans take one once it is their turn on the operation; the reads of a
	// whole version, from the answer cache, only on a miss: answers.go.)
	heavy bool
}

// param is a query parameter, or a header, a route reads or answers.
type param struct {
	name, desc string
	// schema is its JSON Schema (type, format, minimum, enum...).
	schema   map[string]any
	required bool
	// parse checks a value that is present (perhaps empty) and returns its Go
	// form (nil: treated as absent); an error answers 400 naming the parameter.
	// A nil parse keeps the value as a string.
	parse func(string) (any, error)
}

// content is a body: its media type and its schema, reflected from a Go type
// (typ) or given (schema).
type content struct {
	mediaType string
	typ       reflect.Type
	schema    map[string]any
}

// answer is one success status of a route.
type answer struct {
	status  int
	desc    string
	body    []content // none: no body
	headers []param
}

func jsonOf[T any]() []content {
	return []content{{mediaType: "application/json", typ: reflect.TypeFor[T]()}}
}

func bodyOf[T any]() *content {
	return &content{mediaType: "application/json", typ: reflect.TypeFor[T]()}
}

func textBody(mediaTypes ...string) []content {
	var cs []content
	for _, mt := range mediaTypes {
		cs = append(cs, content{mediaType: mt, schema: map[string]any{"type": "string"}})
	}
	return cs
}

// The query parameters and headers the routes share.
var (
	qTimeLimit = param{name: "time_limit", desc: "the search's time limit, a Go duration such as 10s (capped by the server); a replan without one takes the replan budget, max(5s, dwellings × 10ms)",
		schema: map[string]any{"type": "string", "example": "10s"}, parse: parsePositiveDuration}
	qWorkLimit = param{name: "work_limit", desc: "the schedules built before stopping (a deterministic run with seed, when it stops the run before the time limit, which stays: time_limit or the default, capped by the server); 0: none",
		schema: map[string]any{"type": "integer", "minimum": 0}, parse: parseCount}
	qSeed = param{name: "seed", desc: "the seed of every random choice",
		schema: map[string]any{"type": "integer", "format": "int64"}, parse: parseInt64}
	qNow = param{name: "now", desc: "the time of the replan, RFC 3339 (default: the server's clock)",
		schema: map[string]any{"type": "string", "format": "date-time"}, parse: parseRFC3339}
	qFrom = param{name: "from", desc: "the older version's number", required: true,
		schema: map[string]any{"type": "integer", "minimum": 1}, parse: parseVersionNumber}
	qTo = param{name: "to", desc: "the newer version's number", required: true,
		schema: map[string]any{"type": "integer", "minimum": 1}, parse: parseVersionNumber}
	qLang = param{name: "lang", desc: "the explanation's language, en or fr; it wins over Accept-Language",
		schema: map[string]any{"type": "string", "enum": []any{"en", "fr"}}, parse: parseLang}

	hIdempotencyKey = param{name: "Idempotency-Key", desc: "a key of the client's choice: a request sent again with the same key on the same operation answers the version the first one made, without replanning again",
		schema: map[string]any{"type": "string"}}
	hIfMatch = param{name: "If-Match", desc: "the ETag of the operation's state the write is meant for (RFC 9110 13.1.1): when the operation has moved on (a newer version, or deleted and created again), nothing is written and the answer is 412",
		schema: map[string]any{"type": "string"}}
	hAcceptLanguage = param{name: "Accept-Language", desc: "the languages the reader prefers (RFC 9110); French or English is chosen from it when lang is not given",
		schema: map[string]any{"type": "string"}}

	hLocation       = param{name: "Location", desc: "the URL of what was made", schema: map[string]any{"type": "string"}}
	hReplayed       = param{name: "Idempotent-Replayed", desc: "true: the answer of an earlier request with the same Idempotency-Key", schema: map[string]any{"type": "string", "enum": []any{"true"}}}
	hContentLang    = param{name: "Content-Language", desc: "the explanation's language", schema: map[string]any{"type": "string", "enum": []any{"en", "fr"}}}
	hETag           = param{name: "ETag", desc: "the operation's incarnation and version the answer was read from; send it as If-Match to write on exactly that state", schema: map[string]any{"type": "string"}}
	hRequestETag    = param{name: "ETag", desc: "the request's state (the operation's incarnation, the request's id and revision); send it as If-Match to update exactly that state", schema: map[string]any{"type": "string"}}
	hRequestIfMatch = param{name: "If-Match", desc: "the ETag of the request's state the update is meant for: when the request has changed since (or the operation was deleted and created again), nothing is written and the answer is 412",
		schema: map[string]any{"type": "string"}}
	hVersion = param{name: "X-Rehabplan-Version", desc: "the number of the version the plan belongs to", schema: map[string]any{"type": "integer"}}
)

// table lists every route, area by area. Order matters where two paths could
// match the same URL: mux tries them in this order.
func (s *Server) table() []route {
	return slices.Concat(
		s.serviceRoutes(),
		s.operationRoutes(),
		s.jobRoutes(),
		s.planRoutes(),
		s.viewRoutes(),
		s.feedRoutes(),
		s.lifecycleRoutes(),
		s.requestRoutes(),
		s.adminRoutes(),
	)
}

// serviceRoutes are the service's own routes: health, metrics, the OpenAPI
// document and the planning page.
func (s *Server) serviceRoutes() []route {
	return []route{
		{method: "GET", path: "/healthz", name: "healthz", summary: "liveness", handler: s.healthz,
			answers: []answer{{status: 200, desc: "alive", body: jsonOf[statusAnswer]()}}},
		{method: "GET", path: "/readyz", name: "readyz", summary: "readiness: the store answers and the server is not shutting down", handler: s.readyz,
			answers: []answer{{status: 200, desc: "ready", body: jsonOf[statusAnswer]()}}, fails: []int{503}},
		{method: "GET", path: "/metrics", name: "metrics", summary: "Prometheus metrics", handler: s.metricsPage,
			answers: []answer{{status: 200, desc: "the Prometheus text exposition format", body: textBody("text/plain")}}},
		{method: "GET", path: "/v1/openapi.json", name: "openapi", summary: "this API's OpenAPI 3 document", handler: s.openapi,
			answers: []answer{{status: 200, desc: "the document", body: []content{{mediaType: "application/json", schema: map[string]any{"type": "object"}}}}}},
		{method: "GET", path: "/", name: "root", summary: "redirects to the planning page", handler: s.pageRedirect,
			answers: []answer{{status: 302, desc: "to /app/", body: textBody("text/html"), headers: []param{hLocation}}}},
		{method: "GET", path: "/app/", name: "page", summary: "the planning page (its API calls need a token)", handler: s.page,
			answers: []answer{{status: 200, desc: "the page", body: textBody("text/html")}}},
		{method: "GET", path: "/app/{file}", name: "pageFile", summary: "the planning page's files", handler: s.page,
			answers: []answer{{status: 200, desc: "the file", body: textBody("text/html", "text/css", "text/javascript")}}, fails: []int{404}},
	}
}

// operationRoutes are the routes of the operations themselves: their holidays,
// the token's rights, and the operations' problems (list, create, read,
// replace, delete).
func (s *Server) operationRoutes() []route {
	return []route{
		{method: "GET", path: "/v1/operations/{op}/holidays", name: "holidays", role: anyRole, summary: "the operation's public holidays and closures", handler: s.holidays, heavy: true,
			answers: []answer{{status: 200, desc: "the dates", body: jsonOf[holidaysAnswer](), headers: []param{hETag}}}, fails: []int{404}},
		{method: "GET", path: "/v1/me", name: "me", role: anyRole, summary: "what the request's token may do: its id, role, scope (operations, a contractor's crews), the routes it may call (by operationId), the event types it may send, which jobs it may cancel", handler: s.me,
			answers: []answer{{status: 200, desc: "the token's rights", body: jsonOf[meAnswer]()}}},
		{method: "GET", path: "/v1/operations", name: "listOperations", role: anyRole, summary: "list the operations", handler: s.listOperations,
			answers: []answer{{status: 200, desc: "the operations' ids, sorted", body: jsonOf[operationsAnswer]()}}},
		{method: "POST", path: "/v1/operations", name: "createOperation", role: planners, summary: "create an operation from a rehabplan/v1 problem, or from a filled template workbook (its content type)", handler: s.createOperation, heavy: true,
			headers: []param{hAcceptLanguage}, body: bodyOf[model.Problem](), alt: []content{workbookBody},
			answers: []answer{{status: 201, desc: "created as version 1", body: jsonOf[versionAnswer](), headers: []param{hLocation, hETag}}}, fails: []int{409, 422}},
		{method: "GET", path: "/v1/operations/{op}", name: "getOperation", role: readers, summary: "the operation's current problem", handler: s.getOperation,
			answers: []answer{{status: 200, desc: "the latest version's problem", body: jsonOf[model.Problem](), headers: []param{hETag}}}, fails: []int{404, 429}},
		{method: "PUT", path: "/v1/operations/{op}", name: "replaceOperation", role: planners, summary: "replace the operation's problem (a new version), from a rehabplan/v1 problem or a filled template workbook (its content type)", handler: s.replaceOperation, heavy: true,
			headers: []param{hIfMatch, hAcceptLanguage}, body: bodyOf[model.Problem](), alt: []content{workbookBody},
			answers: []answer{{status: 200, desc: "the new version", body: jsonOf[versionAnswer](), headers: []param{hETag}}}, fails: []int{404, 409, 412, 422}},
		{method: "DELETE", path: "/v1/operations/{op}", name: "deleteOperation", role: planners, summary: "delete the operation and all its versions", handler: s.deleteOperation,
			headers: []param{hIfMatch},
			answers: []answer{{status: 204, desc: "deleted"}}, fails: []int{404, 412}},
	}
}

// jobRoutes are the routes of the solve jobs: start one, read, cancel, and its plan.
func (s *Server) jobRoutes() []route {
	return []route{
		{method: "POST", path: "/v1/operations/{op}/solve", name: "startSolve", role: planners, summary: "start a solve job; returns its id at once", handler: s.startSolve,
			query:   []param{qTimeLimit, qWorkLimit, qSeed},
			answers: []answer{{status: 202, desc: "the job, running", body: jsonOf[JobStatus](), headers: []param{hLocation}}}, fails: []int{404, 429, 503}},
		{method: "GET", path: "/v1/jobs/{job}", name: "getJob", role: readers, summary: "a job's status, progress, best score and elapsed time; a replan job's new version and diff once done", handler: s.getJob,
			answers: []answer{{status: 200, desc: "the job", body: jsonOf[JobStatus]()}}, fails: []int{404, 429}},
		{method: "DELETE", path: "/v1/jobs/{job}", name: "cancelJob", role: bookers, summary: "cancel a job, solve or replan (its best plan so far is kept; a job not started yet stores nothing): an admin or a manager any job of its scope, a pilot the jobs its token submitted (another's: 403)", handler: s.cancelJob,
			answers: []answer{{status: 202, desc: "cancelling: the job stores its best plan, then ends", body: jsonOf[JobStatus]()}}, fails: []int{404, 409}},
		{method: "GET", path: "/v1/jobs/{job}/plan", name: "getJobPlan", role: anyRole, summary: "the plan of a finished job", handler: s.getJobPlan,
			answers: []answer{{status: 200, desc: "the plan", body: jsonOf[model.Plan]()}}, fails: []int{404, 409, 429}},
	}
}

// planRoutes are the routes of the versions and their plans: read them, diff
// two, and the events that replan into a new one.
func (s *Server) planRoutes() []route {
	return []route{
		{method: "GET", path: "/v1/operations/{op}/versions", name: "listVersions", role: readers, summary: "the operation's versions", handler: s.listVersions,
			answers: []answer{{status: 200, desc: "the versions, oldest first", body: jsonOf[versionsAnswer](), headers: []param{hETag}}}, fails: []int{404}},
		{method: "GET", path: "/v1/operations/{op}/versions/{v}", name: "getVersion", role: readers, summary: "one version: problem, plan, diff", handler: s.getVersion,
			answers: []answer{{status: 200, desc: "the version", body: jsonOf[Version](), headers: []param{hETag}}}, fails: []int{400, 404, 429}},
		{method: "GET", path: "/v1/operations/{op}/plan", name: "getPlan", role: anyRole, summary: "the latest plan", handler: s.getPlan,
			answers: []answer{{status: 200, desc: "the plan of the newest version that has one; as a workbook when Accept prefers its type to JSON (redacted for the role as the JSON plan is)",
				body: append(jsonOf[model.Plan](), workbookAnswer), headers: []param{hVersion, hETag}}}, fails: []int{404, 429}},
		{method: "GET", path: "/v1/operations/{op}/diff", name: "diffVersions", role: anyRole, summary: "the diff between the plans of two versions", handler: s.diffVersions, heavy: true,
			query:   []param{qFrom, qTo},
			answers: []answer{{status: 200, desc: "the diff", body: jsonOf[model.Diff]()}}, fails: []int{404, 409}},
		{method: "POST", path: "/v1/operations/{op}/events", name: "postEvents", role: bookers, summary: "apply rehabplan-events/v1 and replan: in the request (a time_limit up to what the server holds a request for, else 400), or as a job with Prefer: respond-async; a pilot sends the households' events only (appointment_missed, appointment_declined, appointment_rescheduled, household_changed, dwelling_vacant: any other is a 403 naming it)", handler: s.postEvents,
			query: []param{qTimeLimit, qWorkLimit, qSeed, qNow}, headers: []param{hIdempotencyKey, hPrefer}, body: bodyOf[model.Events](),
			answers: []answer{
				{status: 201, desc: "replanned: the new version and its diff", body: jsonOf[replanAnswer](), headers: []param{hETag}},
				{status: 200, desc: "the answer of an earlier request with the same Idempotency-Key", body: jsonOf[replanAnswer](), headers: []param{hReplayed, hETag}},
				{status: 202, desc: "Prefer: respond-async: the replan job, queued or running (with Idempotent-Replayed, the job an earlier request with the same Idempotency-Key queued); its status gives the new version and its diff once done",
					body: jsonOf[JobStatus](), headers: []param{hLocation, hPreferenceApplied, hReplayed}},
			}, fails: []int{404, 409, 422, 429, 503}},
	}
}

// viewRoutes are the routes that read the latest plan for someone: an
// explanation, a calendar, the appointments, the summary.
func (s *Server) viewRoutes() []route {
	return []route{
		{method: "GET", path: "/v1/operations/{op}/interventions/{iv}/explanation", name: "explain", role: readers, summary: "why an intervention stands where it is, what keeps it from being earlier", handler: s.explain,
			query: []param{qLang}, headers: []param{hAcceptLanguage},
			answers: []answer{{status: 200, desc: "the explanation", body: jsonOf[scheduler.Explanation](), headers: []param{hContentLang}}}, fails: []int{404, 429}},
		{method: "GET", path: "/v1/operations/{op}/calendars/{kind}/{who}", name: "calendar", role: anyRole, summary: "iCalendar feed of a household (admin, manager, pilot), crew (a contractor: its own) or pilot (admin, manager, pilot)", handler: s.calendar, heavy: true,
			answers: []answer{{status: 200, desc: "the feed (RFC 5545)", body: textBody("text/calendar")}}, fails: []int{400, 404, 429}},
		{method: "GET", path: "/v1/operations/{op}/appointments", name: "listAppointments", role: anyRole, summary: "the latest plan's appointments: where, how to get in, when (a contractor: its crews')", handler: s.listAppointments, heavy: true,
			answers: []answer{{status: 200, desc: "the appointments, by start", body: jsonOf[appointmentsAnswer]()}}, fails: []int{404, 429}},
		{method: "GET", path: "/v1/operations/{op}/summary", name: "getSummary", role: readers, summary: "the latest plan's summary: counts and dates by trade and building, disturbed days, open snags by contractor", handler: s.getSummary, heavy: true,
			answers: []answer{{status: 200, desc: "the summary", body: jsonOf[summaryAnswer]()}}, fails: []int{404, 429}},
	}
}

// feedRoutes are the routes of the calendar feeds by secret URL.
func (s *Server) feedRoutes() []route {
	return []route{
		{method: "POST", path: "/v1/operations/{op}/feeds", name: "createFeed", role: feeders, summary: "make a calendar feed by secret URL for a household, crew or pilot", handler: s.createFeed,
			body:    bodyOf[feedRequest](),
			answers: []answer{{status: 201, desc: "the feed and its secret URL's path (shown once)", body: jsonOf[feedCreated](), headers: []param{hLocation}}}, fails: []int{404}},
		{method: "GET", path: "/v1/operations/{op}/feeds", name: "listFeeds", role: feeders, summary: "the operation's calendar feeds (without their secrets)", handler: s.listFeeds,
			answers: []answer{{status: 200, desc: "the feeds, oldest first", body: jsonOf[feedsAnswer]()}}, fails: []int{404}},
		{method: "DELETE", path: "/v1/operations/{op}/feeds/{feed}", name: "revokeFeed", role: feeders, summary: "revoke a calendar feed: its URL answers 404 from now on", handler: s.revokeFeed,
			answers: []answer{{status: 204, desc: "revoked"}}, fails: []int{404}},
		{method: "GET", path: "/v1/feeds/{secret}", name: "secretFeed", summary: "a calendar feed by its secret URL (no token: calendar apps subscribe to it)", handler: s.secretFeed, heavy: true,
			answers: []answer{{status: 200, desc: "the feed (RFC 5545)", body: textBody("text/calendar")}}, fails: []int{404, 429}},
	}
}

// lifecycleRoutes are the routes of the appointment lifecycle (lifecycle.go):
// announce, letters, confirmations, other slots, reminders.
func (s *Server) lifecycleRoutes() []route {
	return []route{
		{method: "POST", path: "/v1/operations/{op}/announce", name: "announce", role: bookers, summary: "announce the appointments before a date (or those of chosen households, buildings, stairwells): a new version, with a letter to each household", handler: s.announce, heavy: true,
			headers: []param{hIdempotencyKey, hIfMatch}, body: bodyOf[announceRequest](),
			answers: []answer{
				{status: 201, desc: "announced: the new version, what it announced and the letters", body: jsonOf[announceAnswer](), headers: []param{hETag}},
				{status: 200, desc: "the answer of an earlier request with the same Idempotency-Key", body: jsonOf[announceAnswer](), headers: []param{hReplayed, hETag}},
			}, fails: []int{404, 409, 412, 422}},
		{method: "GET", path: "/v1/operations/{op}/letters", name: "letters", role: lifecyclers, summary: "the letters an announcement wrote to the households: JSON, printable HTML (A4, one household a page) or text", handler: s.letters, heavy: true,
			query:   []param{qLetterVersion, qFormat},
			answers: []answer{{status: 200, desc: "the letters", body: append(jsonOf[lettersAnswer](), textBody("text/html", "text/plain")...), headers: []param{hETag}}}, fails: []int{404}},
		{method: "POST", path: "/v1/operations/{op}/confirmations", name: "confirm", role: bookers, summary: "record that households confirmed announced appointments: a new version where they are confirmed", handler: s.confirm, heavy: true,
			headers: []param{hIdempotencyKey, hIfMatch}, body: bodyOf[confirmRequest](),
			answers: []answer{
				{status: 201, desc: "confirmed: the new version", body: jsonOf[confirmAnswer](), headers: []param{hETag}},
				{status: 200, desc: "the answer of an earlier request with the same Idempotency-Key", body: jsonOf[confirmAnswer](), headers: []param{hReplayed, hETag}},
			}, fails: []int{404, 409, 412, 422}},
		{method: "GET", path: "/v1/operations/{op}/interventions/{iv}/slots", name: "slots", role: readers, summary: "the best other times of one appointment in the latest plan (a household on the phone), each with its crew, what it moves and the appointment_rescheduled event that takes it", handler: s.slots,
			query:   []param{qCount, qSlotFrom, qSlotTo, qSlotNow},
			answers: []answer{{status: 200, desc: "the slots, best first, and the version they come from", body: jsonOf[slotsAnswer](), headers: []param{hETag}}}, fails: []int{404, 409, 422, 429}},
		{method: "GET", path: "/v1/operations/{op}/reminders", name: "reminders", role: lifecyclers, summary: "who to call or text on a day about the next day's appointments: households, crews, pilots", handler: s.reminders, heavy: true,
			query:   []param{qFormat, qReminderLang, qDate},
			answers: []answer{{status: 200, desc: "the reminders (households in French)", body: append(jsonOf[remindersAnswer](), textBody("text/html", "text/plain")...), headers: []param{hETag}}}, fails: []int{404, 422}},
	}
}

// requestRoutes are the routes of the tenants' requests and complaints.
func (s *Server) requestRoutes() []route {
	return []route{
		{method: "GET", path: "/v1/operations/{op}/requests", name: "listRequests", role: tenantDesk, summary: "the tenants' requests of the operation, by household (pilot, manager, admin); overdue lists those not closed whose follow-up date has passed", handler: s.listRequests,
			query:   []param{qOverdue, qStatus},
			answers: []answer{{status: 200, desc: "the requests, by household then number", body: jsonOf[tenantRequestsAnswer]()}}, fails: []int{404, 501}},
		{method: "GET", path: "/v1/operations/{op}/households/{household}/requests", name: "listHouseholdRequests", role: tenantDesk, summary: "a household's log of requests and complaints (pilot, manager, admin)", handler: s.listHouseholdRequests,
			query:   []param{qOverdue, qStatus},
			answers: []answer{{status: 200, desc: "the household's requests, by number", body: jsonOf[tenantRequestsAnswer]()}}, fails: []int{404, 501}},
		{method: "POST", path: "/v1/operations/{op}/households/{household}/requests", name: "addRequest", role: tenantDesk, summary: "add a request or complaint to a household's log (pilot, manager, admin)", handler: s.addRequest, heavy: true,
			headers: []param{hIdempotencyKey}, body: bodyOf[tenantRequestBody](),
			answers: []answer{
				{status: 201, desc: "added", body: jsonOf[tenantRequestAnswer](), headers: []param{hLocation, hRequestETag}},
				{status: 200, desc: "the answer of an earlier request with the same Idempotency-Key", body: jsonOf[tenantRequestAnswer](), headers: []param{hReplayed, hRequestETag}},
			}, fails: []int{404, 422, 501}},
		{method: "PUT", path: "/v1/operations/{op}/households/{household}/requests/{request}", name: "updateRequest", role: tenantDesk, summary: "update a request of a household's log: its status, follow-up, text... (pilot, manager, admin)", handler: s.updateRequest, heavy: true,
			headers: []param{hRequestIfMatch}, body: bodyOf[tenantRequestBody](),
			answers: []answer{{status: 200, desc: "the request, its revision raised", body: jsonOf[tenantRequestAnswer](), headers: []param{hRequestETag}}}, fails: []int{404, 412, 501}},
	}
}

// adminRoutes are the administrators' routes: the audit log.
func (s *Server) adminRoutes() []route {
	return []route{
		{method: "GET", path: "/v1/audit", name: "listAudit", role: admins, summary: "the audit log of the reads of household and profile data, oldest first", handler: s.listAudit,
			query:   []param{qAfter, qLimit},
			answers: []answer{{status: 200, desc: "a page of records", body: jsonOf[auditAnswer]()}}},
	}
}

// errorStatuses are the error statuses rt may answer: its own, and those of the
// adapter (authentication, query parameters), of its body, and 500.
func (rt *route) errorStatuses() []int {
	set := map[int]bool{http.StatusInternalServerError: true}
	for _, st := range rt.fails {
		set[st] = true
	}
	if rt.role != public {
		// a role the route does not let in, or an operation out of the scope
		set[http.StatusUnauthorized], set[http.StatusForbidden] = true, true
	}
	for _, q := range rt.query {
		if q.parse != nil || q.required {
			set[http.StatusBadRequest] = true
		}
	}
	if rt.body != nil {
		set[http.StatusBadRequest] = true
		set[http.StatusRequestEntityTooLarge] = true
	}
	if strings.Contains(rt.path, "{") || slices.ContainsFunc(rt.headers, func(h param) bool { return h.name == hIdempotencyKey.name }) {
		set[http.StatusBadRequest] = true // an id or a key too long
	}
	if rt.heavy {
		set[http.StatusTooManyRequests] = true
	}
	var out []int
	for st := range set {
		out = append(out, st)
	}
	slices.Sort(out)
	return out
}

func (s *Server) routes() *mux.Router {
	r := mux.NewRouter().UseEncodedPath() // ids may hold "/" (B1-A-01/windows), sent as %2F
	for _, rt := range s.table() {
		r.Handle(rt.path, s.observe(rt.path, s.adapt(&rt))).Methods(rt.method).Name(rt.name)
	}
	r.NotFoundHandler = s.adapt(&route{handler: func(w http.ResponseWriter, r *http.Request) error {
		return errorf(http.StatusNotFound, "no such route", "%s", r.URL.Path)
	}})
	r.MethodNotAllowedHandler = s.adapt(&route{handler: func(w http.ResponseWriter, r *http.Request) error {
		return errorf(http.StatusMethodNotAllowed, "method not allowed", "%s %s", r.Method, r.URL.Path)
	}})
	return r
}

// cors lists the request headers and the methods of the routes, for the CORS
// answers: a header a route declares is one a browser may send.
func (s *Server) cors() (headers, methods string) {
	hs, ms := []string{"Authorization", "Content-Type"}, []string{}
	for _, rt := range s.table() {
		for _, h := range rt.headers {
			if !slices.Contains(hs, h.name) {
				hs = append(hs, h.name)
			}
		}
		if !slices.Contains(ms, rt.method) {
			ms = append(ms, rt.method)
		}
	}
	return strings.Join(hs, ", "), strings.Join(ms, ", ")
}

// adapt runs a route: the token's role, then the query parameters, then the
// handler; whichever fails is answered as a problem.
func (s *Server) adapt(rt *route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ar, err := s.authorize(rt, r)
		if err == nil {
			r = ar
			err = checkLengths(r)
		}
		if err == nil {
			var rq *http.Request
			if rq, err = rt.readQuery(r); err == nil {
				r = rq
			}
		}
		if err == nil && rt.heavy {
			var release func()
			if release, err = s.pool.acquire(r.Context(), s.routeWeight(r)); err == nil {
				defer release()
			}
		}
		if err == nil {
			err = rt.handler(w, r)
		}
		if err != nil && r.Context().Err() != nil && errors.Is(err, r.Context().Err()) {
			return // the client is gone: nobody reads the answer
		}
		if sw, ok := w.(*statusWriter); ok && err != nil && sw.written {
			// a handler that returns an error has written nothing: a bug otherwise
			s.cfg.Logger.Error("handler failed after answering", "method", r.Method, "route", rt.path, "cause", rootCause(err).Error())
			return
		}
		if err != nil {
			s.writeError(w, r, rt.path, err)
		}
	})
}

// The longest ids a path may name (operations, interventions, households, crews,
// pilots, jobs, versions), and the longest Idempotency-Key, in bytes.
const (
	maxIDBytes  = 128
	maxKeyBytes = 255
)

// checkLengths refuses, before any work, a path segment longer than an id may be,
// or that no id can be (invalid UTF-8 or a NUL byte: PostgreSQL's text holds
// neither), or an Idempotency-Key longer than a key may be: a 400 naming it.
func checkLengths(r *http.Request) error {
	for name, v := range pathVars(r) {
		if len(v) > maxIDBytes {
			return fieldError("invalid path", &model.FieldError{Field: name, Msg: fmt.Sprintf("%d bytes: at most %d", len(v), maxIDBytes)})
		}
		if err := checkIDText(v); err != nil {
			return fieldError("invalid path", &model.FieldError{Field: name, Msg: err.Error()})
		}
	}
	if k := r.Header.Get(hIdempotencyKey.name); len(k) > maxKeyBytes {
		return fieldError("invalid header", &model.FieldError{Field: hIdempotencyKey.name, Msg: fmt.Sprintf("%d bytes: at most %d", len(k), maxKeyBytes)})
	}
	return nil
}

// checkIDText refuses an id that is not valid UTF-8 or holds a NUL byte.
func checkIDText(v string) error {
	if !utf8.ValidString(v) {
		return errors.New("not valid UTF-8")
	}
	if strings.ContainsRune(v, 0) {
		return errors.New("holds a NUL byte")
	}
	return nil
}

type queryKey struct{}

// readQuery checks the route's query parameters and keeps their Go values in the
// request's context, where arg finds them.
func (rt *route) readQuery(r *http.Request) (*http.Request, error) {
	if len(rt.query) == 0 {
		return r, nil
	}
	q := r.URL.Query()
	vals := map[string]any{}
	for _, p := range rt.query {
		if !q.Has(p.name) {
			if p.required {
				return nil, fieldError("invalid query", &model.FieldError{Field: p.name, Msg: "required: " + p.desc})
			}
			continue
		}
		var v any = q.Get(p.name)
		if p.parse != nil {
			var err error
			if v, err = p.parse(q.Get(p.name)); err != nil {
				return nil, fieldError("invalid query", &model.FieldError{Field: p.name, Msg: err.Error()})
			}
		}
		if v != nil {
			vals[p.name] = v
		}
	}
	return r.WithContext(context.WithValue(r.Context(), queryKey{}, vals)), nil
}

// arg is the value of the query parameter name, as its route's param parsed it;
// ok is false when the request did not give it (or the route does not declare it).
func arg[T any](r *http.Request, name string) (v T, ok bool) {
	vals, _ := r.Context().Value(queryKey{}).(map[string]any)
	v, ok = vals[name].(T)
	return v, ok
}

func parsePositiveDuration(v string) (any, error) {
	if v == "" {
		return nil, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return nil, fmt.Errorf("%q is not a positive duration such as 10s", v)
	}
	return d, nil
}

func parseCount(v string) (any, error) {
	if v == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("%q is not a count", v)
	}
	return n, nil
}

func parseInt64(v string) (any, error) {
	if v == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%q is not an integer", v)
	}
	return n, nil
}

func parseRFC3339(v string) (any, error) {
	if v == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil, fmt.Errorf("%q is not an RFC 3339 time such as 2027-02-01T12:00:00+01:00", v)
	}
	return t, nil
}

func parseVersionNumber(v string) (any, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return nil, fmt.Errorf("%q is not a version number (a positive integer)", v)
	}
	return n, nil
}

func parseLang(v string) (any, error) {
	lang, err := scheduler.ParseLang(v)
	if err != nil || v == "" {
		return nil, fmt.Errorf("unknown language %q: \"en\" or \"fr\"", v)
	}
	return lang, nil
}
