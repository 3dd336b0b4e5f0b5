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
