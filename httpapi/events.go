package httpapi

import (
	"bytes"
	"fmt"
	"net/http"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// replanAnswer is what POST /v1/operations/{op}/events answers: the version the
// replan made, its diff, and the plan's status and unplaced interventions.
type replanAnswer struct {
	Operation string      `json:"operation"`
	Version   int         `json:"version"`
	Diff      *model.Diff `json:"diff"`
	// Status and Unplaced are left out when the version has no plan.
	Status   string            `json:"status,omitempty"`
	Unplaced *[]model.Unplaced `json:"unplaced,omitempty"`
}

func newReplanAnswer(op string, v *Version) replanAnswer {
	out := replanAnswer{Operation: op, Version: v.Number, Diff: v.Diff}
	if v.Plan != nil {
		out.Status = v.Plan.Status
		out.Unplaced = &v.Plan.Unplaced
	}
	return out
}

// idempotent is how a route honours Idempotency-Key: a request sent again with a
// key already used on the operation (the same method, target and body) gets, with
// status 200 and the header Idempotent-Replayed, the answer of the version the
// first request made, and makes nothing; the key used with another request is a
// 422 (ErrIdempotencyMismatch).
type idempotent struct {
	op   string
	idem Idem
	// answer is the route's answer for a version.
	answer func(v *Version) any
}

// idempotencyOf is the request's Idempotency-Key on operation op, bound to the
// request (body is its body, read).
func idempotencyOf(r *http.Request, op string, body []byte, answer func(*Version) any) idempotent {
	return idempotent{op: op, idem: NewIdem(r.Header.Get(hIdempotencyKey.name), r.Method, r.URL.RequestURI(), body), answer: answer}
}

// replay answers the request when its key already made a version: done is true
// then (and err what answering it gave).
func (s *Server) replay(w http.ResponseWriter, id idempotent) (done bool, err error) {
	if id.idem.Key == "" {
		return false, nil
	}
	n, err := s.cfg.Store.Idempotent(id.op, id.idem)
	if err != nil || n == 0 {
		return err != nil, err
	}
	v, err := s.version(id.op, n)
	if err != nil {
		return true, err
	}
	return true, replayed(w, id, v)
}

// replayed writes the answer of v, a version made by an earlier request.
func replayed(w http.ResponseWriter, id idempotent, v *Version) error {
	w.Header().Set(hReplayed.name, "true")
	return writeJSON(w, http.StatusOK, id.answer(v))
}

func (s *Server) postEvents(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	data, err := s.body(w, r)
	if err != nil {
		return err
	}
	idem := idempotencyOf(r, op, data, func(v *Version) any {
		return s.viewFor(r, op, profileIDs(v.Problem)).Replan(newReplanAnswer(op, v))
	})
	evs, err := model.DecodeEvents(bytes.NewReader(data))
	if err != nil {
		return err
	}
	if err := s.restoreProfiles(r, op, nil, evs); err != nil {
		return err
	}
	set := s.settings(r, 5*time.Second)
	now, ok := arg[time.Time](r, qNow.name)
	if !ok {
		now = time.Now()
	}
	// one replan at a time per operation, each from the latest version
	unlock := s.lockOp(op)
	defer unlock()
	if done, err := s.replay(w, idem); done || err != nil {
		return err
	}
	cur, err := s.latestPlanned(op)
	if err != nil {
		return fmt.Errorf("a plan to replan: %w", err)
	}
	if last, err := s.cfg.Store.Latest(op); err == nil && last.Number != cur.Number {
		return errorf(http.StatusConflict, "no plan for the latest version", "version %d has no plan yet: solve it before sending events", last.Number)
	}
	rr, err := scheduler.Replan(r.Context(), cur.Problem, cur.Plan, evs, now, set)
	if err != nil {
		title := "replan failed"
		if isInvalid(err) {
			title = "events cannot be applied"
		}
		return &apiError{Status: http.StatusUnprocessableEntity, Title: title, Err: err}
	}
	if len(rr.Result.Violations) > 0 {
		return errorf(http.StatusInternalServerError, "replan breaks hard rules", "not stored (a bug)")
	}
	v, again, err := s.cfg.Store.AddVersion(op, cur.Base(), &Version{Kind: "replanned", Problem: rr.Problem, Plan: rr.Plan, Diff: rr.Diff, Events: evs}, idem.idem)
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	if again {
		return replayed(w, idem, v)
	}
	return writeJSON(w, http.StatusCreated, idem.answer(v))
}
