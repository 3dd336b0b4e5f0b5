package scheduler

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// An intervention blocked by both a water cut and a heating cut too long for
// the household: its explanation names both limits, in English and in French,
// and only the limits that apply (without a water limit, heating alone).
func TestExplanationNamesEveryLimit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		water bool
		rules []string
	}{
		{"water and heating", true, []string{"household-profile", "heating"}},
		{"heating only", false, []string{"heating"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// a boiler and pipes job of 1.5 working days in January (28 hours, 2 dates at best): over the 24
			// hours of heating and the 1 day of water the household allows
			p := ptTiny("2027-01-04", "2027-02-26", 1,
				[]model.Trade{{ID: "heating-plumbing", CutsHeating: true, CutsWater: true}},
				[]model.Crew{{ID: "HP-1", Trades: []string{"heating-plumbing"}}},
				[]model.Intervention{{ID: "D1/boiler", Dwelling: "D1", Trade: "heating-plumbing", Duration: "1.5d"}})
			hours := 24
			p.Operation.Policy.MaxHeatingCutHours = &hours
			if tc.water {
				p.Profiles = []model.Profile{{ID: "P-W", MaxWaterOutDays: 1}}
				p.Households[0].Profiles = []string{"P-W"}
			}
			require.NoError(t, model.Validate(p))
			for _, lang := range []Lang{English, French} {
				res, err := Solve(context.Background(), p, &Settings{WorkLimit: 4, Workers: 1, Lang: lang})
				require.NoError(t, err)
				require.Empty(t, Verify(p, res.Plan))
				require.Len(t, res.Plan.Unplaced, 1)
				var rules []string
				text := ""
				for _, r := range res.Plan.Unplaced[0].Reasons {
					rules = append(rules, r.Rule)
					text += r.Message + "\n"
				}
				assert.Equal(t, tc.rules, rules, "%s", text)
				switch {
				case lang == French:
					assert.Contains(t, text, "saison de chauffe")
					if tc.water {
						assert.Contains(t, text, "coupent l'eau")
					}
				default:
					assert.Contains(t, text, "24 hours without heating")
					if tc.water {
						assert.Contains(t, text, "cut water")
					}
				}
			}
		})
	}
}
