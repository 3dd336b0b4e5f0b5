// Package solver is rehabplan's domain-free scheduling engine: tasks that need
// resources, inside calendars (sets of working windows), linked by precedences with
// minimum and maximum lags, within release dates and deadlines, with a few counting
// rules over groups of tasks (tasks a day, days a week, the span of a group, the
// same order through a chain of resources) and a weighted objective (makespan,
// group ends, days touched, preferred windows, tardiness, moves from an anchor).
// It knows nothing of dwellings, tenants or crews.
//
// Who uses it: rehabplan's constraints package compiles the domain into a Problem,
// and the bench package runs public job-shop, flow-shop and RCPSP instances
// straight through it. It is public because it is worth importing on its own, as a
// scheduling engine for problems of that shape. A tool that plans renovation works
// imports scheduler and model instead: scheduler is the one public door to the
// domain, and it does not expose the solver's types.
//
// Solve(ctx, problem, settings) builds schedules with a serial schedule generation
// scheme over priority orders, improves the best ones by large-neighbourhood search
// and a few specialised moves (job-shop critical-block swaps, flow-shop insertion
// with Taillard's heads and tails), and returns the best schedule found. A time
// limit or a cancelled context is a Stop of the Result, not an error; with a work
// limit (the number of schedules built) a run is deterministic for a seed. Every
// score kept incrementally can be re-derived from scratch and compared while
// searching (the check mode, Settings.Check, for tests).
package solver
