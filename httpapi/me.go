package httpapi

import (
	"net/http"
	"slices"

	"github.com/rehabplan/rehabplan/model"
)

// meAnswer is what GET /v1/me answers: what the request's token may do, so
// that a client (the planning page) offers only the actions it may take.
type meAnswer struct {
	// ID names the token (its token file's id=, or the start of its hash;
	// never the token).
	ID   string `json:"id"`
	Role string `json:"role"`
	// Operations is the token's scope: ["*"] for every operation, or their ids.
	Operations []string `json:"operations"`
	// Crews are a contractor's crews.
	Crews []string `json:"crews,omitempty"`
	// Actions are the routes the role may call, by their OpenAPI operationId
	// (startSolve, postEvents, announce...), in the route table's order.
	Actions []string `json:"actions"`
	// Events are the event types it may send to POST .../events (a pilot the
	// households' events only; none without postEvents).
	Events []string `json:"events"`
	// CancelJobs says which jobs DELETE /v1/jobs/{job} lets it cancel: "any"
	// (of its scope: an admin, a manager), "own" (those its token submitted: a
	// pilot), or "none".
	CancelJobs string `json:"cancel_jobs"`
}

// me answers GET /v1/me: the token's role, scope and allowed actions, read
// from the route table that authorizes the requests.
func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	g := grantOf(r)
	a := meAnswer{ID: g.ID, Role: g.Role, Operations: []string{"*"}, Crews: g.Crews, Actions: []string{}, Events: []string{}, CancelJobs: "none"}
	if !g.AllOps {
		a.Operations = slices.Clone(g.Ops)
	}
	bit := roleBits[g.Role]
	for _, rt := range s.table() {
		if rt.role&bit != 0 {
			a.Actions = append(a.Actions, rt.name)
		}
	}
	if slices.Contains(a.Actions, "postEvents") {
		a.Events = slices.Clone(model.EventTypes)
		if g.Role == RolePilot {
			a.Events = slices.Clone(householdEvents)
		}
	}
	switch {
	case planners&bit != 0:
		a.CancelJobs = "any"
	case slices.Contains(a.Actions, "cancelJob"):
		a.CancelJobs = "own"
	}
	return writeJSON(w, http.StatusOK, a)
}
