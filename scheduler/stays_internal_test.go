package scheduler

import (
	"testing"
	"time"

	"github.com/rehabplan/rehabplan/gen"
	"github.com/rehabplan/rehabplan/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExtendStays: a replan lengthens the planned stays not begun by
// stayExtensionDays, up to the cleaning days before the next stay in the unit,
// a booked one read as the problem reads it (constraints.LengthenStays, the one
// implementation); a stay whose household moved out stays as it is.
func TestExtendStays(t *testing.T) {
	p := gen.Generate(gen.Options{Dwellings: 60, Seed: 1})
	require.NoError(t, model.Validate(p))
	p.RelocationUnits = append(p.RelocationUnits, model.RelocationUnit{ID: "RU-X"})
	require.Equal(t, 2, p.Operation.Rehousing.CleaningDaysOf(), "the dates below count 2 cleaning days")
	loc := p.Typed().Loc
	now := time.Date(2027, 3, 5, 12, 0, 0, 0, loc)
	stay := model.Stay{Household: "HA", Dwelling: "DA", Unit: "RU-X", From: "2027-03-08", To: "2027-03-20",
		Planned: true, MoveOut: "DA/move-out", MoveBack: "DA/move-back"}
	for _, tc := range []struct {
		name    string
		booked  []model.Relocation
		moveOut string // the move out's start in the old plan, "" for none
		want    string
	}{
		{"not placed: lengthened", nil, "", "2027-04-17"},
		{"not begun: lengthened", nil, "2027-03-08T08:00:00+01:00", "2027-04-17"},
		{"moved out: as it was", nil, "2027-03-05T08:00:00+01:00", "2027-03-20"},
		// 23:30Z on the 29th is 01:30 on the 30th in Paris (summer time): the stay
		// may end on the 27th, two cleaning days before
		{"a booked stay from a moment", []model.Relocation{{Household: "HX", Unit: "RU-X", From: "2027-03-29T23:30:00Z", To: "2027-04-20"}}, "", "2027-03-27"},
		{"a booked stay from a date", []model.Relocation{{Household: "HX", Unit: "RU-X", From: "2027-03-30", To: "2027-04-20"}}, "", "2027-03-27"},
		{"a booked stay in another unit", []model.Relocation{{Household: "HX", Unit: p.RelocationUnits[0].ID, From: "2027-03-25", To: "2027-04-20"}}, "", "2027-04-17"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := p.Clone()
			q.Relocations = append(q.Relocations, tc.booked...)
			old := &model.Plan{Stays: []model.Stay{stay}}
			if tc.moveOut != "" {
				old.Assignments = []model.Assignment{{Intervention: stay.MoveOut, Start: tc.moveOut}}
			}
			got := extendStays(q, old, now)
			require.Len(t, got.Stays, 1)
			assert.Equal(t, tc.want, got.Stays[0].To)
			assert.Equal(t, "2027-03-20", old.Stays[0].To, "the old plan is not changed")
		})
	}
}
