package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/rehabplan/rehabplan/scheduler"
)

// settings are the search's settings from the query (time_limit, work_limit,
// seed), def being the time limit when none is given; the time limit is capped
// by the server's.
func (s *Server) settings(r *http.Request, def time.Duration) *scheduler.Settings {
	set := &scheduler.Settings{TimeLimit: def, Workers: 1}
	if d, ok := arg[time.Duration](r, qTimeLimit.name); ok {
		set.TimeLimit = d
	}
	set.TimeLimit = min(set.TimeLimit, s.cfg.MaxSolveTime)
	if n, ok := arg[int](r, qWorkLimit.name); ok {
		set.WorkLimit = n
	}
	if n, ok := arg[int64](r, qSeed.name); ok {
		set.Seed = n
	}
	return set
}

func (s *Server) startSolve(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	if s.closing.Load() {
		return errorf(http.StatusServiceUnavailable, "shutting down", "no new jobs")
	}
	set := s.settings(r, 10*time.Second)
	if q, ok := s.cfg.Store.(*PGStore); ok {
		return s.queueSolve(w, q, op, set, submitterOf(r))
	}
	// the job's slot of the pool, taken before the version is read (it decodes
	// a whole problem) and kept until the job ends
	release, err := s.pool.tryAcquire(s.weigh(workSolve, op, 0))
	if err != nil {
		return err
	}
	v, err := s.cfg.Store.Latest(op)
	if err != nil {
		release()
		return wrapStore(err, "operation %q", op)
	}
	rec := JobRecord{Operation: op, Incarnation: v.Incarnation, Base: v.Number, TimeLimit: set.TimeLimit, WorkLimit: set.WorkLimit, Seed: set.Seed,
		Submitter: submitterOf(r)}
	j, err := s.startJob(rec, false, release, s.solveJob(op, v, set))
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/jobs/"+j.ID)
	return writeJSON(w, http.StatusAccepted, j.status())
}

// queueSolve queues a solve job of op's latest version in the PostgreSQL
// store's queue, for any instance or worker to take (Worker): its record, state
// running and held by nobody, is the queue's row.
func (s *Server) queueSolve(w http.ResponseWriter, q *PGStore, op string, set *scheduler.Settings, submitter string) error {
	head, err := q.Head(op)
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	n, err := q.UnendedJobs(JobSolve)
	if err != nil {
		return fmt.Errorf("the queue could not be read: %w", err)
	}
	if n >= s.cfg.MaxQueuedJobs {
		s.pool.refused()
		return errTooManyJobs{s.cfg.MaxQueuedJobs}
	}
	rec := JobRecord{ID: newID(), Operation: op, Incarnation: head.Incarnation, Base: head.Version, State: "running", Started: time.Now(),
		TimeLimit: set.TimeLimit, WorkLimit: set.WorkLimit, Seed: set.Seed, Kind: JobSolve, Submitter: submitter}
	if err := q.PutJob(&rec); err != nil {
		return fmt.Errorf("the job could not be recorded: %w", err)
	}
	w.Header().Set("Location", "/v1/jobs/"+rec.ID)
	return writeJSON(w, http.StatusAccepted, recordStatus(&rec))
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
		// stored by the job's end (Store.FinishJob), on the job's base, with the
		// problem the plan is for (the relocation stays it chose booked)
		return &Version{Kind: "solved", Problem: res.Problem, Plan: res.Plan}, nil
	}
}

// ResumeJobs runs again the solve and replan jobs the store records as running:
// jobs of an earlier run of the server that stopped (killed, or the machine
// lost) before they ended. Each keeps its id and settings; a solve job solves
// the version it was asked for, a replan job applies its events to the latest
// version of its incarnation; a job whose plan is already stored (a store
// written before a job's version and its record were stored together; for a
// replan, the version its idempotency key made) ends done without running; a
// job whose operation is gone is recorded as failed. It returns how many it
// resumed.
//
// With a PostgreSQL store it does nothing: the queue's workers take the jobs
// nobody holds (Worker).
func (s *Server) ResumeJobs() (int, error) {
	if _, ok := s.cfg.Store.(*PGStore); ok {
		return 0, nil
	}
	recs, err := s.cfg.Store.Jobs()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, rec := range recs {
		if rec.State != "running" || s.jobs.get(rec.ID) != nil {
			continue
		}
		if rec.Kind == JobNight {
			// a night job of a PostgreSQL store, imported: only its queue runs it
			rec.State, rec.Error, rec.Ended = "failed", "a night job of a PostgreSQL store's batch: not run by this store's service", time.Now()
			if err := s.cfg.Store.PutJob(&rec); err != nil {
				return n, err
			}
			continue
		}
		stored := s.storedPlanOf
		if rec.Kind == JobReplan {
			stored = s.storedReplanOf
		}
		if v := stored(&rec); v != nil {
			rec.State, rec.Version, rec.Ended = "done", v.Number, v.Created
			if err := s.cfg.Store.PutJob(&rec); err != nil {
				return n, err
			}
			s.cfg.Logger.Info("job ended", "job", rec.ID, "operation", rec.Operation, "outcome", rec.State, "resumed", rec.Resumed, "version", rec.Version, "found_stored", true)
			continue
		}
		rec.Resumed++
		if rec.Kind == JobReplan {
			// its events again, on the latest version (runReplanJob), in a
			// slot of the pool taken once it holds its operation's lock
			if _, err := s.startJobRun(rec, true, nil, s.replanJob()); err != nil {
				return n, err
			}
			s.cfg.Logger.Info("job resumed", "job", rec.ID, "kind", rec.Kind, "operation", rec.Operation)
			n++
			continue
		}
		v, err := s.version(rec.Operation, rec.Incarnation, rec.Base)
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
		if _, err := s.startJob(rec, true, s.pool.forceWeight(s.weigh(workSolve, rec.Operation, rec.Base)), s.solveJob(rec.Operation, v, set)); err != nil {
			return n, err
		}
		s.cfg.Logger.Info("job resumed", "job", rec.ID, "operation", rec.Operation)
		n++
	}
	return n, nil
}

// storedPlanOf is the version a job recorded as running has already stored, if
// any: the version after its base, of its incarnation, made by a solve after the
// job started. Only a solve job makes a "solved" version, and only one write can
// follow a base, so that version is the job's.
func (s *Server) storedPlanOf(rec *JobRecord) *Version {
	if rec.Incarnation == "" {
		return nil
	}
	vs, err := s.cfg.Store.Versions(rec.Operation)
	if err != nil {
		return nil
	}
	for _, info := range vs {
		if info.Number == rec.Base+1 && info.Incarnation == rec.Incarnation && info.Kind == "solved" && info.HasPlan && !info.Created.Before(rec.Started) {
			v, err := s.version(rec.Operation, rec.Incarnation, info.Number)
			if err == nil {
				return v
			}
		}
	}
	return nil
}

// jobStatus finds a job running or ended in this run of the server, else its
// record (an earlier run's); incarnation is the operation's incarnation the job
// solved.
func (s *Server) jobStatus(id string) (st JobStatus, incarnation string, err error) {
	if j := s.jobs.get(id); j != nil {
		return j.status(), j.Incarnation, nil
	}
	rec, err := s.cfg.Store.GetJob(id)
	if err != nil {
		return JobStatus{}, "", wrapStore(err, "job %q", id)
	}
	return recordStatus(rec), rec.Incarnation, nil
}

func (s *Server) getJob(w http.ResponseWriter, r *http.Request) error {
	st, incarnation, err := s.jobStatus(pathVars(r)["job"])
	if err != nil {
		return err
	}
	if err := s.inScope(r, st.Operation); err != nil {
		return err
	}
	if err := s.replanResult(r, &st, incarnation); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}

// submitterOf names the request's token for the job it asks for: its grant's
// id ("" on a public route).
func submitterOf(r *http.Request) string {
	if g := grantOf(r); g != nil {
		return g.ID
	}
	return ""
}

// mayCancel is the 403 of a token that may not cancel the job of rec: a
// planner (admin, manager) cancels any job of its scope, another role (a
// pilot) the jobs its token submitted only.
func (s *Server) mayCancel(r *http.Request, rec *JobRecord) error {
	if err := s.inScope(r, rec.Operation); err != nil {
		return err
	}
	g := grantOf(r)
	if g == nil || planners&roleBits[g.Role] != 0 || (rec.Submitter != "" && rec.Submitter == g.ID) {
		return nil
	}
	s.denied(r, nil, http.StatusForbidden, "submitter", g.ID)
	return errorf(http.StatusForbidden, "forbidden", "a token of role %s may cancel the jobs it submitted only", g.Role)
}

func (s *Server) cancelJob(w http.ResponseWriter, r *http.Request) error {
	id := pathVars(r)["job"]
	// a job of this run that has ended is no more cancellable than one of an
	// earlier run
	j := s.jobs.get(id)
	// who may cancel it is read from its record (written before the job
	// started: both stores have it while the job lives)
	rec, err := s.cfg.Store.GetJob(id)
	if err != nil {
		return wrapStore(err, "job %q", id)
	}
	if err := s.mayCancel(r, rec); err != nil {
		return err
	}
	if q, ok := s.cfg.Store.(*PGStore); ok && (j == nil || j.status().State != "running") {
		// held by another instance or a worker, or by nobody yet: asked to stop
		// through its row (its holder sees it at its next renewal)
		rec, err := q.CancelJob(id)
		if err != nil {
			return wrapStore(err, "job %q", id)
		}
		if rec.State != "running" {
			return errorf(http.StatusConflict, "not running", "job is %s", rec.State)
		}
		return writeJSON(w, http.StatusAccepted, recordStatus(rec))
	}
	if j == nil || j.status().State != "running" {
		st, _, err := s.jobStatus(id)
		if err != nil {
			return err
		}
		return errorf(http.StatusConflict, "not running", "job is %s", st.State)
	}
	j.cancel()
	return writeJSON(w, http.StatusAccepted, j.status())
}

// getJobPlan serves the plan a job stored: a done job's, or a cancelled job's
// best plan so far. It is read from the job's incarnation of the operation only:
// after the operation was deleted (and perhaps created again) it is gone.
func (s *Server) getJobPlan(w http.ResponseWriter, r *http.Request) error {
	st, incarnation, err := s.jobStatus(pathVars(r)["job"])
	if err != nil {
		return err
	}
	if err := s.inScope(r, st.Operation); err != nil {
		return err
	}
	if (st.State != "done" && st.State != "cancelled") || st.Version == 0 {
		return errorf(http.StatusConflict, "no plan", "job is %s", st.State)
	}
	// only while the job's incarnation is the operation's (the answer cache
	// would otherwise serve a deleted operation's plan)
	if head, err := s.cfg.Store.Head(st.Operation); err != nil || head.Incarnation != incarnation {
		return fmt.Errorf("job %s: operation %q was deleted since: %w", st.ID, st.Operation, ErrNotFound)
	}
	return s.servedVersion(w, r, "plan", st.Operation, Base{incarnation, st.Version}, "", func(v *Version, vw *view) any { return vw.Plan(v.Plan) }, func(http.Header, Base) {})
}
