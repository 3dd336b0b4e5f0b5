package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// Replan jobs: POST /v1/operations/{op}/events with the header Prefer:
// respond-async (RFC 7240) queues the replan as a job, as a solve is, rather
// than computing it in the request (whose time the server's write timeout
// bounds). The answer is 202 with the job (Location: /v1/jobs/{id},
// Preference-Applied: respond-async); the job's record carries the events and
// the moment of the replan, so that a restart (ResumeJobs) or another worker of
// a PostgreSQL store's queue (Worker) runs it. The job applies the events to
// the operation's latest version of the incarnation current when they were
// sent, and stores the new version on that base (the same compare-and-set as a
// synchronous replan); when the base moved meanwhile (a PUT, a solve, another
// replan), it applies them again to the new latest version within what is left
// of its time limit, or fails saying why, nothing stored. Once done, its status
// gives what the synchronous replan answers (JobStatus.Replan).

// hPrefer is the request header that asks for a job; hPreferenceApplied says
// that it was honoured.
var (
	hPrefer = param{name: "Prefer", desc: "respond-async (RFC 7240): the replan runs as a job; the answer is 202 with the job, whose status gives the new version and its diff once done. Without it the replan answers in the request, and a time_limit beyond what the server holds a request for is a 400",
		schema: map[string]any{"type": "string", "example": "respond-async"}}
	hPreferenceApplied = param{name: "Preference-Applied", desc: "respond-async: the request was queued as a job", schema: map[string]any{"type": "string", "enum": []any{"respond-async"}}}
)

// preferAsync tells whether the request's Prefer headers ask respond-async
// (RFC 7240: preferences separated by commas, their names without case, a value
// or parameters allowed after them).
func preferAsync(r *http.Request) bool {
	for _, h := range r.Header.Values(hPrefer.name) {
		for _, p := range strings.Split(h, ",") {
			name, _, _ := strings.Cut(p, ";")
			name, _, _ = strings.Cut(name, "=")
			if strings.EqualFold(strings.TrimSpace(name), "respond-async") {
				return true
			}
		}
	}
	return false
}

// idemJobID is the id of the replan job an Idempotency-Key queues on an
// incarnation of an operation: the same key finds the same job.
func idemJobID(op, incarnation, key string) string {
	h := sha256.Sum256([]byte("replan job\x00" + op + "\x00" + incarnation + "\x00" + key))
	return hex.EncodeToString(h[:8])
}

// jobIdemKey is the idempotency key of a replan job sent without one: the
// version it stores is recorded under it, so that a resumed job finds it. The
// NUL cannot come in a header: no client's key is ever one of these.
func jobIdemKey(id string) string { return "\x00replan job " + id }

// queueReplan answers POST .../events with Prefer: respond-async: the replan of
// evs as a job. An Idempotency-Key already used answers what it made: its job
// (202, Idempotent-Replayed), or the version a synchronous replan made with it
// (200, as the synchronous replan answers); with another request, 422.
func (s *Server) queueReplan(w http.ResponseWriter, r *http.Request, op string, evs *model.Events, idem idempotent) error {
	if s.closing.Load() {
		return errorf(http.StatusServiceUnavailable, "shutting down", "no new jobs")
	}
	head, err := s.cfg.Store.Head(op)
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	set := s.settings(r, 0) // 0: the replan budget of the version replanned
	now, ok := arg[time.Time](r, qNow.name)
	if !ok {
		now = time.Now()
	}
	rec := JobRecord{ID: newID(), Operation: op, Incarnation: head.Incarnation, Base: head.Version, State: "running", Started: time.Now(),
		TimeLimit: set.TimeLimit, WorkLimit: set.WorkLimit, Seed: set.Seed, Kind: JobReplan, Now: now.UTC().Format(time.RFC3339Nano), Events: evs,
		Submitter: submitterOf(r)}
	rec.setIdem(Idem{Key: jobIdemKey(rec.ID)})
	q, queue := s.cfg.Store.(*PGStore)
	// answered: the request's key already made a job or a version, which is the
	// answer (written to w)
	answered := func() (bool, error) {
		if done, err := s.sameKeyJob(w, rec.ID, idem.idem, true); done || err != nil {
			return true, err
		}
		return s.replay(w, idem)
	}
	if idem.idem.Key != "" {
		rec.ID = idemJobID(op, head.Incarnation, idem.idem.Key)
		rec.setIdem(idem.idem)
		if done, err := answered(); done || err != nil {
			return err
		}
	}
	last, err := s.replannable(op)
	if err != nil {
		return err
	}
	// checked before the operation's lock is taken: the check waits for a
	// slot of the pool, and a replan holding one takes the lock to commit
	if err := s.checkAtSubmit(r, op, Base{Incarnation: rec.Incarnation, Version: last.Number}, evs, now); err != nil {
		return err
	}
	if idem.idem.Key != "" {
		// one job per key, however many requests carry it at once: looked
		// for again under the lock
		unlock := s.lockOp(op)
		defer unlock()
		if done, err := answered(); done || err != nil {
			return err
		}
	}
	if queue {
		n, err := q.UnendedJobs(JobReplan)
		if err != nil {
			return fmt.Errorf("the queue could not be read: %w", err)
		}
		if n >= s.cfg.MaxQueuedJobs {
			s.pool.refused()
			return errTooManyJobs{s.cfg.MaxQueuedJobs}
		}
		queued, err := q.QueueJob(&rec)
		if err != nil {
			return fmt.Errorf("the job could not be recorded: %w", err)
		}
		if !queued {
			// another instance queued the same key's job meanwhile
			_, err := s.sameKeyJob(w, rec.ID, idem.idem, true)
			return err
		}
		return acceptedJob(w, recordStatus(&rec))
	}
	// no slot of the pool yet: the job takes one once it holds its
	// operation's replan lock (replanJob)
	j, err := s.startJobRun(rec, false, nil, s.replanJob())
	if err != nil {
		return err
	}
	return acceptedJob(w, j.status())
}

// checkAtSubmit checks a replan job's request against the version it is sent
// on (last, the latest) as the synchronous replan does before it plans: a now
// outside the operation's horizon, an event naming what the operation does not
// have; last is the latest version of the incarnation the job is sent to. Its error is the synchronous replan's answer (replanOnce: 422, events
// cannot be applied, the fields named), so that a request that would fail is
// refused at submit rather than queued to fail. Reading the version decodes it:
// it takes a slot of the pool meanwhile.
func (s *Server) checkAtSubmit(r *http.Request, op string, last Base, evs *model.Events, now time.Time) error {
	release, err := s.pool.acquire(r.Context(), s.weigh(workRead, op, last.Version))
	if err != nil {
		return err
	}
	defer release()
	cur, err := s.version(op, last.Incarnation, last.Version)
	if err != nil {
		return err
	}
	if err := replanRequestErrors(cur, evs, now); err != nil {
		return &apiError{Status: http.StatusUnprocessableEntity, Title: "events cannot be applied", Err: err}
	}
	return nil
}

// replanRequestErrors are the errors scheduler.Replan would find in a replan of
// cur at now with evs before it plans anything, as it words them (a
// *model.ValidationError): now more than scheduler.NowMargin outside the
// operation's horizon (alone, as Replan checks it first); else the events
// naming an intervention, a delivery, a crew, a dwelling or a household that
// the operation does not have, or a dwelling already vacant as vacated. An intervention that some event of the document
// adds counts as known (Replan may still refuse an event naming it before the
// event that adds it: the job then fails saying so).
func replanRequestErrors(cur *Version, evs *model.Events, now time.Time) error {
	p := cur.Problem
	tv := p.Typed()
	if tv.LocErr != nil || !tv.Start.OK() || !tv.End.OK() {
		return nil // the problem's own validation says what is wrong
	}
	if now.Before(tv.Start.V.Add(-scheduler.NowMargin)) || now.After(tv.End.V.Add(scheduler.NowMargin)) {
		return &model.ValidationError{Document: "request", Errors: []*model.FieldError{{Field: "now",
			Msg: fmt.Sprintf("%s is more than a year outside the operation's horizon (%s to %s)", now.UTC().Format(time.RFC3339), p.Operation.Start, p.Operation.End)}}}
	}
	if evs == nil {
		return nil
	}
	known := func(ids []string) map[string]bool {
		m := make(map[string]bool, len(ids))
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	var ivs, deliveries, crews, dwellings, households []string
	withStays, err := model.WithPlannedStays(p, cur.Plan)
	if err != nil {
		withStays = nil // Replan says what is wrong with the stays
	} else {
		for _, iv := range withStays.Interventions {
			ivs = append(ivs, iv.ID)
		}
	}
	for _, e := range evs.Events {
		if e.Add != nil && e.Add.ID != "" {
			ivs = append(ivs, e.Add.ID, e.Add.ID+"/check")
		}
		if e.Intervention != "" {
			ivs = append(ivs, e.Intervention+"+rest")
		}
	}
	for _, d := range p.Deliveries {
		deliveries = append(deliveries, d.ID)
	}
	for _, c := range p.Crews {
		crews = append(crews, c.ID)
	}
	vacant := map[string]bool{}
	for _, d := range p.Dwellings {
		dwellings = append(dwellings, d.ID)
		vacant[d.ID] = !d.Occupied()
	}
	for _, h := range p.Households {
		households = append(households, h.ID)
	}
	sets := map[string]map[string]bool{"intervention": known(ivs), "delivery": known(deliveries),
		"crew": known(crews), "dwelling": known(dwellings), "household": known(households)}
	type ref struct{ field, kind, id string }
	var errs []*model.FieldError
	for i, e := range evs.Events {
		refs := []ref{{"delivery", "delivery", e.Delivery}, {"crew", "crew", e.Crew}, {"dwelling", "dwelling", e.Dwelling}}
		if withStays != nil {
			refs = append(refs, ref{"intervention", "intervention", e.Intervention})
		}
		if e.Type == model.EventHouseholdChanged && e.Household != nil {
			refs = append(refs, ref{"household.id", "household", e.Household.ID})
		}
		for _, ref := range refs {
			if ref.id != "" && !sets[ref.kind][ref.id] {
				errs = append(errs, &model.FieldError{Field: fmt.Sprintf("events[%d].%s", i, ref.field), Entity: "event", ID: e.ID,
					Msg: fmt.Sprintf("unknown %s %q", ref.kind, ref.id)})
			}
		}
		if e.Type == model.EventDwellingVacant && sets["dwelling"][e.Dwelling] && vacant[e.Dwelling] {
			errs = append(errs, &model.FieldError{Field: fmt.Sprintf("events[%d].dwelling", i), Entity: "event", ID: e.ID,
				Msg: fmt.Sprintf("dwelling %q is already vacant", e.Dwelling)})
		}
	}
	if len(errs) > 0 {
		return &model.ValidationError{Document: "events", Errors: errs}
	}
	return nil
}

// acceptedJob answers 202 with a job queued or running.
func acceptedJob(w http.ResponseWriter, st JobStatus) error {
	w.Header().Set("Location", "/v1/jobs/"+st.ID)
	w.Header().Set(hPreferenceApplied.name, "respond-async")
	return writeJSON(w, http.StatusAccepted, st)
}

// sameKeyJob looks for the replan job an Idempotency-Key queued (id, from
// idemJobID): with another request it is a 422 (ErrIdempotencyMismatch).
// async: the job is the answer (202, whatever its state); otherwise (a
// synchronous replan with the key of a job) a running job is a 409 pointing at
// it, and an ended one lets the request go on (its version, if any, is
// replayed by the key). done says that the request was answered.
func (s *Server) sameKeyJob(w http.ResponseWriter, id string, idem Idem, async bool) (done bool, err error) {
	rec, err := s.cfg.Store.GetJob(id)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, wrapStore(err, "job %q", id)
	}
	if rec.IdemKey != idem.Key || rec.IdemRequest != hex.EncodeToString(idem.Request[:]) {
		return true, fmt.Errorf("operation %q: the Idempotency-Key queued job %s with another request: %w", rec.Operation, id, ErrIdempotencyMismatch)
	}
	st, _, err := s.jobStatus(id)
	if err != nil {
		return false, err
	}
	if async {
		w.Header().Set(hReplayed.name, "true")
		return true, acceptedJob(w, st)
	}
	if st.State == "running" {
		w.Header().Set("Location", "/v1/jobs/"+id)
		return true, errorf(http.StatusConflict, "replan job under way",
			"the Idempotency-Key queued job %s, still running: read its status at /v1/jobs/%s (nothing computed again)", id, id)
	}
	return false, nil
}

// replannable checks that operation op has a plan to replan, and returns its
// latest version's info: the latest version has a plan (404 when no version
// ever had one, 409 when only an older one has).
func (s *Server) replannable(op string) (VersionInfo, error) {
	vs, err := s.cfg.Store.Versions(op)
	if err != nil {
		return VersionInfo{}, wrapStore(err, "operation %q", op)
	}
	if len(vs) == 0 {
		return VersionInfo{}, fmt.Errorf("operation %q: %w", op, ErrNotFound)
	}
	last := vs[len(vs)-1]
	if !last.HasPlan {
		if !slices.ContainsFunc(vs, func(v VersionInfo) bool { return v.HasPlan }) {
			return last, fmt.Errorf("a plan to replan: operation %q has no plan yet: %w", op, ErrNotFound)
		}
		return last, errorf(http.StatusConflict, "no plan for the latest version", "version %d has no plan yet: solve it before sending events", last.Number)
	}
	return last, nil
}

// replanJob is the work of a replan job run by this server (a store without a
// queue): one replan of an operation at a time, as the synchronous ones; the
// version is stored with the job's ended record (commitJob). As a synchronous
// replan, the job takes its operation's replan lock, then a slot of the pool:
// a job waiting for another replan of its operation holds none, and keeps no
// other operation's work waiting. It waits for the slot as long as it takes
// (it was acknowledged, or resumed: no 429 now).
func (s *Server) replanJob() func(context.Context, *job, *JobRecord) (bool, error) {
	return func(ctx context.Context, j *job, rec *JobRecord) (bool, error) {
		stopped := func() error {
			// stopped while another replan of the operation ran, or while the
			// pool was full
			switch head, herr := s.cfg.Store.Head(rec.Operation); {
			case s.closing.Load():
				return errGivenBack // left running: the next start runs it
			case herr != nil || head.Incarnation != rec.Incarnation:
				return finishWords(rec, ErrNotFound)
			}
			return errCancelledEarly
		}
		unlock, err := s.lockReplans(ctx, rec.Operation)
		if err != nil {
			return false, stopped()
		}
		defer unlock()
		slot, err := s.pool.await(ctx, s.weigh(workReplan, rec.Operation, 0))
		if err != nil {
			return false, stopped()
		}
		defer slot()
		partial := false
		err = runReplanJob(ctx, s.cfg.Store, rec, s.cfg.MaxSolveTime, j.progress, func(n int) { rec.Base = n }, func(v *Version) error {
			partial = v.Plan != nil && v.Plan.Status == string(scheduler.StatusPartial)
			return s.commitJob(ctx, j, rec, v)
		})
		return partial, err
	}
}

// replan does a claimed replan job of the queue: the version is stored with
// the job's ended record by FinishClaim. A worker that stops (stopping) stores
// nothing: the job goes back to the queue.
func (w *Worker) replan(ctx context.Context, rec *JobRecord, token string, j *job, stopping *atomic.Bool) (string, error) {
	outcome := "done"
	rebase := func(n int) {
		j.mu.Lock() // the lease's renewal reads rec
		rec.Base = n
		j.mu.Unlock()
	}
	commit := func(v *Version) error {
		if stopping.Load() {
			return errGivenBack
		}
		j.mu.Lock()
		fin := *rec
		j.mu.Unlock()
		fin.Ended = time.Now()
		j.scoreInto(&fin)
		fin.State = "done"
		if ctx.Err() != nil && v != nil {
			fin.State = "cancelled"
		}
		if _, err := w.Store.FinishClaim(&fin, token, v, nil); err != nil {
			return err
		}
		j.mu.Lock()
		*rec = fin
		j.mu.Unlock()
		if v != nil && v.Plan != nil && v.Plan.Status == string(scheduler.StatusPartial) {
			outcome = "partial"
		}
		return nil
	}
	if n := storedByKey(w.Store, rec); n > 0 {
		// its version is stored (a record written apart from it, by an older
		// store): the job is done, its events not applied twice
		rebase(n - 1)
		j.mu.Lock()
		rec.Version = n
		j.mu.Unlock()
		return outcome, commit(nil)
	}
	return outcome, runReplanJob(ctx, w.Store, rec, w.MaxSolveTime, j.progress, rebase, commit)
}

// errGivenBack: a replan job whose worker, or server, stops before it stored
// anything is left running in the store: another worker of the queue, or the
// server's next start (ResumeJobs), runs it.
var errGivenBack = errors.New("stopping before the job stored anything: it is left to run again")

// runReplanJob does a replan job: it applies the job's events to the latest
// version of the job's incarnation of the operation, and stores the result with
// commit on that version (its base, given to rebase: rec.Base follows). When
// commit finds that the base moved (*ConflictError: a PUT, a solve, another
// replan committed meanwhile) it applies the events again to the new latest
// version, within what is left of the job's time limit and at most
// maxReplanAttempts times, as a synchronous replan does; a latest version
// without a plan (a PUT) ends it. Its errors say why nothing was stored.
func runReplanJob(ctx context.Context, st Store, rec *JobRecord, maxTime time.Duration, progress func(scheduler.Progress),
	rebase func(int), commit func(*Version) error) error {
	begin := time.Now()
	now, err := time.Parse(time.RFC3339Nano, rec.Now)
	if err != nil || rec.Events == nil {
		return fmt.Errorf("job %s: its record has no events or no moment to replan at (%q)", rec.ID, rec.Now)
	}
	latest := func(n int) (*Version, error) {
		var v *Version
		var err error
		if n == 0 {
			v, err = st.Latest(rec.Operation)
		} else {
			v, err = st.Get(rec.Operation, n)
		}
		if err == nil && v.Incarnation != rec.Incarnation {
			err = fmt.Errorf("operation %q: %w", rec.Operation, ErrNotFound)
		}
		return v, finishWords(rec, err)
	}
	cur, err := latest(0)
	if err != nil {
		return err
	}
	limit := rec.TimeLimit
	if limit <= 0 {
		limit = scheduler.ReplanBudget(cur.Problem)
	}
	limit = min(limit, maxTime)
	set := &scheduler.Settings{TimeLimit: limit, WorkLimit: rec.WorkLimit, Seed: rec.Seed, Workers: 1, Progress: progress}
	deadline := begin.Add(limit)
	for attempt := 1; ; attempt++ {
		if cur.Plan == nil {
			return fmt.Errorf("operation %q changed since the events were sent: its latest version %d has no plan (replaced?); solve it, then send the events again: nothing stored", rec.Operation, cur.Number)
		}
		rebase(cur.Number)
		rr, err := scheduler.Replan(ctx, cur.Problem, cur.Plan, rec.Events, now, set)
		switch {
		case errors.Is(err, scheduler.ErrSlotUnavailable):
			return fmt.Errorf("slot unavailable (nothing stored): %w", err)
		case err != nil && isInvalid(err):
			return fmt.Errorf("events cannot be applied (nothing stored): %w", err)
		case err != nil:
			return fmt.Errorf("replan failed (nothing stored): %w", err)
		case len(rr.Result.Violations) > 0:
			return fmt.Errorf("the replan breaks %d hard rules (a bug): not stored", len(rr.Result.Violations))
		}
		err = commit(&Version{Kind: "replanned", Problem: rr.Problem, Plan: rr.Plan, Diff: rr.Diff, Events: rec.Events})
		var ce *ConflictError
		if !errors.As(err, &ce) {
			return finishWords(rec, err)
		}
		// the base moved: the events again, on the new latest
		left := time.Until(deadline)
		if ctx.Err() != nil || attempt == maxReplanAttempts || left < limit/10 {
			return fmt.Errorf("operation %q changed during the replan (now version %d) and the time limit is spent: nothing stored; send the events again", rec.Operation, ce.Current.Version)
		}
		if cur, err = latest(ce.Current.Version); err != nil {
			return err
		}
		set.TimeLimit = left
	}
}

// storedByKey is the number of the version a replan job recorded as running
// has already stored, 0 if none: the version its idempotency key made on its
// incarnation.
func storedByKey(st Store, rec *JobRecord) int {
	head, err := st.Head(rec.Operation)
	if err != nil || head.Incarnation != rec.Incarnation || rec.IdemKey == "" {
		return 0
	}
	n, err := st.Idempotent(rec.Operation, rec.idem())
	if err != nil {
		return 0
	}
	return n
}

// storedReplanOf is the version a replan job recorded as running has already
// stored, if any (storedByKey).
func (s *Server) storedReplanOf(rec *JobRecord) *Version {
	n := storedByKey(s.cfg.Store, rec)
	if n == 0 {
		return nil
	}
	v, err := s.version(rec.Operation, rec.Incarnation, n)
	if err != nil {
		return nil
	}
	return v
}

// replanResult adds to a replan job's status, once it stored its version, what
// the synchronous replan answers, in the reader's view.
func (s *Server) replanResult(r *http.Request, st *JobStatus, incarnation string) error {
	if st.Kind != JobReplan || st.Version == 0 || (st.State != "done" && st.State != "cancelled") {
		return nil
	}
	release, err := s.pool.acquire(r.Context(), s.weigh(workRead, st.Operation, st.Version))
	if err != nil {
		return err
	}
	defer release()
	v, err := s.version(st.Operation, incarnation, st.Version)
	if errors.Is(err, ErrNotFound) {
		return nil // the operation was deleted since: the status says what the job did
	}
	if err != nil {
		return err
	}
	a := s.viewFor(r, st.Operation, profileIDs(v.Problem)).Replan(newReplanAnswer(st.Operation, v))
	st.Replan = &a
	return nil
}
