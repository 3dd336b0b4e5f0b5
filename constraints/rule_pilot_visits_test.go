package constraints

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// TestPilotVisits: D1's works end Tuesday 9 March 10:00 (its painting). A survey
// comes 6 weeks (elapsed) after the acceptance visit, or after the works when the dwelling
// has none; the diagnostic (D1/visit made one) comes before every works, not
// before the other visits. The search compiles the same pairs.
func TestPilotVisits(t *testing.T) {
	for _, tc := range []struct {
		name       string
		acceptance string // when set, D1's acceptance visit at this time (1h)
		survey     string
		broken     bool
	}{
		// 6 weeks elapsed, over the change to summer time: 11:00 local
		{"survey 6 weeks after the works", "", "2027-04-20 11:00", false},
		{"survey at the same local time, an hour short", "", "2027-04-20 10:00", true},
		{"survey 6 weeks after the acceptance", "2027-03-10 10:00", "2027-04-21 12:00", false},
		{"survey 6 weeks after the works, not after the acceptance", "2027-03-10 10:00", "2027-04-20 11:00", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, pl := vtProblem(), vtPlan()
			p.Trades[0].Stage = model.StageDiagnostic
			p.Trades = append(p.Trades, model.Trade{ID: "survey", PilotOnly: true, Stage: model.StageSurvey},
				model.Trade{ID: "acceptance", PilotOnly: true, Stage: model.StageAcceptance, Access: model.AccessTenant})
			p.Interventions = append(p.Interventions, model.Intervention{ID: "D1/survey", Dwelling: "D1", Trade: "survey", Duration: "1h"})
			pl.Assignments = append(pl.Assignments, vtA("D1/survey", "", "PIL-1", tc.survey, tc.survey[:11]+add1h(tc.survey[11:])))
			if tc.acceptance != "" {
				p.Interventions = append(p.Interventions, model.Intervention{ID: "D1/acceptance", Dwelling: "D1", Trade: "acceptance", Duration: "1h"})
				pl.Assignments = append(pl.Assignments, vtA("D1/acceptance", "", "PIL-1", tc.acceptance, tc.acceptance[:11]+add1h(tc.acceptance[11:])))
			}
			require.NoError(t, model.Validate(p))
			var got []string
			for _, v := range Verify(p, pl) {
				got = append(got, v.String())
			}
			broken := false
			for _, v := range Verify(p, pl) {
				broken = broken || v.Rule == NamePilotVisits
			}
			assert.Equal(t, tc.broken, broken, "%v", got)

			cp, err := Compile(p)
			require.NoError(t, err)
			pairs := map[[2]string]int{}
			for _, pr := range cp.Problem.Precedences {
				a, b := cp.Interventions[pr.From], cp.Interventions[pr.To]
				if cp.Index.StageOf(a) != "" || cp.Index.StageOf(b) != "" {
					pairs[[2]string{a.ID, b.ID}] = pr.MinLag
				}
			}
			for _, w := range []string{"D1/plumbing", "D1/electrics", "D1/painting"} {
				assert.Contains(t, pairs, [2]string{"D1/visit", w})
			}
			assert.NotContains(t, pairs, [2]string{"D1/visit", "D1/survey"})
			if tc.acceptance != "" {
				assert.Equal(t, 6*7*1440, pairs[[2]string{"D1/acceptance", "D1/survey"}])
				assert.NotContains(t, pairs, [2]string{"D1/painting", "D1/survey"})
			} else {
				assert.Equal(t, 6*7*1440, pairs[[2]string{"D1/painting", "D1/survey"}])
			}
		})
	}
}

func add1h(hhmm string) string {
	h := int(hhmm[0]-'0')*10 + int(hhmm[1]-'0') + 1
	return string(rune('0'+h/10)) + string(rune('0'+h%10)) + hhmm[2:]
}
