package scheduler_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

func decodeTiny(t *testing.T, edit func(*model.Problem)) *model.Problem {
	t.Helper()
	p, err := model.DecodeUnvalidated(strings.NewReader(tinyOperation))
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(p)
	}
	return p
}

// Solve validates the problem and reports every field error, not the first one.
func TestSolveReportsEveryFieldError(t *testing.T) {
	p := decodeTiny(t, func(p *model.Problem) {
		p.Interventions[0].Duration = "soon"
		p.Interventions[1].Trade = "roofing"
		p.Crews[1].Trades = []string{"masonry"}
	})
	_, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 1})
	if !errors.Is(err, scheduler.ErrInvalid) {
		t.Fatalf("error %v does not match ErrInvalid", err)
	}
	var ie *scheduler.InvalidProblemError
	if !errors.As(err, &ie) {
		t.Fatalf("error %T is not an *InvalidProblemError", err)
	}
	fields := map[string]bool{}
	for _, fe := range ie.Errors {
		fields[fe.Field] = true
	}
	for _, want := range []string{"interventions[0].duration", "interventions[1].trade", "crews[1].trades[0]"} {
		if !fields[want] {
			t.Errorf("no error on %s among %v", want, ie.Errors)
		}
	}
}

func TestExplainUnknownInterventionIsTyped(t *testing.T) {
	p := decodeTiny(t, nil)
	res, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 1})
	if err != nil {
		t.Fatal(err)
	}
	requireVerified(t, res.Problem, res.Plan)
	_, err = scheduler.Explain(p, res.Plan, "B9-Z-99/roofing")
	if !errors.Is(err, scheduler.ErrUnknownIntervention) {
		t.Fatalf("error %v does not match ErrUnknownIntervention", err)
	}
	var ue *scheduler.UnknownInterventionError
	if !errors.As(err, &ue) || ue.ID != "B9-Z-99/roofing" {
		t.Fatalf("error %v does not carry the id", err)
	}
}

// Two done interventions that hold one crew at the same time conflict: the plan
// keeps them (they are facts) and its status says the verifier found breaches.
func TestStatusViolatedWhenFixedAppointmentsConflict(t *testing.T) {
	p := decodeTiny(t, func(p *model.Problem) {
		p.Trades[1].ID = "painting"
		p.Crews = p.Crews[:1]
		p.Crews[0].Trades = []string{"plumbing", "painting"}
		for i := range p.Interventions {
			iv := &p.Interventions[i]
			iv.Status = model.StatusDone
			iv.Crew = "PLB-1"
			iv.Start, iv.End = "2027-03-02T08:00", "2027-03-02T12:00"
			iv.Duration = "4h"
		}
		p.Sequences = nil
	})
	if err := model.Validate(p); err != nil {
		t.Fatalf("the problem must be valid (only the plan conflicts): %v", err)
	}
	res, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Violations) == 0 {
		t.Fatal("the verifier found nothing in two jobs of one crew at once")
	}
	if vs := scheduler.Verify(res.Problem, res.Plan); !reflect.DeepEqual(vs, res.Violations) {
		t.Fatalf("the verifier run on the plan finds %v, the result says %v", vs, res.Violations)
	}
	if res.Status != scheduler.StatusViolated || res.Plan.Status != string(scheduler.StatusViolated) {
		t.Fatalf("status %q, plan status %q; want %q", res.Status, res.Plan.Status, scheduler.StatusViolated)
	}
	if res.Plan.Score.Hard != len(res.Violations) {
		t.Fatalf("score hard %d, violations %d", res.Plan.Score.Hard, len(res.Violations))
	}
}

// Progress, Stop and the score breakdown are scheduler's own types.
func TestProgressStopAndBreakdown(t *testing.T) {
	p := decodeTiny(t, nil)
	var mu sync.Mutex
	var seen []scheduler.Progress
	res, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 50, Workers: 1,
		Progress: func(pr scheduler.Progress) { mu.Lock(); seen = append(seen, pr); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	requireVerified(t, res.Problem, res.Plan)
	if len(seen) == 0 {
		t.Fatal("no progress reported")
	}
	last := seen[len(seen)-1]
	if last.Score.Unplaced != 0 || last.Score.Hard != 0 || !strings.HasSuffix(last.Score.String(), "soft") {
		t.Fatalf("last progress %+v (%s)", last, last.Score)
	}
	if !last.End.Equal(res.Makespan) {
		t.Fatalf("last progress ends %s, the result %s", last.End, res.Makespan)
	}
	if res.Stop != scheduler.StopDone {
		t.Fatalf("stop %q after a work limit; want %q", res.Stop, scheduler.StopDone)
	}
	start := time.Date(2027, 3, 1, 0, 0, 0, 0, mustLoc(t))
	if got := start.Add(res.Terms.Makespan); !got.Equal(res.Makespan) {
		t.Fatalf("breakdown makespan ends %s, result %s", got, res.Makespan)
	}
	if res.Terms.DisturbedDays != 1 {
		t.Fatalf("disturbed days %d; the plumbing and the painting fall on two days", res.Terms.DisturbedDays)
	}
}

func TestAssessAgreesWithSolve(t *testing.T) {
	p := decodeTiny(t, nil)
	res, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 20, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	requireVerified(t, res.Problem, res.Plan)
	a, err := scheduler.Assess(p, res.Plan)
	if err != nil {
		t.Fatal(err)
	}
	if !a.End.Equal(res.Makespan) || !a.Bound.Equal(res.Bound) || a.GapPct != res.GapPct {
		t.Fatalf("assess %+v; solve end %s bound %s gap %.2f", a, res.Makespan, res.Bound, res.GapPct)
	}
	bad := *res.Plan
	bad.Assignments = append([]model.Assignment(nil), res.Plan.Assignments...)
	bad.Assignments[0].End = "tomorrow"
	if _, err := scheduler.Assess(p, &bad); err == nil || !strings.Contains(err.Error(), bad.Assignments[0].Intervention) {
		t.Fatalf("error %v does not name the intervention", err)
	}
}

// requireVerified fails t when the independent verifier finds plan breaks a
// hard rule of p.
func requireVerified(t *testing.T, p *model.Problem, plan *model.Plan) {
	t.Helper()
	if vs := scheduler.Verify(p, plan); len(vs) > 0 {
		t.Fatalf("the verifier finds %d violations: %v", len(vs), vs)
	}
}

func mustLoc(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// A replan's now far outside the horizon is an error on the field "now", not a
// crash or a stored absurdity; the message gives the instant in UTC (in the
// operation's zone, year 1 would read in Paris mean time, +00:09).
func TestReplanRefusesNowOutsideTheHorizon(t *testing.T) {
	p := decodeTiny(t, nil) // Europe/Paris
	res, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 1})
	if err != nil {
		t.Fatal(err)
	}
	requireVerified(t, res.Problem, res.Plan)
	ev := &model.Events{Format: model.EventsFormat}
	for _, tc := range []struct {
		now  time.Time
		want string
	}{
		{time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), "9999-12-31T23:59:59Z is more than a year outside"},
		{time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), "0001-01-01T00:00:00Z is more than a year outside"},
		{time.Date(2029, 6, 1, 0, 0, 0, 0, time.UTC), "2029-06-01T00:00:00Z is more than a year outside"},
	} {
		_, err := scheduler.Replan(context.Background(), p, res.Plan, ev, tc.now, &scheduler.Settings{WorkLimit: 1})
		var ie *scheduler.InvalidProblemError
		if !errors.As(err, &ie) || len(ie.Errors) != 1 || ie.Errors[0].Field != "now" {
			t.Fatalf("now %s: error %v; want one field error on now", tc.now, err)
		}
		if msg := ie.Errors[0].Msg; !strings.HasPrefix(msg, tc.want) {
			t.Errorf("now %s: message %q; want it to start %q", tc.now, msg, tc.want)
		}
	}
	// inside the margin: a replan a month before the start is fine
	rr, err := scheduler.Replan(context.Background(), p, res.Plan, ev, time.Date(2027, 2, 1, 8, 0, 0, 0, time.UTC), &scheduler.Settings{WorkLimit: 1})
	if err != nil {
		t.Fatal(err)
	}
	requireVerified(t, rr.Problem, rr.Plan)
}
