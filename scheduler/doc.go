// Package scheduler is rehabplan's public planning API: what other Go tools import.
//
// A works manager's operation comes in as a model.Problem (format "rehabplan/v1",
// read with model.Decode, which validates it and names the field and entity of
// every error). Solve turns it into a model.Plan: each intervention with its crew,
// its pilot when it needs one, its start and end in the operation's local time, and
// the interventions that could not be placed with the rules that block them.
// Verify re-checks any plan from scratch against every hard rule of the domain,
// sharing nothing with the search but the model types.
//
// The stages follow one another: decode and validate (model), compile the rules into
// the solver's terms (constraints), search (solver), build the plan and verify it
// (here). Running out of time is not an error: the result carries the best plan
// found and says why the search stopped.
//
//	p, err := model.Decode(r)
//	if err != nil { ... }                 // *model.ValidationError: field, entity, message
//	res, err := scheduler.Solve(ctx, p, nil)
//	if err != nil { ... }                 // the problem cannot be compiled
//	if res.Status == scheduler.StatusPartial {
//	    for _, u := range res.Plan.Unplaced { ... u.Reasons ... }
//	}
//
// When something slips, Replan absorbs events (model.DecodeEvents, format
// "rehabplan-events/v1") into the current plan at a given time: done and
// under-way work is frozen, appointments inside the notice period stay unless an
// event forces them, announced ones move only at a cost that outweighs the usual
// goals, and new appointments respect the notice period. The result holds the new
// plan, the problem brought up to date (the input of the next replan) and a
// model.Diff: each change with its cause, and a notice per household, crew and pilot
// to tell.
//
//	ev, err := model.DecodeEvents(r)
//	rr, err := scheduler.Replan(ctx, p, plan, ev, time.Now(), nil)
//	scheduler.WriteDiff(os.Stderr, rr.Diff)   // or rr.Diff as JSON
package scheduler
