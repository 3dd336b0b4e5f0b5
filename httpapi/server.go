// Package httpapi is rehabplan's HTTP service: operations, solve jobs, plan
// versions and their diffs, events that trigger a replan, explanations, iCalendar
// feeds, health and metrics, under /v1, over a durable Store.
package httpapi

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// Roles of a token.
const (
	RoleRead  = "read"
	RoleWrite = "write"
)

// Config sets a server up.
type Config struct {
	Store Store
	// Tokens maps each bearer token to its role (read or write).
	Tokens map[string]string
	// CORSOrigins lists the origins allowed to call from a browser.
	CORSOrigins []string
	// MaxBody bounds request bodies (default 64 MiB).
	MaxBody int64
	// MaxSolveTime bounds a solve or replan (default 5 minutes); MaxJobs the
	// solve jobs running at once (default 2).
	MaxSolveTime time.Duration
	MaxJobs      int
	Logger       *slog.Logger
}

// Server serves the API.
type Server struct {
	cfg    Config
	router *mux.Router
	jobs   *jobs
	// explainers: the compiled plans the explanation route asks about
	explainers explainerCache
	// metrics
	requests sync.Map // "method route status" -> *atomic.Int64
	latency  sync.Map // route -> *histogram
	ready    atomic.Bool
	closing  atomic.Bool
	// opLocks serialises the writes that derive a version from the latest one
	// (replans, stored solves), so that none is built on a stale version
	opLocks sync.Map // operation -> *sync.Mutex
}

func (s *Server) lockOp(op string) func() {
	m, _ := s.opLocks.LoadOrStore(op, &sync.Mutex{})
	m.(*sync.Mutex).Lock()
	return m.(*sync.Mutex).Unlock
}

// New builds a server.
func New(cfg Config) *Server {
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = model.MaxDocumentBytes
	}
	if cfg.MaxSolveTime <= 0 {
		cfg.MaxSolveTime = 5 * time.Minute
	}
	if cfg.MaxJobs <= 0 {
		cfg.MaxJobs = 2
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{cfg: cfg, jobs: newJobs()}
	s.router = s.routes()
	s.ready.Store(true)
	return s
}

// route is one endpoint: what the OpenAPI document and the router share.
type route struct {
	method, path, name, role, summary string
	handler                           func(http.ResponseWriter, *http.Request)
}

func (s *Server) table() []route {
	return []route{
		{"GET", "/healthz", "healthz", "", "liveness", s.healthz},
		{"GET", "/readyz", "readyz", "", "readiness", s.readyz},
		{"GET", "/metrics", "metrics", "", "Prometheus metrics", s.metrics},
		{"GET", "/v1/openapi.json", "openapi", "", "this API's OpenAPI 3 document", s.openapi},
		{"GET", "/", "root", "", "redirects to the planning page", s.pageRedirect},
		{"GET", "/app/", "page", "", "the planning page (its API calls need a token)", s.page},
		{"GET", "/app/{file}", "pageFile", "", "the planning page's files", s.page},
		{"GET", "/v1/operations/{op}/holidays", "holidays", RoleRead, "the operation's public holidays and closures", s.holidays},
		{"GET", "/v1/operations", "listOperations", RoleRead, "list the operations", s.listOperations},
		{"POST", "/v1/operations", "createOperation", RoleWrite, "create an operation from a rehabplan/v1 problem", s.createOperation},
		{"GET", "/v1/operations/{op}", "getOperation", RoleRead, "the operation's current problem", s.getOperation},
		{"PUT", "/v1/operations/{op}", "replaceOperation", RoleWrite, "replace the operation's problem (a new version)", s.replaceOperation},
		{"DELETE", "/v1/operations/{op}", "deleteOperation", RoleWrite, "delete the operation and all its versions", s.deleteOperation},
		{"POST", "/v1/operations/{op}/solve", "startSolve", RoleWrite, "start a solve job; returns its id at once", s.startSolve},
		{"GET", "/v1/jobs/{job}", "getJob", RoleRead, "a job's status, progress, best score and elapsed time", s.getJob},
		{"DELETE", "/v1/jobs/{job}", "cancelJob", RoleWrite, "cancel a job (its best plan so far is kept)", s.cancelJob},
		{"GET", "/v1/jobs/{job}/plan", "getJobPlan", RoleRead, "the plan of a finished job", s.getJobPlan},
		{"GET", "/v1/operations/{op}/versions", "listVersions", RoleRead, "the operation's versions", s.listVersions},
		{"GET", "/v1/operations/{op}/versions/{v}", "getVersion", RoleRead, "one version: problem, plan, diff", s.getVersion},
		{"GET", "/v1/operations/{op}/plan", "getPlan", RoleRead, "the latest plan", s.getPlan},
		{"GET", "/v1/operations/{op}/diff", "diffVersions", RoleRead, "the diff between the plans of two versions (?from=&to=)", s.diffVersions},
		{"POST", "/v1/operations/{op}/events", "postEvents", RoleWrite, "apply rehabplan-events/v1 and replan (Idempotency-Key honoured)", s.postEvents},
		{"GET", "/v1/operations/{op}/interventions/{iv}/explanation", "explain", RoleRead, "why an intervention stands where it is, what keeps it from being earlier", s.explain},
		{"GET", "/v1/operations/{op}/calendars/{kind}/{who}", "calendar", RoleRead, "iCalendar feed of a household, crew or pilot (kind: household, crew, pilot)", s.calendar},
	}
}

func (s *Server) routes() *mux.Router {
	r := mux.NewRouter().UseEncodedPath() // ids may hold "/" (B1-A-01/windows), sent as %2F
	for _, rt := range s.table() {
		rt := rt
		h := http.Handler(http.HandlerFunc(rt.handler))
		h = s.observe(rt.path, h)
		if rt.role != "" {
			h = s.auth(rt.role, h)
		}
		r.Handle(rt.path, h).Methods(rt.method).Name(rt.name)
	}
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		problem(w, http.StatusNotFound, "no such route", r.URL.Path, nil)
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		problem(w, http.StatusMethodNotAllowed, "method not allowed", r.Method+" "+r.URL.Path, nil)
	})
	return r
}

// ServeHTTP implements http.Handler: CORS, then the routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if origin := r.Header.Get("Origin"); origin != "" {
		for _, o := range s.cfg.CORSOrigins {
			if o == origin {
				w.Header().Set("Access-Control-Allow-Origin", origin)
				w.Header().Set("Vary", "Origin")
				w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key")
				w.Header().Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE")
			}
		}
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	s.router.ServeHTTP(w, r)
}

// Shutdown stops taking jobs and cancels the running ones, waiting for them to
// store their best plan, within ctx.
func (s *Server) Shutdown(ctx context.Context) {
	s.closing.Store(true)
	s.ready.Store(false)
	s.jobs.cancelAll()
	s.jobs.wait(ctx)
}

// auth checks the bearer token and its role.
func (s *Server) auth(role string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || tok == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="rehabplan"`)
			problem(w, http.StatusUnauthorized, "missing bearer token", "send Authorization: Bearer <token>", nil)
			return
		}
		got := ""
		for t, rl := range s.cfg.Tokens {
			if subtle.ConstantTimeCompare([]byte(t), []byte(tok)) == 1 {
				got = rl
			}
		}
		switch {
		case got == "":
			w.Header().Set("WWW-Authenticate", `Bearer realm="rehabplan", error="invalid_token"`)
			problem(w, http.StatusUnauthorized, "invalid token", "the token is unknown or expired", nil)
		case role == RoleWrite && got != RoleWrite:
			problem(w, http.StatusForbidden, "read-only token", "this token may read, not write", nil)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// statusWriter remembers the status for the metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// observe counts requests and their latency per route; it logs method, route,
// status and duration, never bodies (households' data stays out of the logs).
func (s *Server) observe(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: 200}
		defer func() {
			if v := recover(); v != nil {
				s.cfg.Logger.Error("panic", "route", route, "panic", fmt.Sprint(v))
				problem(sw, http.StatusInternalServerError, "internal error", "the request failed; it is logged", nil)
			}
			d := time.Since(t0)
			k := fmt.Sprintf("%s %s %d", r.Method, route, sw.status)
			c, _ := s.requests.LoadOrStore(k, new(atomic.Int64))
			c.(*atomic.Int64).Add(1)
			hs, _ := s.latency.LoadOrStore(route, newHistogram())
			hs.(*histogram).observe(d.Seconds())
			s.cfg.Logger.Info("request", "method", r.Method, "route", route, "status", sw.status, "ms", d.Milliseconds())
		}()
		next.ServeHTTP(sw, r)
	})
}

// problem writes an RFC 9457 problem document.
func problem(w http.ResponseWriter, status int, title, detail string, errs []*model.FieldError) {
	type fieldErr struct {
		Field  string `json:"field"`
		Entity string `json:"entity,omitempty"`
		ID     string `json:"id,omitempty"`
		Detail string `json:"detail"`
	}
	body := struct {
		Type   string     `json:"type"`
		Title  string     `json:"title"`
		Status int        `json:"status"`
		Detail string     `json:"detail,omitempty"`
		Errors []fieldErr `json:"errors,omitempty"`
	}{Type: "about:blank", Title: title, Status: status, Detail: detail}
	for _, fe := range errs {
		body.Errors = append(body.Errors, fieldErr{fe.Field, fe.Entity, fe.ID, fe.Msg})
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

// inputError answers a decode or validation error with 400 and the field paths.
func inputError(w http.ResponseWriter, err error) {
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		detail := ve.Error()
		if len(ve.Errors) > 0 {
			detail = ve.Errors[0].Error()
		}
		problem(w, http.StatusBadRequest, "invalid "+orDefault(ve.Document, "problem"), detail, ve.Errors)
		return
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		problem(w, http.StatusRequestEntityTooLarge, "body too large", fmt.Sprintf("at most %d bytes", mbe.Limit), nil)
		return
	}
	problem(w, http.StatusBadRequest, "invalid request", err.Error(), nil)
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func storeError(w http.ResponseWriter, err error, what string) {
	switch {
	case errors.Is(err, ErrNotFound):
		problem(w, http.StatusNotFound, "not found", what, nil)
	case errors.Is(err, ErrExists):
		problem(w, http.StatusConflict, "already exists", what, nil)
	default:
		problem(w, http.StatusInternalServerError, "store error", err.Error(), nil)
	}
}

// pathVars are the route's variables, unescaped.
func pathVars(r *http.Request) map[string]string {
	out := map[string]string{}
	for k, v := range mux.Vars(r) {
		if u, err := url.PathUnescape(v); err == nil {
			v = u
		}
		out[k] = v
	}
	return out
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func (s *Server) body(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, map[string]string{"status": "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if !s.ready.Load() {
		problem(w, http.StatusServiceUnavailable, "not ready", "shutting down", nil)
		return
	}
	if _, err := s.cfg.Store.Operations(); err != nil {
		problem(w, http.StatusServiceUnavailable, "not ready", "store: "+err.Error(), nil)
		return
	}
	writeJSON(w, 200, map[string]string{"status": "ready"})
}

func (s *Server) listOperations(w http.ResponseWriter, r *http.Request) {
	ids, err := s.cfg.Store.Operations()
	if err != nil {
		storeError(w, err, "")
		return
	}
	sort.Strings(ids)
	writeJSON(w, 200, map[string]any{"operations": ids})
}

func (s *Server) decodeProblem(w http.ResponseWriter, r *http.Request) (*model.Problem, bool) {
	data, err := s.body(w, r)
	if err != nil {
		inputError(w, err)
		return nil, false
	}
	p, err := model.DecodeBytes(data)
	if err != nil {
		inputError(w, err)
		return nil, false
	}
	return p, true
}

func (s *Server) createOperation(w http.ResponseWriter, r *http.Request) {
	p, ok := s.decodeProblem(w, r)
	if !ok {
		return
	}
	v, err := s.cfg.Store.CreateOperation(p.Operation.ID, p)
	if err != nil {
		storeError(w, err, fmt.Sprintf("operation %q", p.Operation.ID))
		return
	}
	w.Header().Set("Location", "/v1/operations/"+p.Operation.ID)
	writeJSON(w, http.StatusCreated, map[string]any{"operation": p.Operation.ID, "version": v.Number})
}

func (s *Server) getOperation(w http.ResponseWriter, r *http.Request) {
	op := pathVars(r)["op"]
	v, err := s.cfg.Store.Latest(op)
	if err != nil {
		storeError(w, err, fmt.Sprintf("operation %q", op))
		return
	}
	writeJSON(w, 200, v.Problem)
}

func (s *Server) replaceOperation(w http.ResponseWriter, r *http.Request) {
	op := pathVars(r)["op"]
	p, ok := s.decodeProblem(w, r)
	if !ok {
		return
	}
	if p.Operation.ID != op {
		problem(w, http.StatusBadRequest, "invalid problem", fmt.Sprintf("operation.id %q is not the operation %q of the URL", p.Operation.ID, op),
			[]*model.FieldError{{Field: "operation.id", Entity: "operation", ID: p.Operation.ID, Msg: "does not match the URL"}})
		return
	}
	base, err := s.cfg.Store.Head(op)
	if err != nil {
		storeError(w, err, fmt.Sprintf("operation %q", op))
		return
	}
	v, _, err := s.cfg.Store.AddVersion(op, base, &Version{Kind: "replaced", Problem: p}, Idem{})
	if err != nil {
		storeError(w, err, fmt.Sprintf("operation %q", op))
		return
	}
	writeJSON(w, 200, map[string]any{"operation": op, "version": v.Number})
}

func (s *Server) deleteOperation(w http.ResponseWriter, r *http.Request) {
	op := pathVars(r)["op"]
	if err := s.cfg.Store.DeleteOperation(op, ""); err != nil {
		storeError(w, err, fmt.Sprintf("operation %q", op))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// settings reads time_limit, work_limit and seed from the query.
func (s *Server) settings(r *http.Request, def time.Duration) (*scheduler.Settings, *model.FieldError) {
	q := r.URL.Query()
	set := &scheduler.Settings{TimeLimit: def, Workers: 1}
	if v := q.Get("time_limit"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, &model.FieldError{Field: "time_limit", Msg: fmt.Sprintf("%q is not a positive duration such as 10s", v)}
		}
		set.TimeLimit = d
	}
	if set.TimeLimit > s.cfg.MaxSolveTime {
		set.TimeLimit = s.cfg.MaxSolveTime
	}
	if v := q.Get("work_limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, &model.FieldError{Field: "work_limit", Msg: fmt.Sprintf("%q is not a count", v)}
		}
		set.WorkLimit = n
	}
	if v := q.Get("seed"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, &model.FieldError{Field: "seed", Msg: fmt.Sprintf("%q is not an integer", v)}
		}
		set.Seed = n
	}
	return set, nil
}

func (s *Server) startSolve(w http.ResponseWriter, r *http.Request) {
	op := pathVars(r)["op"]
	if s.closing.Load() {
		problem(w, http.StatusServiceUnavailable, "shutting down", "no new jobs", nil)
		return
	}
	set, fe := s.settings(r, 10*time.Second)
	if fe != nil {
		problem(w, http.StatusBadRequest, "invalid query", fe.Error(), []*model.FieldError{fe})
		return
	}
	v, err := s.cfg.Store.Latest(op)
	if err != nil {
		storeError(w, err, fmt.Sprintf("operation %q", op))
		return
	}
	rec := JobRecord{Operation: op, Incarnation: v.Incarnation, Base: v.Number, TimeLimit: set.TimeLimit, WorkLimit: set.WorkLimit, Seed: set.Seed}
	j, err := s.jobs.start(s.cfg.Store, rec, s.cfg.MaxJobs, false, s.cfg.Logger.Warn, s.solveJob(op, v, set))
	var tooMany errTooManyJobs
	switch {
	case errors.As(err, &tooMany):
		problem(w, http.StatusTooManyRequests, "too many jobs", err.Error(), nil)
		return
	case err != nil:
		problem(w, http.StatusInternalServerError, "store error", err.Error(), nil)
		return
	}
	w.Header().Set("Location", "/v1/jobs/"+j.ID)
	writeJSON(w, http.StatusAccepted, j.status())
}

// solveJob is the work of a solve job of version v of operation op.
func (s *Server) solveJob(op string, v *Version, set *scheduler.Settings) func(context.Context, *job) (*Version, error) {
	return func(ctx context.Context, j *job) (*Version, error) {
		set.Progress = j.progress
		res, err := scheduler.Solve(ctx, v.Problem, set)
		if err != nil {
			return nil, err
		}
		if len(res.Violations) > 0 {
			return nil, fmt.Errorf("the plan breaks %d hard rules (a bug): not stored", len(res.Violations))
		}
		// stored by the job's end (Store.FinishJob), on the job's base
		return &Version{Kind: "solved", Problem: v.Problem, Plan: res.Plan}, nil
	}
}

// ResumeJobs runs again the solve jobs the store records as running: jobs of an
// earlier run of the server that stopped (killed, or the machine lost) before
// they ended. Each keeps its id and settings and solves the version it was asked
// for; a job whose operation is gone is recorded as failed. It returns how many it
// resumed.
func (s *Server) ResumeJobs() (int, error) {
	recs, err := s.cfg.Store.Jobs()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, rec := range recs {
		if rec.State != "running" || s.jobs.get(rec.ID) != nil {
			continue
		}
		rec.Resumed++
		v, err := s.cfg.Store.Get(rec.Operation, rec.Base)
		if err != nil {
			rec.State, rec.Error, rec.Ended = "failed", fmt.Sprintf("not resumed after a restart: version %d of operation %q: %v", rec.Base, rec.Operation, err), time.Now()
			if err := s.cfg.Store.PutJob(&rec); err != nil {
				return n, err
			}
			continue
		}
		set := &scheduler.Settings{TimeLimit: min(rec.TimeLimit, s.cfg.MaxSolveTime), WorkLimit: rec.WorkLimit, Seed: rec.Seed, Workers: 1}
		if set.TimeLimit <= 0 {
			set.TimeLimit = 10 * time.Second
		}
		if _, err := s.jobs.start(s.cfg.Store, rec, s.cfg.MaxJobs, true, s.cfg.Logger.Warn, s.solveJob(rec.Operation, v, set)); err != nil {
			return n, err
		}
		s.cfg.Logger.Info("job resumed", "job", rec.ID, "operation", rec.Operation)
		n++
	}
	return n, nil
}

func (s *Server) getJob(w http.ResponseWriter, r *http.Request) {
	st, ok := s.jobStatus(w, pathVars(r)["job"])
	if ok {
		writeJSON(w, 200, st)
	}
}

// jobStatus finds a job running or ended in this run of the server, else its
// record (an earlier run's); it answers 404 itself when neither exists.
func (s *Server) jobStatus(w http.ResponseWriter, id string) (JobStatus, bool) {
	if j := s.jobs.get(id); j != nil {
		return j.status(), true
	}
	rec, err := s.cfg.Store.GetJob(id)
	if err != nil {
		storeError(w, err, "job "+id)
		return JobStatus{}, false
	}
	return recordStatus(rec), true
}

func (s *Server) cancelJob(w http.ResponseWriter, r *http.Request) {
	j := s.jobs.get(pathVars(r)["job"])
	if j == nil {
		if st, ok := s.jobStatus(w, pathVars(r)["job"]); ok {
			problem(w, http.StatusConflict, "not running", "job is "+st.State, nil)
		}
		return
	}
	j.cancel()
	writeJSON(w, http.StatusAccepted, j.status())
}

func (s *Server) getJobPlan(w http.ResponseWriter, r *http.Request) {
	st, ok := s.jobStatus(w, pathVars(r)["job"])
	if !ok {
		return
	}
	if st.State != "done" {
		problem(w, http.StatusConflict, "not finished", "job is "+st.State, nil)
		return
	}
	v, err := s.cfg.Store.Get(st.Operation, st.Version)
	if err != nil {
		storeError(w, err, "version")
		return
	}
	writeJSON(w, 200, v.Plan)
}

func (s *Server) listVersions(w http.ResponseWriter, r *http.Request) {
	op := pathVars(r)["op"]
	vs, err := s.cfg.Store.Versions(op)
	if err != nil {
		storeError(w, err, fmt.Sprintf("operation %q", op))
		return
	}
	writeJSON(w, 200, map[string]any{"operation": op, "versions": vs})
}

func (s *Server) version(w http.ResponseWriter, op, sv string) (*Version, bool) {
	n, err := strconv.Atoi(sv)
	if err != nil || n < 1 {
		problem(w, http.StatusBadRequest, "invalid version", fmt.Sprintf("%q is not a version number", sv),
			[]*model.FieldError{{Field: "version", Msg: "a positive integer"}})
		return nil, false
	}
	v, err := s.cfg.Store.Get(op, n)
	if err != nil {
		storeError(w, err, fmt.Sprintf("operation %q version %d", op, n))
		return nil, false
	}
	return v, true
}

func (s *Server) getVersion(w http.ResponseWriter, r *http.Request) {
	vars := pathVars(r)
	if v, ok := s.version(w, vars["op"], vars["v"]); ok {
		writeJSON(w, 200, v)
	}
}

// latestPlanned is the newest version that has a plan.
func (s *Server) latestPlanned(op string) (*Version, error) {
	vs, err := s.cfg.Store.Versions(op)
	if err != nil {
		return nil, err
	}
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].HasPlan {
			return s.cfg.Store.Get(op, vs[i].Number)
		}
	}
	return nil, fmt.Errorf("operation %q has no plan yet: %w", op, ErrNotFound)
}

func (s *Server) getPlan(w http.ResponseWriter, r *http.Request) {
	op := pathVars(r)["op"]
	v, err := s.latestPlanned(op)
	if err != nil {
		storeError(w, err, fmt.Sprintf("a plan of operation %q", op))
		return
	}
	w.Header().Set("X-Rehabplan-Version", strconv.Itoa(v.Number))
	writeJSON(w, 200, v.Plan)
}

func (s *Server) diffVersions(w http.ResponseWriter, r *http.Request) {
	op := pathVars(r)["op"]
	q := r.URL.Query()
	a, ok := s.version(w, op, q.Get("from"))
	if !ok {
		return
	}
	b, ok := s.version(w, op, q.Get("to"))
	if !ok {
		return
	}
	if a.Plan == nil || b.Plan == nil {
		problem(w, http.StatusConflict, "no plan", "both versions need a plan", nil)
		return
	}
	writeJSON(w, 200, scheduler.DiffPlans(a.Problem, b.Problem, a.Plan, b.Plan))
}

func (s *Server) postEvents(w http.ResponseWriter, r *http.Request) {
	op := pathVars(r)["op"]
	data, err := s.body(w, r)
	if err != nil {
		inputError(w, err)
		return
	}
	idem := NewIdem(r.Header.Get("Idempotency-Key"), r.Method, r.URL.RequestURI(), data)
	evs, err := model.DecodeEvents(bytes.NewReader(data))
	if err != nil {
		inputError(w, err)
		return
	}
	set, fe := s.settings(r, 5*time.Second)
	if fe != nil {
		problem(w, http.StatusBadRequest, "invalid query", fe.Error(), []*model.FieldError{fe})
		return
	}
	now := time.Now()
	if v := r.URL.Query().Get("now"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			problem(w, http.StatusBadRequest, "invalid query", "now: "+err.Error(), []*model.FieldError{{Field: "now", Msg: "an RFC 3339 time"}})
			return
		}
		now = t
	}
	// one replan at a time per operation, each from the latest version
	unlock := s.lockOp(op)
	defer unlock()
	if idem.Key != "" {
		if n, err := s.cfg.Store.Idempotent(op, idem); err == nil && n > 0 {
			v, err := s.cfg.Store.Get(op, n)
			if err != nil {
				storeError(w, err, "version")
				return
			}
			w.Header().Set("Idempotent-Replayed", "true")
			writeJSON(w, 200, replanAnswer(op, v))
			return
		}
	}
	cur, err := s.latestPlanned(op)
	if err != nil {
		storeError(w, err, fmt.Sprintf("a plan of operation %q to replan", op))
		return
	}
	if last, err := s.cfg.Store.Latest(op); err == nil && last.Number != cur.Number {
		problem(w, http.StatusConflict, "no plan for the latest version", fmt.Sprintf("version %d has no plan yet: solve it before sending events", last.Number), nil)
		return
	}
	rr, err := scheduler.Replan(r.Context(), cur.Problem, cur.Plan, evs, now, set)
	if err != nil {
		var ve *model.ValidationError
		if errors.As(err, &ve) {
			problem(w, http.StatusUnprocessableEntity, "events cannot be applied", ve.Errors[0].Error(), ve.Errors)
			return
		}
		problem(w, http.StatusUnprocessableEntity, "replan failed", err.Error(), nil)
		return
	}
	if len(rr.Result.Violations) > 0 {
		problem(w, http.StatusInternalServerError, "replan breaks hard rules", "not stored (a bug)", nil)
		return
	}
	v, replayed, err := s.cfg.Store.AddVersion(op, cur.Base(), &Version{Kind: "replanned", Problem: rr.Problem, Plan: rr.Plan, Diff: rr.Diff, Events: evs}, idem)
	if err != nil {
		storeError(w, err, fmt.Sprintf("operation %q", op))
		return
	}
	status := http.StatusCreated
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
		status = 200
	}
	writeJSON(w, status, replanAnswer(op, v))
}

func replanAnswer(op string, v *Version) map[string]any {
	out := map[string]any{"operation": op, "version": v.Number, "diff": v.Diff}
	if v.Plan != nil {
		out["status"] = v.Plan.Status
		out["unplaced"] = v.Plan.Unplaced
	}
	return out
}
