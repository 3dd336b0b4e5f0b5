package httpapi

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"

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

// decodeProblem reads a rehabplan/v1 problem from the body.
func (s *Server) decodeProblem(w http.ResponseWriter, r *http.Request) (*model.Problem, error) {
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
	if err := s.inScope(r, p.Operation.ID); err != nil {
		return err
	}
	v, err := s.cfg.Store.CreateOperation(p.Operation.ID, p)
	if err != nil {
		return wrapStore(err, "operation %q", p.Operation.ID)
	}
	w.Header().Set("Location", "/v1/operations/"+p.Operation.ID)
	return writeJSON(w, http.StatusCreated, versionAnswer{p.Operation.ID, v.Number})
}

func (s *Server) getOperation(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	v, err := s.cfg.Store.Latest(op)
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	if err := s.audited(r, op, "*", "getOperation"); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.viewFor(r, op, profileIDs(v.Problem)).Problem(v.Problem))
}

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
	if err := s.restoreProfiles(r, op, p, nil); err != nil {
		return err
	}
	base, err := s.cfg.Store.Head(op)
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	v, _, err := s.cfg.Store.AddVersion(op, base, &Version{Kind: "replaced", Problem: p}, Idem{})
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	return writeJSON(w, http.StatusOK, versionAnswer{op, v.Number})
}

func (s *Server) deleteOperation(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	if err := s.cfg.Store.DeleteOperation(op, ""); err != nil {
		return wrapStore(err, "operation %q", op)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listVersions(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	vs, err := s.cfg.Store.Versions(op)
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	return writeJSON(w, http.StatusOK, versionsAnswer{op, vs})
}

// version reads version n of operation op.
func (s *Server) version(op string, n int) (*Version, error) {
	v, err := s.cfg.Store.Get(op, n)
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
	v, err := s.version(vars["op"], n)
	if err != nil {
		return err
	}
	if err := s.audited(r, vars["op"], "*", "getVersion"); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.viewFor(r, vars["op"], profileIDs(v.Problem)).Version(v))
}

// latestPlanned is the newest version that has a plan.
func (s *Server) latestPlanned(op string) (*Version, error) {
	vs, err := s.cfg.Store.Versions(op)
	if err != nil {
		return nil, wrapStore(err, "operation %q", op)
	}
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].HasPlan {
			return s.version(op, vs[i].Number)
		}
	}
	return nil, fmt.Errorf("operation %q has no plan yet: %w", op, ErrNotFound)
}

func (s *Server) getPlan(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	v, err := s.latestPlanned(op)
	if err != nil {
		return err
	}
	w.Header().Set("X-Rehabplan-Version", strconv.Itoa(v.Number))
	return writeJSON(w, http.StatusOK, s.viewFor(r, op, profileIDs(v.Problem)).Plan(v.Plan))
}

func (s *Server) diffVersions(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	from, _ := arg[int](r, "from")
	to, _ := arg[int](r, "to")
	a, err := s.version(op, from)
	if err != nil {
		return err
	}
	b, err := s.version(op, to)
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
	dates := v.Problem.HolidayDates()
	if dates == nil {
		dates = []string{}
	}
	return writeJSON(w, http.StatusOK, holidaysAnswer{op, dates})
}
