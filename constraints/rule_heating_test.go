package constraints

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// TestHeatingSeason: D1's painting, made to cut heating, runs 25 hours (Monday
// 09:00 to Tuesday 10:00, March 2027). The verifier flags it against a limit of 24
// hours in the heating season only, and the search holds the stretch to the limit
// in minutes whenever the horizon meets the season.
func TestHeatingSeason(t *testing.T) {
	for _, tc := range []struct {
		name          string
		season        *model.Season
		hours         int
		broken, spans bool
	}{
		{"default season, 24 hours", nil, 24, true, true},
		{"default season, default 48 hours", nil, 0, false, true},
		{"season ending 7 March, the stretch starting on the 8th", &model.Season{From: "10-15", To: "03-07"}, 24, false, true},
		{"season ending 8 March, the stretch's first day", &model.Season{From: "10-15", To: "03-08"}, 24, true, true},
		{"summer season, outside the horizon", &model.Season{From: "06-01", To: "08-31"}, 24, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, pl := vtProblem(), vtPlan()
			p.Trades[3].CutsHeating = true
			p.Operation.Policy.HeatingSeason = tc.season
			if tc.hours > 0 {
				p.Operation.Policy.MaxHeatingCutHours = &tc.hours
			}
			require.NoError(t, model.Validate(p))
			broken := false
			for _, v := range Verify(p, pl) {
				broken = broken || v.Rule == NameHeating
			}
			assert.Equal(t, tc.broken, broken)
			cp, err := Compile(p)
			require.NoError(t, err)
			var heat []string
			for _, sp := range cp.Problem.Spans {
				if sp.Name == "D1/heating" || sp.Name == "D2/heating" {
					heat = append(heat, sp.Name)
					want := 48 * 60
					if tc.hours > 0 {
						want = tc.hours * 60
					}
					assert.Equal(t, want, sp.Max)
					assert.False(t, sp.Days)
				}
			}
			if tc.spans {
				assert.Equal(t, []string{"D1/heating", "D2/heating"}, heat, "D3 is vacant")
			} else {
				assert.Empty(t, heat)
			}
		})
	}
}

// TestHeatingReadmeExample: the README's example. With the default 48 hours, a
// radiator job of 1.5 working days from Monday 08:00 to Tuesday 12:00 (28 hours)
// passes; the same from Friday 13:00 to Monday 17:00 (76 hours) does not.
func TestHeatingReadmeExample(t *testing.T) {
	for _, tc := range []struct {
		name      string
		stretches []string
		broken    bool
	}{
		{"Monday to Tuesday", []string{"2027-03-15 08:00", "12:00", "2027-03-15 13:00", "17:00", "2027-03-16 08:00", "12:00"}, false},
		{"Friday to Monday", []string{"2027-03-19 13:00", "17:00", "2027-03-22 08:00", "12:00", "2027-03-22 13:00", "17:00"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, pl := vtProblem(), vtPlan()
			p.Trades = append(p.Trades, model.Trade{ID: "radiators", CutsHeating: true})
			p.Crews = append(p.Crews, model.Crew{ID: "RAD-1", Trades: []string{"radiators"}})
			p.Interventions = append(p.Interventions, model.Intervention{ID: "D2/radiators", Dwelling: "D2", Trade: "radiators", Duration: "1.5d", Access: model.AccessNone})
			pl.Assignments = append(pl.Assignments, vtA("D2/radiators", "RAD-1", "", tc.stretches...))
			require.NoError(t, model.Validate(p))
			var heat []Violation
			for _, v := range Verify(p, pl) {
				if v.Rule == NameHeating {
					heat = append(heat, v)
				}
			}
			assert.Equal(t, tc.broken, len(heat) > 0, "%v", heat)
		})
	}
}
