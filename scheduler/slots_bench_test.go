package scheduler_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

// slotsAt1000 is a 1,000-dwelling operation planned by a first construction, at a
// now a third into its works with the next three weeks announced, and the
// appointments 2 to 60 days after now (the ones a household calls about).
func slotsAt1000(b *testing.B) (*model.Problem, *model.Plan, time.Time, []string) {
	p := gen.Generate(gen.Options{Dwellings: 1000, Seed: 1})
	res, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 1, Workers: 1, Seed: 1})
	if err != nil || len(res.Plan.Unplaced) > 0 {
		b.Fatalf("no complete plan: %v", err)
	}
	if vs := scheduler.Verify(res.Problem, res.Plan); len(vs) > 0 {
		b.Fatalf("the verifier finds %d violations: %v", len(vs), vs)
	}
	loc, _ := time.LoadLocation(p.Operation.TimeZone)
	at := func(s string) time.Time { t, _ := model.ParseMoment(s, loc); return t }
	start, end := at(res.Plan.Assignments[0].Start), time.Time{}
	for _, a := range res.Plan.Assignments {
		if e := at(a.End); e.After(end) {
			end = e
		}
	}
	now := start.Add(end.Sub(start) / 3)
	now = time.Date(now.Year(), now.Month(), now.Day(), 12, 0, 0, 0, loc)
	q := *p
	q.Interventions = append([]model.Intervention(nil), p.Interventions...)
	idx := map[string]int{}
	for i, iv := range q.Interventions {
		idx[iv.ID] = i
	}
	var asked []string
	for _, a := range res.Plan.Assignments {
		s := at(a.Start)
		if !s.Before(now) && s.Before(now.AddDate(0, 0, 21)) {
			iv := &q.Interventions[idx[a.Intervention]]
			iv.Status, iv.Crew, iv.Pilot, iv.Start, iv.End = model.StatusAnnounced, a.Crew, a.Pilot, a.Start, a.End
		}
		if s.After(now.AddDate(0, 0, 2)) && s.Before(now.AddDate(0, 0, 60)) {
			asked = append(asked, a.Intervention)
		}
	}
	return &q, res.Plan, now, asked
}

// BenchmarkSlots1000: the answers of Slots at 1,000 dwellings (12,058
// interventions). "finder" prepares one plan version (compile and lay the plan
// out: once per version); "answer" is one intervention's slots from a prepared
// finder, over 200 interventions, with its p50 and p95; "one-shot" is Slots
// alone, preparation included.
func BenchmarkSlots1000(b *testing.B) {
	p, plan, now, asked := slotsAt1000(b)
	step := max(1, len(asked)/200)
	b.Run("finder", func(b *testing.B) {
		for b.Loop() {
			if _, err := scheduler.NewSlotFinder(p, plan, now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("answer", func(b *testing.B) {
		f, err := scheduler.NewSlotFinder(p, plan, now)
		if err != nil {
			b.Fatal(err)
		}
		var ds []float64
		offered := 0
		for b.Loop() {
			for k := 0; k < len(asked); k += step {
				t0 := time.Now()
				ans, err := f.Slots(asked[k], scheduler.SlotOptions{Count: 5})
				if err != nil {
					b.Fatal(err)
				}
				ds = append(ds, float64(time.Since(t0).Microseconds())/1000)
				offered += len(ans.Slots)
			}
		}
		sort.Float64s(ds)
		b.ReportMetric(ds[len(ds)/2], "p50-ms")
		b.ReportMetric(ds[len(ds)*95/100], "p95-ms")
		b.ReportMetric(ds[len(ds)-1], "max-ms")
		b.ReportMetric(float64(offered)/float64(len(ds)), "slots/answer")
	})
	b.Run("one-shot", func(b *testing.B) {
		k := 0
		for b.Loop() {
			if _, err := scheduler.Slots(p, plan, asked[k%len(asked)], scheduler.SlotOptions{Count: 5, Now: now}); err != nil {
				b.Fatal(err)
			}
			k += step
		}
	})
}
