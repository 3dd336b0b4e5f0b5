package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
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
	head, err := s.cfg.Store.Head(id.op)
	if err != nil {
		return false, nil // the replan answers the missing operation
	}
	n, err := s.cfg.Store.Idempotent(id.op, id.idem)
	if err != nil || n == 0 {
		return err != nil, err
	}
	// the key's version, of the incarnation the key was looked up on (a key
	// used on an operation deleted and created again since is unused)
	v, err := s.version(id.op, head.Incarnation, n)
	if err != nil {
		return false, nil
	}
	return true, replayed(w, id, v)
}

// replayed writes the answer of v, a version made by an earlier request.
func replayed(w http.ResponseWriter, id idempotent, v *Version) error {
	w.Header().Set(hReplayed.name, "true")
	w.Header().Set(hETag.name, etag(v.Base()))
	return writeJSON(w, http.StatusOK, id.answer(v))
}

// householdEvents are the event types of the households' side, those a pilot
// hears of as it books and moves appointments with them: an appointment missed
// (nobody at home), declined or rescheduled, a household's record changed
// (availability, absences, profiles, keys), a dwelling left. A pilot sends
// these only; the site's events (deliveries, crews, contractors, interventions
// overrun, partly done, added or cancelled, snags) stay with the planners.
var householdEvents = []string{model.EventAppointmentMissed, model.EventAppointmentDeclined, model.EventAppointmentRescheduled,
	model.EventHouseholdChanged, model.EventDwellingVacant}

// mayPostEvents checks that the request's token may send every event of evs: a
// pilot the households' events only (householdEvents), the planners any. A
// refusal is a 403 naming each event it may not send (logged and counted as
// any 403).
func (s *Server) mayPostEvents(r *http.Request, evs *model.Events) error {
	g := grantOf(r)
	if g == nil || g.Role != RolePilot {
		return nil
	}
	var bad []*model.FieldError
	for i, e := range evs.Events {
		if !slices.Contains(householdEvents, e.Type) {
			bad = append(bad, &model.FieldError{Field: fmt.Sprintf("events[%d].type", i), Entity: "event", ID: e.ID,
				Msg: fmt.Sprintf("a pilot sends the households' events (%s), not %s: a manager sends it", strings.Join(householdEvents, ", "), e.Type)})
		}
	}
	if len(bad) == 0 {
		return nil
	}
	s.denied(r, nil, http.StatusForbidden, "role", g.ID)
	return &apiError{Status: http.StatusForbidden, Title: "forbidden", Detail: bad[0].Error(), Fields: bad}
}

// postEvents applies the events to the operation's latest version and replans.
// The replans of an operation run one at a time; a replan does not hold the
// operation's write lock while it computes, so a PUT or a solve may commit
// meanwhile: the replan's commit names its base (Store.AddVersion), and when the
// base moved it applies its events again to the new latest version, within what
// is left of its time limit, or ends 409 with nothing written. It never writes on
// another incarnation than the one current when it started (an operation deleted
// and created again meanwhile is another operation: 409).
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
	if err := s.mayPostEvents(r, evs); err != nil {
		return err
	}
	if err := s.restoreProfiles(r, op, nil, evs); err != nil {
		return err
	}
	if preferAsync(r) {
		return s.queueReplan(w, r, op, evs, idem)
	}
	if d, ok := arg[time.Duration](r, qTimeLimit.name); ok && d > s.cfg.MaxHeldTime {
		return fieldError("time limit too long for a held request", &model.FieldError{Field: qTimeLimit.name,
			Msg: fmt.Sprintf("%s is more than the %s a replan may hold its request for: send the header Prefer: respond-async to run it as a job", d, s.cfg.MaxHeldTime)})
	}
	begin := time.Now()
	set := s.settings(r, 0) // 0: the replan budget of the version replanned
	now, ok := arg[time.Time](r, qNow.name)
	if !ok {
		now = time.Now()
	}
	unlock, err := s.lockReplans(r.Context(), op)
	if err != nil {
		return err
	}
	defer unlock()
	// a slot of the pool once it is this replan's turn: replans waiting for
	// another one of the same operation hold none
	release, err := s.pool.acquire(r.Context(), s.weigh(workReplan, op, 0))
	if err != nil {
		return err
	}
	defer release()
	if done, err := s.replay(w, idem); done || err != nil {
		return err
	}
	if idem.idem.Key != "" {
		// a job queued with the key (Prefer: respond-async) and still running
		if head, err := s.cfg.Store.Head(op); err == nil {
			if done, err := s.sameKeyJob(w, idemJobID(op, head.Incarnation, idem.idem.Key), idem.idem, false); done || err != nil {
				return err
			}
		}
	}
	last, err := s.replannable(op)
	if err != nil {
		return err
	}
	cur, err := s.version(op, last.Incarnation, last.Number)
	if err != nil {
		return err
	}
	set.TimeLimit = s.replanLimit(set.TimeLimit, cur.Problem)
	deadline := begin.Add(set.TimeLimit)
	for attempt := 1; ; attempt++ {
		v, again, err := s.replanOnce(r, op, cur, evs, now, set, idem.idem)
		var ce *ConflictError
		switch {
		case err == nil && again:
			return replayed(w, idem, v)
		case err == nil:
			w.Header().Set(hETag.name, etag(v.Base()))
			return writeJSON(w, http.StatusCreated, idem.answer(v))
		case errors.As(err, &ce):
		case errors.Is(err, ErrNotFound):
			if head, herr := s.cfg.Store.Head(op); herr == nil && head.Incarnation != cur.Incarnation {
				return &apiError{Status: http.StatusConflict, Title: "operation replaced",
					Detail: fmt.Sprintf("operation %q was deleted and created again during the replan: nothing written", op), Err: err}
			}
			return err
		default:
			return err
		}
		// the base moved (a PUT, a solve): the events again, on the new latest
		left := time.Until(deadline)
		if attempt == maxReplanAttempts || left < set.TimeLimit/10 {
			return &apiError{Status: http.StatusConflict, Title: "conflict",
				Detail: fmt.Sprintf("operation %q changed during the replan (now version %d) and the time limit is spent: nothing written; send the events again", op, ce.Current.Version), Err: err}
		}
		if cur, err = s.version(op, cur.Incarnation, ce.Current.Version); err != nil {
			return err
		}
		if cur.Plan == nil {
			return errorf(http.StatusConflict, "no plan for the latest version",
				"operation %q changed during the replan: version %d has no plan yet; solve it, then send the events again (nothing written)", op, cur.Number)
		}
		set.TimeLimit = left
	}
}

// replanLimit is a replan's time limit: the one asked for, else the replan
// budget of the operation (scheduler.ReplanBudget: it grows with the operation),
// capped by the server's limits.
func (s *Server) replanLimit(asked time.Duration, p *model.Problem) time.Duration {
	if asked <= 0 {
		asked = scheduler.ReplanBudget(p)
	}
	return min(asked, s.cfg.MaxSolveTime, s.cfg.MaxHeldTime)
}

// maxReplanAttempts bounds how often a replan whose base moved tries again.
const maxReplanAttempts = 4

// replanOnce replans cur with the events and commits the result on cur's base,
// holding the operation's write lock for the commit only.
func (s *Server) replanOnce(r *http.Request, op string, cur *Version, evs *model.Events, now time.Time, set *scheduler.Settings, idem Idem) (*Version, bool, error) {
	rr, err := scheduler.Replan(r.Context(), cur.Problem, cur.Plan, evs, now, set)
	if errors.Is(err, scheduler.ErrSlotUnavailable) {
		// a slot offered from an older version that the latest no longer has room for
		return nil, false, &apiError{Status: http.StatusConflict, Title: "slot unavailable", Err: err}
	}
	if err != nil {
		title := "replan failed"
		if isInvalid(err) {
			title = "events cannot be applied"
		}
		return nil, false, &apiError{Status: http.StatusUnprocessableEntity, Title: title, Err: err}
	}
	if len(rr.Result.Violations) > 0 {
		return nil, false, errorf(http.StatusInternalServerError, "replan breaks hard rules", "not stored (a bug)")
	}
	unlock := s.lockOp(op)
	defer unlock()
	v, again, err := s.cfg.Store.AddVersion(op, cur.Base(), &Version{Kind: "replanned", Problem: rr.Problem, Plan: rr.Plan, Diff: rr.Diff, Events: evs}, idem)
	if err != nil {
		return nil, false, wrapStore(err, "operation %q", op)
	}
	if !again {
	}
	return v, again, nil
}
