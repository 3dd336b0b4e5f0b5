package scheduler

import (
	"errors"
	"fmt"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// Score ranks plans: fewer broken hard rules first, then fewer unplaced
// interventions, then a lower soft cost (the policy's weighted goals).
type Score struct {
	Hard     int
	Unplaced int
	Soft     float64
}

// String reads like "0hard/2unplaced/1234.50soft".
func (s Score) String() string {
	return fmt.Sprintf("%dhard/%dunplaced/%.2fsoft", s.Hard, s.Unplaced, s.Soft)
}

// Progress is one improvement reported during a search (Settings.Progress).
type Progress struct {
	// Elapsed since the search started.
	Elapsed time.Duration
	// Score of the best plan found so far.
	Score Score
	// Iterations counts the plans built so far.
	Iterations int
	// End is the end of the last intervention of the best plan so far.
	End time.Time
}

// Stop says why a search ended. Running out of time or being cancelled is not an
// error: the result still carries the best plan found.
type Stop string

// Stops.
const (
	// StopDone: the work limit was reached or nothing was left to try.
	StopDone Stop = "done"
	// StopTimeLimit: the time limit was reached.
	StopTimeLimit Stop = "time limit"
	// StopCancelled: the context was cancelled.
	StopCancelled Stop = "cancelled"
)

// Breakdown is the plan's soft goals, each measured before its weight (the
// weighted costs are in Plan.Score.Terms).
type Breakdown struct {
	// Makespan: from the operation's start to the end of its last intervention.
	Makespan time.Duration
	// DwellingEnds: the sum over dwellings of the time from the operation's start
	// to the dwelling's last intervention.
	DwellingEnds time.Duration
	// DisturbedDays: the sum over dwellings of the days with work beyond the first.
	DisturbedDays int
	// BurdenDays: the sum over households of their disturbed dates beyond the
	// policy's burden threshold (model.Problem.BurdenDays).
	BurdenDays int
	// OutsidePreferred: the time of work outside the households' preferred windows.
	OutsidePreferred time.Duration
	// Tardiness: the time by which soft deadlines are missed, summed.
	Tardiness time.Duration
	// OffQuarterHour counts the interventions that start off the quarter hour
	// (where no calendar leaves a start on one that day).
	OffQuarterHour int
	// Moved counts the appointments of a replan placed away from where they were;
	// MoveCost and ShiftCost are what those moves cost under the replan's weights.
	Moved     int
	MoveCost  float64
	ShiftCost float64
	// OtherPilot counts the visits with another pilot than the household's own.
	OtherPilot int
}

// Errors an importer can tell apart with errors.Is and errors.As.
var (
	// ErrUnknownIntervention: an intervention id that the problem does not have.
	ErrUnknownIntervention = errors.New("unknown intervention")
	// ErrInvalid matches every *InvalidProblemError (it is model.ErrInvalid).
	ErrInvalid = model.ErrInvalid
)

// InvalidProblemError lists every field error of a problem, plan or events
// document (it is model.ValidationError): errors.As(err, &e) gives them all, each
// with its JSON path, the entity's kind and id, and the message.
type InvalidProblemError = model.ValidationError

// FieldError is one field error of an InvalidProblemError.
type FieldError = model.FieldError

// UnknownInterventionError names the intervention id that was not found; it
// matches ErrUnknownIntervention.
type UnknownInterventionError struct {
	ID string
}

func (e *UnknownInterventionError) Error() string {
	return fmt.Sprintf("scheduler: unknown intervention %q", e.ID)
}

// Is makes errors.Is(err, ErrUnknownIntervention) true.
func (e *UnknownInterventionError) Is(target error) bool { return target == ErrUnknownIntervention }

// solverSettings is s in the solver's terms (s is not nil); time reads the
// solver's minutes as instants.
func (s *Settings) solverSettings(time func(int) time.Time) *solver.Settings {
	ss := &solver.Settings{TimeLimit: s.TimeLimit, WorkLimit: s.WorkLimit, Seed: s.Seed, Workers: s.Workers, Check: s.Check}
	if s.Progress != nil {
		f := s.Progress
		ss.Progress = func(p solver.Progress) {
			f(Progress{Elapsed: p.Elapsed, Score: scoreOf(p.Score), Iterations: p.Iterations, End: time(p.Makespan)})
		}
	}
	return ss
}

func scoreOf(s solver.Score) Score { return Score{Hard: s.Hard, Unplaced: s.Unplaced, Soft: s.Soft} }

func stopOf(s solver.Stop) Stop {
	switch s {
	case solver.StopTimeLimit:
		return StopTimeLimit
	case solver.StopCancelled:
		return StopCancelled
	}
	return StopDone
}

func breakdownOf(t solver.Terms) Breakdown {
	m := func(n int) time.Duration { return time.Duration(n) * time.Minute }
	return Breakdown{Makespan: m(t.Makespan), DwellingEnds: m(t.GroupEnd), DisturbedDays: t.GroupDays, BurdenDays: t.GroupDaysOver,
		OutsidePreferred: m(t.Preference), Tardiness: m(t.Tardiness), OffQuarterHour: t.OffGrid, Moved: t.Moved, MoveCost: t.Moves, ShiftCost: t.Shift,
		OtherPilot: t.Unpreferred}
}
