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
	v, err := s.cfg.Store.Latest(op)
	if err != nil {
		return wrapStore(err, "operation %q", op)
	}
	rec := JobRecord{Operation: op, Incarnation: v.Incarnation, Base: v.Number, TimeLimit: set.TimeLimit, WorkLimit: set.WorkLimit, Seed: set.Seed}
	j, err := s.jobs.start(s.cfg.Store, rec, s.cfg.MaxJobs, false, s.cfg.Logger.Warn, s.solveJob(op, v, set))
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/jobs/"+j.ID)
	return writeJSON(w, http.StatusAccepted, j.status())
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

// jobStatus finds a job running or ended in this run of the server, else its
// record (an earlier run's).
func (s *Server) jobStatus(id string) (JobStatus, error) {
	if j := s.jobs.get(id); j != nil {
		return j.status(), nil
	}
	rec, err := s.cfg.Store.GetJob(id)
	if err != nil {
		return JobStatus{}, wrapStore(err, "job %q", id)
	}
	return recordStatus(rec), nil
}

func (s *Server) getJob(w http.ResponseWriter, r *http.Request) error {
	st, err := s.jobStatus(pathVars(r)["job"])
	if err != nil {
		return err
	}
	if err := s.inScope(r, st.Operation); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}

func (s *Server) cancelJob(w http.ResponseWriter, r *http.Request) error {
	id := pathVars(r)["job"]
	// a job of this run that has ended is no more cancellable than one of an
	// earlier run
	j := s.jobs.get(id)
	if st, err := s.jobStatus(id); err == nil {
		if err := s.inScope(r, st.Operation); err != nil {
			return err
		}
	}
	if j == nil || j.status().State != "running" {
		st, err := s.jobStatus(id)
		if err != nil {
			return err
		}
		return errorf(http.StatusConflict, "not running", "job is %s", st.State)
	}
	j.cancel()
	return writeJSON(w, http.StatusAccepted, j.status())
}

func (s *Server) getJobPlan(w http.ResponseWriter, r *http.Request) error {
	st, err := s.jobStatus(pathVars(r)["job"])
	if err != nil {
		return err
	}
	if err := s.inScope(r, st.Operation); err != nil {
		return err
	}
	if st.State != "done" {
		return errorf(http.StatusConflict, "not finished", "job is %s", st.State)
	}
	v, err := s.version(st.Operation, st.Version)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.viewFor(r, st.Operation, profileIDs(v.Problem)).Plan(v.Plan))
}
