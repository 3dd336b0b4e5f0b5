package httpapi

import (
	"net/http"

	"github.com/rehabplan/rehabplan/scheduler"
)

// summaryAnswer is the summary of the latest plan (scheduler.Summarize): counts
// and dates by trade and building, disturbed days, unplaced interventions by
// blocking rule, open snags by contractor.
type summaryAnswer struct {
	Operation string             `json:"operation"`
	Version   int                `json:"version"`
	Summary   *scheduler.Summary `json:"summary"`
}

// getSummary serves the summary of the newest version that has a plan. It names
// households (pseudonymous ids), so its read is audited.
func (s *Server) getSummary(w http.ResponseWriter, r *http.Request) error {
	op := pathVars(r)["op"]
	v, err := s.latestPlanned(op)
	if err != nil {
		return err
	}
	if err := s.audited(r, op, "*", "getSummary"); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, summaryAnswer{Operation: op, Version: v.Number, Summary: scheduler.Summarize(v.Problem, v.Plan)})
}
