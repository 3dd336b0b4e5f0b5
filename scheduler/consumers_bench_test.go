package scheduler_test

import (
	"testing"
	"time"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// plansAt1000 is a validated 1,000-dwelling operation with two plans of it, the
// second moving every third appointment by a day (no search: the readers of a plan
// are measured, not the solver).
func plansAt1000(b *testing.B) (*model.Problem, *model.Plan, *model.Plan) {
	p := gen.Generate(gen.Options{Dwellings: 1000, Seed: 1})
	if err := model.Validate(p); err != nil {
		b.Fatal(err)
	}
	loc, _ := time.LoadLocation(p.Operation.TimeZone)
	start, _ := time.ParseInLocation("2006-01-02", p.Operation.Start, loc)
	p.Operation.Now = "" // unchanged: the view stays the validated one
	old := &model.Plan{Format: model.PlanFormat, Operation: p.Operation.ID, Status: "complete"}
	moved := &model.Plan{Format: model.PlanFormat, Operation: p.Operation.ID, Status: "complete"}
	for i, iv := range p.Interventions {
		a := start.AddDate(0, 0, i%200).Add(8 * time.Hour)
		e := a.Add(2 * time.Hour)
		as := model.Assignment{Intervention: iv.ID, Crew: p.Crews[i%len(p.Crews)].ID, Start: a.Format(time.RFC3339), End: e.Format(time.RFC3339)}
		old.Assignments = append(old.Assignments, as)
		if i%3 == 0 {
			as.Start, as.End = a.AddDate(0, 0, 1).Format(time.RFC3339), e.AddDate(0, 0, 1).Format(time.RFC3339)
		}
		moved.Assignments = append(moved.Assignments, as)
	}
	return p, old, moved
}

// BenchmarkConsumers: the summary and the diff of plans of a 1,000-dwelling
// operation.
func BenchmarkConsumers(b *testing.B) {
	p, old, moved := plansAt1000(b)
	b.Run("summary", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			scheduler.Summarize(p, old)
		}
	})
	b.Run("diff", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			scheduler.DiffPlans(p, p, old, moved)
		}
	})
}
