package constraints

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
)

// TestSketchFollowsTheCallersEffort: the sketch the stays are drawn from is one
// construction on one worker; under the caller's work limit no time limit cuts
// it (a slow machine would stop it elsewhere, and the stays would differ), under
// the caller's time limit it keeps that limit.
func TestSketchFollowsTheCallersEffort(t *testing.T) {
	for _, tc := range []struct {
		name   string
		effort SketchEffort
		limit  time.Duration
	}{
		{"work limit", SketchEffort{WorkLimit: 2000}, noTimeCut},
		{"work limit and a time limit", SketchEffort{WorkLimit: 2000, TimeLimit: time.Millisecond}, noTimeCut},
		{"time limit", SketchEffort{TimeLimit: 3 * time.Second}, 3 * time.Second},
		{"neither: the solver's default", SketchEffort{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := tc.effort.sketchSettings()
			assert.Equal(t, 1, set.WorkLimit)
			assert.Equal(t, 1, set.Workers)
			assert.True(t, set.NoBound)
			assert.Equal(t, tc.limit, set.TimeLimit)
		})
	}
	assert.Greater(t, noTimeCut, 100*365*24*time.Hour, "no construction reaches the sketch's limit under a work limit")
}

// TestSketchUnderAWorkLimitIsNotCutByTime: a time limit already spent (1 ns)
// stops a sketch at its first task (only the fixed appointments are placed), unless the caller runs under a work limit;
// a cancelled context stops it either way. Not timed: whether 1 ns is spent does
// not depend on the machine.
func TestSketchUnderAWorkLimitIsNotCutByTime(t *testing.T) {
	p := gen.Generate(gen.Options{Dwellings: 60, Seed: 1})
	needs := StayNeeds(p)
	require.NotEmpty(t, needs, "the operation has households that need a stay")
	full := sketch(context.Background(), p, needs, SketchEffort{}, nil)
	require.NotEmpty(t, full)
	spent := time.Nanosecond
	assert.Equal(t, full, sketch(context.Background(), p, needs, SketchEffort{WorkLimit: 2000, TimeLimit: spent}, nil))
	// cut, it has only the appointments fixed before the construction began
	assert.NotEqual(t, full, sketch(context.Background(), p, needs, SketchEffort{TimeLimit: spent}, nil), "the caller's time limit is kept")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.NotEqual(t, full, sketch(ctx, p, needs, SketchEffort{WorkLimit: 2000}, nil), "a cancelled context stops the sketch")
}

// TestLengthenStays: a short planned stay ends days later, but never within the
// cleaning days of the next stay in its unit, after the unit's available_to or
// after the end of the operation; the others stay as they are.
func TestLengthenStays(t *testing.T) {
	p := gen.Generate(gen.Options{Dwellings: 60, Seed: 1})
	require.NoError(t, model.Validate(p))
	require.Len(t, p.RelocationUnits, 2)
	p.RelocationUnits = append(p.RelocationUnits, model.RelocationUnit{ID: "RU-T3", AvailableTo: "2027-04-03"}, model.RelocationUnit{ID: "RU-T4"})
	c := p.Operation.Rehousing.CleaningDaysOf()
	require.Equal(t, 2, c, "the dates below count 2 cleaning days")
	u := func(i int) string { return p.RelocationUnits[i].ID }
	stay := func(h string, unit int, from, to string, planned bool) model.Stay {
		return model.Stay{Household: h, Unit: u(unit), From: from, To: to, Planned: planned}
	}
	for _, tc := range []struct {
		name    string
		stays   []model.Stay
		short   []string
		want    []string // each stay's To
		changed bool
		booked  []model.Relocation // stays p books besides its own
		shift   bool               // planned stays may start later
	}{
		{"by the days asked", []model.Stay{stay("HA", 0, "2027-03-01", "2027-03-10", true)}, []string{"HA"}, []string{"2027-03-17"}, true, nil, false},
		{"only the short ones", []model.Stay{stay("HA", 0, "2027-03-01", "2027-03-10", true), stay("HB", 1, "2027-03-01", "2027-03-10", true)}, []string{"HB"},
			[]string{"2027-03-10", "2027-03-17"}, true, nil, false},
		{"the cleaning days before the next stay in the unit", []model.Stay{stay("HA", 0, "2027-03-01", "2027-03-10", true), stay("HB", 0, "2027-03-16", "2027-03-30", true)},
			[]string{"HA", "HB"}, []string{"2027-03-13", "2027-04-06"}, true, nil, false},
		{"the unit's available_to", []model.Stay{stay("HC", 2, "2027-03-20", "2027-04-01", true)}, []string{"HC"}, []string{"2027-04-03"}, true, nil, false},
		{"the end of the operation", []model.Stay{stay("HD", 3, "2027-10-01", p.Operation.End, true)}, []string{"HD"}, []string{p.Operation.End}, false, nil, false},
		{"a stay the problem books", []model.Stay{stay("HE", 0, "2027-03-01", "2027-03-10", false)}, []string{"HE"}, []string{"2027-03-10"}, false, nil, false},
		{"next to the cleaning days already", []model.Stay{stay("HA", 0, "2027-03-01", "2027-03-10", true), stay("HB", 0, "2027-03-13", "2027-03-30", true)},
			[]string{"HA"}, []string{"2027-03-10", "2027-03-30"}, false, nil, false},
		// a booked stay is read as the problem reads it: a moment with an offset
		// at its local date (23:30Z is 00:30 on the 16th in Paris), a date as its day
		{"the cleaning days before a booked stay from a moment", []model.Stay{stay("HA", 3, "2027-03-01", "2027-03-10", true)}, []string{"HA"},
			[]string{"2027-03-13"}, true, []model.Relocation{{Household: "HX", Unit: "RU-T4", From: "2027-03-15T23:30:00Z", To: "2027-03-30T10:00"}}, false},
		{"the cleaning days before a booked stay from a date", []model.Stay{stay("HA", 3, "2027-03-01", "2027-03-10", true)}, []string{"HA"},
			[]string{"2027-03-12"}, true, []model.Relocation{{Household: "HX", Unit: "RU-T4", From: "2027-03-15", To: "2027-03-30"}}, false},
		{"a booked stay before does not bind", []model.Stay{stay("HA", 3, "2027-03-12", "2027-03-20", true)}, []string{"HA"},
			[]string{"2027-03-27"}, true, []model.Relocation{{Household: "HX", Unit: "RU-T4", From: "2027-03-01", To: "2027-03-09T00:00"}}, false},
		// the next household's stay, planned, starts later (on a weekday) and
		// ends as many days later, when the unit allows its new end
		{"the next planned stay starts later, on the Monday", []model.Stay{stay("HA", 3, "2027-03-01", "2027-03-10", true), stay("HB", 3, "2027-03-13", "2027-03-30", true)},
			[]string{"HA"}, []string{"2027-03-17", "2027-04-08"}, true, nil, true},
		{"the next planned stay a week later", []model.Stay{stay("HA", 3, "2027-03-01", "2027-03-12", true), stay("HB", 3, "2027-03-15", "2027-03-30", true)},
			[]string{"HA"}, []string{"2027-03-19", "2027-04-06"}, true, nil, true},
		{"no room for the next planned stay's new end", []model.Stay{stay("HA", 2, "2027-03-01", "2027-03-10", true), stay("HB", 2, "2027-03-13", "2027-03-30", true)},
			[]string{"HA"}, []string{"2027-03-10", "2027-03-30"}, false, nil, true},
		{"a booked stay does not move", []model.Stay{stay("HA", 3, "2027-03-01", "2027-03-10", true)}, []string{"HA"},
			[]string{"2027-03-12"}, true, []model.Relocation{{Household: "HX", Unit: "RU-T4", From: "2027-03-15", To: "2027-03-30"}}, true},
		{"not without Shift", []model.Stay{stay("HA", 3, "2027-03-01", "2027-03-10", true), stay("HB", 3, "2027-03-13", "2027-03-30", true)},
			[]string{"HA"}, []string{"2027-03-10", "2027-03-30"}, false, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			short := map[string]bool{}
			for _, h := range tc.short {
				short[h] = true
			}
			before := slices.Clone(tc.stays)
			p := p.Clone()
			p.Relocations = append(p.Relocations, tc.booked...)
			l := Lengthening{Lengthen: func(st model.Stay) bool { return short[st.Household] }, Days: 7}
			if tc.shift {
				l.Shift = func(model.Stay) bool { return true }
			}
			out, changed := LengthenStays(p, tc.stays, l)
			assert.Equal(t, before, tc.stays, "the stays given are not changed")
			var got []string
			for _, st := range out {
				got = append(got, st.To)
			}
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.changed, changed)
		})
	}
}
