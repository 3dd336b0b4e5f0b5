package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// The answers that are not a model document.
type (
	statusAnswer struct {
		Status string `json:"status"`
	}
	operationsAnswer struct {
		Operations []string `json:"operations"`
	}
	// versionAnswer names the version a write made.
	versionAnswer struct {
		Operation string `json:"operation"`
		Version   int    `json:"version"`
	}
	versionsAnswer struct {
		Operation string        `json:"operation"`
		Versions  []VersionInfo `json:"versions"`
	}
	holidaysAnswer struct {
		Operation string   `json:"operation"`
		Dates     []string `json:"dates"`
	}
)

// wrapStore wraps a store error with what was looked for.
func wrapStore(err error, format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), err)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, statusAnswer{"ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	if !s.ready.Load() {
		return errorf(http.StatusServiceUnavailable, "not ready", "shutting down")
	}
	if _, err := s.cfg.Store.Operations(); err != nil {
		return &apiError{Status: http.StatusServiceUnavailable, Title: "not ready", Detail: "the store does not answer", Err: err}
	}
	return writeJSON(w, http.StatusOK, statusAnswer{"ready"})
}

func (s *Server) listOperations(w http.ResponseWriter, r *http.Request) error {
	ids, err := s.cfg.Store.Operations()
	if err != nil {
		return err
	}
	sort.Strings(ids)
	g := grantOf(r)
	seen := []string{}
	for _, id := range ids {
		if g == nil || g.mayOp(id) {
			seen = append(seen, id)
		}
	}
	ids = seen
	return writeJSON(w, http.StatusOK, operationsAnswer{ids})
}

// decodeProblem reads a rehabplan/v1 problem from the body, or imports a
// workbook sent under its content type (importWorkbook).
func (s *Server) decodeProblem(w http.ResponseWriter, r *http.Request) (*model.Problem, error) {
	if sendsWorkbook(r) {
		return s.importWorkbook(w, r)
	}
	data, err := s.body(w, r)
	if err != nil {
		return nil, err
	}
	return model.DecodeBytes(data)
}

func (s *Server) createOperation(w http.ResponseWriter, r *http.Request) error {
	p, err := s.decodeProblem(w, r)
	if err != nil {
		return err
	}
	if err := checkIDText(p.Operation.ID); err != nil {
		return fieldError("invalid operation", &model.FieldError{Field: "operation.id", Msg: err.Error()})
	}
	if err := s.inScope(r, p.Operation.ID); err != nil {
		return err
	}
	v, err := s.cfg.Store.CreateOperation(p.Operation.ID, p)
	if err != nil {
		return wrapStore(err, "operation %q", p.Operation.ID)
	}
	w.Header().Set("Location", "/v1/operations/"+p.Operation.ID)
	w.Header().Set(hETag.name, etag(v.Base()))
	return writeJSON(w, http.StatusCreated, versionAnswer{p.Operation.ID, v.Number})
}

// etag is the entity tag of a state of an operation: its incarnation and version.
func etag(b Base) string { return fmt.Sprintf(`"%s.%d"`, b.Incarnation, b.Version) }

// errPreconditionFailed is a write whose If-Match names another state than the
// operation's: a 412.
type errPreconditionFailed struct {
	op      string
	current Base
}

func (e errPreconditionFailed) Error() string {
	return fmt.Sprintf("operation %q is at version %d (ETag %s): If-Match names another state; read it again", e.op, e.current.Version, etag(e.current))
}

// ifMatch checks the request's If-Match (RFC 9110 13.1.1) against the
// operation's current state: true when there is none, when it is "*", or when
// one of its entity tags is the current one (strong comparison: a weak tag never
// matches).
func ifMatch(r *http.Request, cur Base) bool {
	h := strings.TrimSpace(r.Header.Get(hIfMatch.name))
	if h == "" || h == "*" {
		return true
	}
	want := etag(cur)
	for _, t := range strings.Split(h, ",") {
		if strings.TrimSpace(t) == want {
			return true
		}
	}
	return false
}

func (s *Server) getOperation(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	head, err := s.cfg.Store.Head(op)
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	return s.servedVersion(w, r, "problem", op, head, "getOperation", func(v *Version, vw *view) any { return vw.Problem(v.Problem) }, withETag)
}

// replaceOperation writes the problem as a new version on the operation's latest
// one, holding the operation's write lock: a replan or a solve that ends
// meanwhile commits before or after it, never in between; with If-Match, only on
// the state named.
func (s *Server) replaceOperation(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	p, err := s.decodeProblem(w, r)
	if err != nil {
		return err
	}
	if p.Operation.ID != op {
		return &apiError{Status: http.StatusBadRequest, Title: "invalid problem",
			Detail: fmt.Sprintf("operation.id %q is not the operation %q of the URL", p.Operation.ID, op),
			Fields: []*model.FieldError{{Field: "operation.id", Entity: "operation", ID: p.Operation.ID, Msg: "does not match the URL"}}}
	}
	unlock := s.lockOp(op)
	defer unlock()
	if err := s.restoreProfiles(r, op, p, nil); err != nil {
		return err
	}
	base, err := s.cfg.Store.Head(op)
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	if !ifMatch(r, base) {
		return errPreconditionFailed{op, base}
	}
	v, _, err := s.cfg.Store.AddVersion(op, base, &Version{Kind: "replaced", Problem: p}, Idem{})
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	w.Header().Set(hETag.name, etag(v.Base()))
	return writeJSON(w, http.StatusOK, versionAnswer{op, v.Number})
}

// deleteOperation deletes the operation's current incarnation (with If-Match,
// only when it is the state named), holding its write lock, and cancels the solve
// jobs of that incarnation: they store nothing (their base is gone).
func (s *Server) deleteOperation(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	unlock := s.lockOp(op)
	defer unlock()
	base, err := s.cfg.Store.Head(op)
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	if !ifMatch(r, base) {
		return errPreconditionFailed{op, base}
	}
	if err := s.cfg.Store.DeleteOperation(op, base.Incarnation); err != nil {
		return wrapStore(err, "operation %q", op)
	}
	s.jobs.cancelIncarnation(op, base.Incarnation)
	// what was read of it goes too: nothing of a deleted operation stays in memory
	s.answers.drop(op)
	s.explainers.drop(op)
	s.slotFinders.drop(op)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listVersions(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	vs, err := s.cfg.Store.Versions(op)
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	if n := len(vs); n > 0 {
		w.Header().Set(hETag.name, etag(Base{vs[n-1].Incarnation, vs[n-1].Number}))
	}
	return writeJSON(w, http.StatusOK, versionsAnswer{op, vs})
}

// version reads version n of operation op; with incarnation not empty, only of
// that incarnation (another is ErrNotFound: the operation was deleted and created
// again since).
func (s *Server) version(op, incarnation string, n int) (*Version, error) {
	v, err := s.cfg.Store.Get(op, n)
	if err == nil && incarnation != "" && v.Incarnation != incarnation {
		err = fmt.Errorf("incarnation %s is gone (the operation was deleted, then created again): %w", incarnation, ErrNotFound)
	}
	if err != nil {
		return nil, wrapStore(err, "operation %q version %d", op, n)
	}
	return v, nil
}

func (s *Server) getVersion(w http.ResponseWriter, r *http.Request) error {
	vars := pathVars(r)
	n, err := strconv.Atoi(vars["v"])
	if err != nil || n < 1 {
		return fieldError("invalid version", &model.FieldError{Field: "version", Msg: fmt.Sprintf("%q is not a version number (a positive integer)", vars["v"])})
	}
	head, err := s.cfg.Store.Head(vars["op"])
	if err != nil {
		return wrapStore(err, "operation %q", vars["op"])
	}
	if n > head.Version {
		return fmt.Errorf("operation %q version %d: %w", vars["op"], n, ErrNotFound)
	}
	return s.servedVersion(w, r, "version", vars["op"], Base{head.Incarnation, n}, "getVersion", func(v *Version, vw *view) any { return vw.Version(v) }, withETag)
}

// latestPlannedInfo is the info of the newest version that has a plan.
func (s *Server) latestPlannedInfo(op string) (VersionInfo, error) {
	vs, err := s.cfg.Store.Versions(op)
	if err != nil {
		return VersionInfo{}, wrapStore(err, "operation %q", op)
	}
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].HasPlan {
			return vs[i], nil
		}
	}
	return VersionInfo{}, fmt.Errorf("operation %q has no plan yet: %w", op, ErrNotFound)
}

// latestPlanned is the newest version that has a plan, read in two calls to the
// store that must see one incarnation: when the operation was deleted and created
// again between them, it looks again.
func (s *Server) latestPlanned(op string) (*Version, error) {
	for try := 0; ; try++ {
		info, err := s.latestPlannedInfo(op)
		if err != nil {
			return nil, err
		}
		v, err := s.version(op, info.Incarnation, info.Number)
		if err == nil || try == 2 || !errors.Is(err, ErrNotFound) {
			return v, err
		}
	}
}

func (s *Server) getPlan(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	info, err := s.latestPlannedInfo(op)
	if err != nil {
		return err
	}
	w.Header().Add("Vary", "Accept")
	if wantsWorkbook(r) {
		return s.planWorkbook(w, r, op, Base{info.Incarnation, info.Number})
	}
	return s.servedVersion(w, r, "plan", op, Base{info.Incarnation, info.Number}, "", func(v *Version, vw *view) any { return vw.Plan(v.Plan) },
		func(h http.Header, b Base) {
			h.Set(hVersion.name, strconv.Itoa(b.Version))
			withETag(h, b)
		})
}

func (s *Server) diffVersions(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	from, _ := arg[int](r, "from")
	to, _ := arg[int](r, "to")
	a, err := s.version(op, "", from)
	if err != nil {
		return err
	}
	b, err := s.version(op, a.Incarnation, to)
	if err != nil {
		return err
	}
	if a.Plan == nil || b.Plan == nil {
		return errorf(http.StatusConflict, "no plan", "both versions need a plan")
	}
	vw := s.viewFor(r, op, nil)
	if vw.seesHouseholds() {
		if err := s.audited(r, op, "*", "diffVersions"); err != nil {
			return err
		}
	}
	return writeJSON(w, http.StatusOK, vw.Diff(scheduler.DiffPlans(a.Problem, b.Problem, a.Plan, b.Plan)))
}

func (s *Server) holidays(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	v, err := s.cfg.Store.Latest(op)
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	w.Header().Set(hETag.name, etag(v.Base()))
	dates := v.Problem.HolidayDates()
	if dates == nil {
		dates = []string{}
	}
	return writeJSON(w, http.StatusOK, holidaysAnswer{op, dates})
}
