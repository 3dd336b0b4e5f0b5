package model_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
)

// readAll reads every section of a view, as compile and verify together do.
func readAll(tv *model.Typed) {
	tv.SiteHours()
	tv.Profiles()
	tv.Households()
	tv.Crews()
	tv.Pilots()
	tv.Deliveries()
	tv.Sequences()
	tv.Relocations()
	tv.Intervention("")
}

// parseAll parses every time of a problem once, as each consumer did before the
// typed view (compile, verify, the calendars each did it again).
func parseAll(p *model.Problem) {
	loc, _ := model.LoadLocation(p.Operation.TimeZone)
	_, _ = model.ParseDate(p.Operation.Start, loc)
	_, _ = model.ParseDate(p.Operation.End, loc)
	wd := p.WorkingDayMinutes()
	recs := func(rs []model.Recurrence) {
		for _, r := range rs {
			_, _ = model.ParseClock(r.Start)
			_, _ = model.ParseDuration(r.Duration, 0)
			_, _ = model.ParseRRule(r.RRule, loc)
		}
	}
	for i := range p.Households {
		recs(p.Households[i].Availability)
		recs(p.Households[i].Preferred)
	}
	for i := range p.Crews {
		recs(p.CrewCalendar(&p.Crews[i]))
	}
	for i := range p.Deliveries {
		_, _ = model.ParseMoment(p.Deliveries[i].Expected, loc)
	}
	for i := range p.Interventions {
		iv := &p.Interventions[i]
		_, _ = model.ParseDuration(iv.Duration, wd)
		for _, s := range []string{iv.Release, iv.Start, iv.End} {
			if s != "" {
				_, _ = model.ParseMoment(s, loc)
			}
		}
		for _, s := range []string{iv.Deadline, iv.SoftDeadline} {
			if s != "" {
				_, _ = model.ParseEndMoment(s, loc)
			}
		}
	}
}

// BenchmarkTypedView: at 1,000 dwellings, the validation (which builds the view),
// the view alone, finding the kept view, and one pass of parsing the same strings.
func BenchmarkTypedView(b *testing.B) {
	p := gen.Generate(gen.Options{Dwellings: 1000, Seed: 1})
	require.NoError(b, model.Validate(p))
	b.Logf("%d interventions, %d households", len(p.Interventions), len(p.Households))
	b.Run("validate with view", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := model.Validate(p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("view alone", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			q := *p // a copy has no kept view: each Typed reads it anew
			readAll(q.Typed())
		}
	})
	b.Run("kept view", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			readAll(p.Typed())
		}
	})
	b.Run("parse again", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			parseAll(p)
		}
	})
}
