package model_test

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
)

// typedProblems are the problems the typed view is checked on: the bundled
// example, the model's own valid document and generated operations of several
// sizes and seeds.
func typedProblems(t testing.TB) map[string]*model.Problem {
	out := map[string]*model.Problem{}
	for _, name := range []string{"../testdata/operations/example.json", "testdata/valid.json"} {
		f, err := os.Open(name)
		require.NoError(t, err)
		p, err := model.Decode(f)
		f.Close()
		require.NoError(t, err, name)
		out[name] = p
	}
	for _, o := range []gen.Options{{Dwellings: 20, Seed: 1}, {Dwellings: 60, Seed: 7}, {Dwellings: 150, Seed: 3}} {
		p := gen.Generate(o)
		require.NoError(t, model.Validate(p))
		out[fmt.Sprintf("gen %d dwellings seed %d", o.Dwellings, o.Seed)] = p
	}
	out["gen 60 dwellings seed 7, replanned"] = replanned(t, gen.Generate(gen.Options{Dwellings: 60, Seed: 7}))
	return out
}

// replanned is p as a replan leaves it: made at a given time, some appointments
// announced or done (their times written as local wall times, dates or RFC 3339),
// some with release dates and deadlines.
func replanned(t testing.TB, p *model.Problem) *model.Problem {
	x := model.NewIndex(p)
	p.Operation.Now = "2027-02-01T07:30:00+01:00"
	p.Operation.ExtraHolidays = []string{"2027-08-16", "2027-12-25"} // a plant closure, and Christmas again
	for i := range p.Interventions {
		iv := &p.Interventions[i]
		day := 1 + i%27
		switch i % 9 {
		case 0, 1:
			for k := range p.Crews {
				if x.CanDo(&p.Crews[k], iv) {
					iv.Crew = p.Crews[k].ID
					break
				}
			}
			iv.Status = model.StatusAnnounced
			iv.Start, iv.End = fmt.Sprintf("2027-02-%02dT08:00", day), fmt.Sprintf("2027-02-%02dT10:30", day)
			if i%9 == 1 {
				iv.Status = model.StatusDone
				iv.Start, iv.End = fmt.Sprintf("2027-01-%02dT13:00:00+01:00", day), fmt.Sprintf("2027-01-%02d", day+1)
			}
		case 2:
			iv.Release, iv.Deadline = fmt.Sprintf("2027-03-%02d", day), fmt.Sprintf("2027-06-%02dT12:00", day)
		case 3:
			iv.SoftDeadline = fmt.Sprintf("2027-05-%02d", day)
		}
	}
	require.NoError(t, model.Validate(p))
	return p
}

// sameTime: the same instant in the same time zone (LoadLocation gives a new
// *time.Location each time).
func sameTime(a, b time.Time) bool {
	return a.Equal(b) && a.Location().String() == b.Location().String()
}

// agree checks a Value read from s against parse: required values are read even
// when empty.
func agreeTime(t *testing.T, what, s string, required bool, got model.Value[time.Time], parse func(string, *time.Location) (time.Time, error), loc *time.Location) {
	t.Helper()
	if s == "" && !required {
		assert.Equal(t, model.Value[time.Time]{}, got, what)
		return
	}
	want, err := parse(s, loc)
	assert.Equal(t, s != "", got.Set, what)
	if err != nil {
		require.Error(t, got.Err, what)
		assert.Equal(t, err.Error(), got.Err.Error(), what)
		return
	}
	require.NoError(t, got.Err, what)
	assert.True(t, sameTime(want, got.V), "%s: %v, parsing %q gives %v", what, got.V, s, want)
}

func agreeInt(t *testing.T, what, s string, required bool, got model.Value[int], parse func(string) (int, error)) {
	t.Helper()
	if s == "" && !required {
		assert.Equal(t, model.Value[int]{}, got, what)
		return
	}
	want, err := parse(s)
	assert.Equal(t, s != "", got.Set, what)
	if err != nil {
		require.Error(t, got.Err, what)
		assert.Equal(t, err.Error(), got.Err.Error(), what)
		return
	}
	require.NoError(t, got.Err, what)
	assert.Equal(t, want, got.V, what)
}

func agreeRecurrences(t *testing.T, what string, rs []model.Recurrence, got []model.TypedRecurrence, loc *time.Location) {
	t.Helper()
	require.Len(t, got, len(rs), what)
	for i, r := range rs {
		w := fmt.Sprintf("%s[%d]", what, i)
		g := &got[i]
		assert.Equal(t, r, g.Source, w)
		agreeInt(t, w+".start", r.Start, true, g.Start, model.ParseClock)
		agreeInt(t, w+".duration", r.Duration, true, g.Length, func(s string) (int, error) { return model.ParseDuration(s, 0) })
		agreeTime(t, w+".from", r.From, false, g.From, model.ParseDate, loc)
		require.Len(t, g.ExDates, len(r.ExDates), w)
		for k, d := range r.ExDates {
			agreeTime(t, fmt.Sprintf("%s.exdates[%d]", w, k), d, true, g.ExDates[k], model.ParseDate, loc)
		}
		want, werr := model.ParseRRule(r.RRule, loc)
		opt, err := g.Rule()
		if werr != nil {
			assert.EqualError(t, err, werr.Error(), w)
			continue
		}
		require.NoError(t, err, w)
		assert.True(t, reflect.DeepEqual(*want, opt), "%s: rule %q read as %+v, ParseRRule gives %+v", w, r.RRule, opt, *want)
	}
}

func agreePeriods(t *testing.T, what string, ps []model.Period, got []model.TypedPeriod, loc *time.Location) {
	t.Helper()
	require.Len(t, got, len(ps), what)
	for i, pr := range ps {
		agreeTime(t, fmt.Sprintf("%s[%d].from", what, i), pr.From, true, got[i].From, model.ParseMoment, loc)
		agreeTime(t, fmt.Sprintf("%s[%d].to", what, i), pr.To, true, got[i].To, model.ParseEndMoment, loc)
	}
}

// wantHolidays: the French holidays of the years from first to last (when the
// operation follows them) and the extra ones, sorted, each once.
func wantHolidays(p *model.Problem, first, last int) []string {
	var out []string
	if p.Operation.Holidays == "" || p.Operation.Holidays == "FR" {
		for y := first; y <= last; y++ {
			for _, d := range model.FrenchHolidays(y) {
				out = append(out, d.String())
			}
		}
	}
	out = append(out, p.Operation.ExtraHolidays...)
	sort.Strings(out)
	return slices.Compact(out)
}

// agreeTyped checks every value of p's typed view against the model's Parse
// functions applied to the document's strings.
func agreeTyped(t *testing.T, p *model.Problem, tv *model.Typed) {
	t.Helper()
	op := &p.Operation
	loc, err := model.LoadLocation(op.TimeZone)
	if err != nil {
		assert.EqualError(t, tv.LocErr, err.Error())
		loc = time.UTC
	} else {
		require.NoError(t, tv.LocErr)
	}
	require.Equal(t, loc, tv.Loc)
	agreeTime(t, "operation.start", op.Start, true, tv.Start, model.ParseDate, loc)
	agreeTime(t, "operation.end", op.End, true, tv.End, model.ParseDate, loc)
	if end, err := model.ParseDate(op.End, loc); err == nil {
		assert.True(t, sameTime(end.AddDate(0, 0, 1), tv.Horizon), "horizon %v after end %v", tv.Horizon, end)
	}
	agreeTime(t, "operation.now", op.Now, false, tv.Now, model.ParseMoment, loc)
	assert.Equal(t, p.WorkingDayMinutes(), tv.WorkingDay)
	if tv.LocErr == nil && tv.Start.OK() && tv.End.OK() {
		assert.Equal(t, wantHolidays(p, tv.Start.V.Year(), tv.End.V.Year()), tv.HolidayDates)
	} else {
		assert.Nil(t, tv.HolidayDates)
	}
	assert.Equal(t, tv.HolidayDates, p.HolidayDates())
	require.Len(t, tv.Holidays, len(tv.HolidayDates))
	for i, d := range tv.HolidayDates {
		agreeTime(t, "holiday "+d, d, true, tv.Holidays[i], model.ParseDate, loc)
	}
	agreeRecurrences(t, "site hours", p.SiteHours(), tv.SiteHours(), loc)
	require.Len(t, tv.Profiles(), len(p.Profiles))
	for i, pr := range p.Profiles {
		f := fmt.Sprintf("profiles[%d]", i)
		g := tv.Profiles()[i]
		agreeInt(t, f+".no_work_before", pr.NoWorkBefore, false, g.NoWorkBefore, model.ParseClock)
		agreeInt(t, f+".no_work_after", pr.NoWorkAfter, false, g.NoWorkAfter, model.ParseClock)
		agreeRecurrences(t, f+".noisy_hours", pr.NoisyHours, g.NoisyHours, loc)
	}
	require.Len(t, tv.Households(), len(p.Households))
	for i, h := range p.Households {
		f := fmt.Sprintf("households[%d]", i)
		g := tv.Households()[i]
		agreeRecurrences(t, f+".availability", h.Availability, g.Availability, loc)
		agreeRecurrences(t, f+".preferred", h.Preferred, g.Preferred, loc)
		agreeRecurrences(t, f+".carer_availability", h.CarerAvailability, g.CarerAvailability, loc)
		agreePeriods(t, f+".absences", h.Absences, g.Absences, loc)
	}
	require.Len(t, tv.Crews(), len(p.Crews))
	for i := range p.Crews {
		f := fmt.Sprintf("crews[%d]", i)
		agreeRecurrences(t, f+".calendar", p.CrewCalendar(&p.Crews[i]), tv.Crews()[i].Calendar, loc)
		agreePeriods(t, f+".unavailable", p.Crews[i].Unavailable, tv.Crews()[i].Unavailable, loc)
	}
	require.Len(t, tv.Pilots(), len(p.Pilots))
	for i := range p.Pilots {
		f := fmt.Sprintf("pilots[%d]", i)
		agreeRecurrences(t, f+".hours", p.Pilots[i].Hours(), tv.Pilots()[i].Hours, loc)
		agreePeriods(t, f+".absences", p.Pilots[i].Absences, tv.Pilots()[i].Absences, loc)
	}
	require.Len(t, tv.Deliveries(), len(p.Deliveries))
	for i, d := range p.Deliveries {
		agreeTime(t, fmt.Sprintf("deliveries[%d].expected", i), d.Expected, true, tv.Deliveries()[i].Expected, model.ParseMoment, loc)
	}
	require.Len(t, tv.Sequences(), len(p.Sequences))
	lag := func(s string) (int, error) { return model.ParseDuration(s, 0) }
	for i, s := range p.Sequences {
		agreeInt(t, fmt.Sprintf("sequences[%d].min_lag", i), s.MinLag, false, tv.Sequences()[i].MinLag, lag)
		agreeInt(t, fmt.Sprintf("sequences[%d].max_lag", i), s.MaxLag, false, tv.Sequences()[i].MaxLag, lag)
	}
	stays := make([]model.Period, len(p.Relocations))
	for i, r := range p.Relocations {
		stays[i] = model.Period{From: r.From, To: r.To}
	}
	agreePeriods(t, "relocations", stays, tv.Relocations(), loc)
	require.Len(t, tv.Interventions(), len(p.Interventions))
	wd := p.WorkingDayMinutes()
	x := model.NewIndex(p)
	for i := range p.Interventions {
		iv := &p.Interventions[i]
		f := fmt.Sprintf("interventions[%d]", i)
		g := tv.Interventions()[i]
		if v, ok := x.RemovalVolume(iv); ok {
			// a removal sized by its household's furniture volume
			assert.Equal(t, model.Value[int]{V: model.RemovalMinutes(v), Set: true}, g.Minutes, f+".duration")
		} else {
			agreeInt(t, f+".duration", iv.Duration, true, g.Minutes, func(s string) (int, error) { return model.ParseDuration(s, wd) })
		}
		agreeTime(t, f+".release", iv.Release, false, g.Release, model.ParseMoment, loc)
		agreeTime(t, f+".deadline", iv.Deadline, false, g.Deadline, model.ParseEndMoment, loc)
		agreeTime(t, f+".soft_deadline", iv.SoftDeadline, false, g.SoftDeadline, model.ParseEndMoment, loc)
		agreeTime(t, f+".start", iv.Start, iv.Fixed(), g.Start, model.ParseMoment, loc)
		agreeTime(t, f+".end", iv.End, iv.Fixed(), g.End, model.ParseMoment, loc)
		if first := tv.Intervention(iv.ID); first != &tv.Interventions()[i] {
			// only a later duplicate id may point elsewhere
			assert.NotNil(t, first, f)
		}
	}
	assert.Nil(t, tv.Intervention("no such intervention"))
	agreeOf(t, p, tv)
}

// agreeOf: the ...Of methods find entity i of each list from a pointer to it (the
// problem's own, or Index's), and nothing from a pointer to an entity of a copy.
func agreeOf(t *testing.T, p *model.Problem, tv *model.Typed) {
	t.Helper()
	x := model.NewIndex(p)
	for i := range p.Interventions {
		iv := &p.Interventions[i]
		require.Same(t, &tv.Interventions()[i], tv.InterventionOf(iv))
		if x.Interventions[iv.ID] == iv {
			assert.Same(t, &tv.Interventions()[i], tv.Intervention(iv.ID))
		}
	}
	for i := range p.Profiles {
		require.Same(t, &tv.Profiles()[i], tv.ProfileOf(&p.Profiles[i]))
	}
	for i := range p.Households {
		require.Same(t, &tv.Households()[i], tv.HouseholdOf(&p.Households[i]))
	}
	for i := range p.Crews {
		require.Same(t, &tv.Crews()[i], tv.CrewOf(&p.Crews[i]))
	}
	for i := range p.Pilots {
		require.Same(t, &tv.Pilots()[i], tv.PilotOf(&p.Pilots[i]))
	}
	for i := range p.Deliveries {
		require.Same(t, &tv.Deliveries()[i], tv.DeliveryOf(&p.Deliveries[i]))
	}
	for i := range p.Sequences {
		require.Same(t, &tv.Sequences()[i], tv.SequenceOf(&p.Sequences[i]))
	}
	for i := range p.Relocations {
		require.Same(t, &tv.Relocations()[i], tv.RelocationOf(&p.Relocations[i]))
	}
	for _, stays := range x.Stays {
		for _, r := range stays {
			assert.NotNil(t, tv.RelocationOf(r), "a stay of the index")
		}
	}
	c := p.Clone()
	if len(c.Interventions) > 0 {
		assert.Nil(t, tv.InterventionOf(&c.Interventions[0]), "an intervention of a copy")
		assert.Nil(t, tv.InterventionOf(&model.Intervention{}))
	}
	if len(c.Households) > 0 {
		assert.Nil(t, tv.HouseholdOf(&c.Households[0]))
	}
	assert.Nil(t, tv.CrewOf(nil))
}

// TestTypedAgreesWithParsing: every value of the typed view of a validated problem
// is what the Parse functions give for its string.
func TestTypedAgreesWithParsing(t *testing.T) {
	for name, p := range typedProblems(t) {
		t.Run(name, func(t *testing.T) {
			tv := p.Typed()
			agreeTyped(t, p, tv)
			assert.Same(t, tv, p.Typed(), "a validated problem keeps its view")
			// what the problems hold, so that the comparisons above compare something
			fixed, rules := 0, 0
			for i := range p.Interventions {
				if p.Interventions[i].Fixed() {
					fixed++
				}
			}
			for _, h := range tv.Households() {
				rules += len(h.Availability)
			}
			assert.Positive(t, len(p.Interventions))
			assert.Positive(t, rules, "households with availability")
			t.Logf("%d interventions (%d fixed), %d availability windows, %d holidays", len(p.Interventions), fixed, rules, len(tv.Holidays))
		})
	}
}

// TestTypedOfInvalidProblems: a problem that does not validate gets a view all the
// same, whose Err values are the Parse functions' errors; Typed never panics.
func TestTypedOfInvalidProblems(t *testing.T) {
	base := gen.Generate(gen.Options{Dwellings: 8, Seed: 2})
	cases := []struct {
		name   string
		change func(p *model.Problem)
	}{
		{"unknown time zone", func(p *model.Problem) { p.Operation.TimeZone = "Mars/Olympus" }},
		{"no time zone", func(p *model.Problem) { p.Operation.TimeZone = "" }},
		{"unreadable horizon", func(p *model.Problem) { p.Operation.Start, p.Operation.End = "soon", "" }},
		{"unreadable now", func(p *model.Problem) { p.Operation.Now = "2027-13-01" }},
		{"bad intervention times", func(p *model.Problem) {
			iv := &p.Interventions[0]
			iv.Duration, iv.Release, iv.Deadline, iv.SoftDeadline = "3x", "tomorrow", "2027-02-30", "2027-1-1"
			p.Interventions[1].Status, p.Interventions[1].Start, p.Interventions[1].End = model.StatusDone, "", ""
			p.Interventions[2].Duration = ""
		}},
		{"bad recurrences", func(p *model.Problem) {
			h := &p.Households[0]
			h.Availability = []model.Recurrence{
				{RRule: "FREQ=HOURLY;INTERVAL=24;BYHOUR=5", Start: "25:00", Duration: "2d"},
				{RRule: "DTSTART:20270101T000000Z", Start: "", Duration: "", From: "x", ExDates: []string{"", "2027-02-31"}},
				{RRule: "FREQ=WEEKLY;BYDAY=1MO", Start: "08:00", Duration: "4h"},
			}
			p.Crews[0].Calendar = []model.Recurrence{{RRule: "", Start: "8", Duration: "-1h"}}
			p.Operation.SiteHours = []model.Recurrence{{RRule: "FREQ=YEARLY;BYEASTER=300", Start: "08:00", Duration: "1h"}}
		}},
		{"bad periods and lags", func(p *model.Problem) {
			p.Households[0].Absences = []model.Period{{From: "", To: "then"}}
			p.Deliveries[0].Expected = ""
			p.Sequences = append(p.Sequences, model.Sequence{Before: "a", After: "b", MinLag: "1d", MaxLag: "forever"})
			p.Profiles = append(p.Profiles, model.Profile{ID: "x", NoWorkBefore: "9h", NoWorkAfter: "24:30"})
		}},
		{"empty problem", func(p *model.Problem) { *p = model.Problem{} }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := base.Clone()
			c.change(p)
			require.Error(t, model.Validate(p))
			tv := p.Typed()
			agreeTyped(t, p, tv)
			assert.NotSame(t, tv, p.Typed(), "an invalid problem's view is not kept")
		})
	}
	assert.NotPanics(t, func() {
		tv := (*model.Problem)(nil).Typed()
		assert.Error(t, tv.LocErr)
		assert.Empty(t, tv.Interventions())
	})
}

// TestTypedIsNeverStale: a clone, a copy and a problem changed after validation
// never answer with the view of the problem as it was.
func TestTypedIsNeverStale(t *testing.T) {
	p := gen.Generate(gen.Options{Dwellings: 10, Seed: 4})
	require.NoError(t, model.Validate(p))
	kept := p.Typed()
	require.Same(t, kept, p.Typed())
	release := kept.Interventions()[0].Release

	// a clone changed, then validated again: the events' way
	q := p.Clone()
	q.Interventions[0].Release = "2027-03-01T10:00"
	assert.True(t, q.Typed().Interventions()[0].Release.OK())
	assert.Equal(t, time.Date(2027, 3, 1, 10, 0, 0, 0, q.Typed().Loc), q.Typed().Interventions()[0].Release.V)
	require.NoError(t, model.Validate(q))
	assert.Same(t, q.Typed(), q.Typed())
	assert.NotSame(t, kept, q.Typed())
	agreeTyped(t, q, q.Typed())
	assert.Equal(t, release, p.Typed().Interventions()[0].Release, "the original keeps its view")
	assert.Same(t, kept, p.Typed())

	// a copy by assignment with a list of its own
	r := *p
	r.Interventions = append([]model.Intervention(nil), p.Interventions...)
	r.Interventions[0].Deadline = "2027-12-01"
	assert.NotSame(t, kept, r.Typed())
	assert.True(t, r.Typed().Interventions()[0].Deadline.OK())
	agreeTyped(t, &r, r.Typed())

	// changes to a validated problem that Typed notices without a new validation
	changes := []struct {
		name   string
		change func(p *model.Problem)
	}{
		{"operation.now set", func(p *model.Problem) { p.Operation.Now = "2027-02-01T09:00" }},
		{"time zone changed", func(p *model.Problem) { p.Operation.TimeZone = "America/Cayenne" }},
		{"horizon moved", func(p *model.Problem) { p.Operation.End = "2028-06-30" }},
		{"intervention added", func(p *model.Problem) {
			add := p.Interventions[0]
			add.ID += "-bis"
			p.Interventions = append(p.Interventions, add)
		}},
		{"interventions cut", func(p *model.Problem) { p.Interventions = p.Interventions[:len(p.Interventions)-1] }},
		{"household replaced", func(p *model.Problem) {
			p.Households = append([]model.Household(nil), p.Households...)
			p.Households[0].Availability = nil
		}},
		{"deliveries replaced", func(p *model.Problem) { p.Deliveries = nil }},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			s := p.Clone()
			require.NoError(t, model.Validate(s))
			before := s.Typed()
			require.Same(t, before, s.Typed())
			c.change(s)
			after := s.Typed()
			assert.NotSame(t, before, after)
			agreeTyped(t, s, after)
			if model.Validate(s) == nil {
				assert.Same(t, s.Typed(), s.Typed(), "validated again, the new view is kept")
				agreeTyped(t, s, s.Typed())
			}
		})
	}

	// a validation that fails drops the view
	s := p.Clone()
	require.NoError(t, model.Validate(s))
	s.Operation.TimeZone = "Nowhere/Else"
	require.Error(t, model.Validate(s))
	s.Operation.TimeZone = p.Operation.TimeZone
	assert.NotSame(t, s.Typed(), s.Typed(), "no view is kept after a failed validation")
}

// TestTypedConcurrentReaders: readers of a kept view and of fresh views, section
// by section, in parallel (go test -race checks them).
func TestTypedConcurrentReaders(t *testing.T) {
	valid := gen.Generate(gen.Options{Dwellings: 12, Seed: 5})
	require.NoError(t, model.Validate(valid))
	fresh := gen.Generate(gen.Options{Dwellings: 12, Seed: 6})
	shared := fresh.Typed() // one fresh view, its sections built by whichever reader comes first
	var wg sync.WaitGroup
	results := make([][]model.TypedIntervention, 16)
	for g := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tv := valid.Typed()
			_ = tv.Households()
			_ = tv.Crews()
			_ = tv.Intervention(valid.Interventions[g%len(valid.Interventions)].ID)
			_ = shared.Pilots()
			_ = shared.Intervention(fresh.Interventions[0].ID)
			results[g] = shared.Interventions()
			_ = fresh.Typed().Deliveries()
		}()
	}
	wg.Wait()
	for g := range results {
		assert.Equal(t, &results[0][0], &results[g][0], "one slice of interventions for every reader")
	}
	agreeTyped(t, fresh, shared)
}

// FuzzTyped: the typed view of any decodable document, valid or not, never panics
// and agrees with the Parse functions.
func FuzzTyped(f *testing.F) {
	for _, name := range []string{"testdata/valid.json", "../testdata/invalid/invalid-rrule.json", "../testdata/invalid/bad-exdate.json", "../testdata/invalid/rrule-with-dtstart.json", "../testdata/invalid/delivery-without-date.json"} {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := model.DecodeBytes(data)
		if err != nil {
			if p, err = model.DecodeUnvalidated(bytes.NewReader(data)); err != nil {
				return
			}
		}
		agreeTyped(t, p, p.Typed())
	})
}
