package constraints

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rehabplan/rehabplan/model"
)

// TestSnags: accepted on Wednesday 10 March, a snag is cleared by the end of 9
// April (30 days); the 10th is too late. The search orders the three visits and
// bounds the acceptance and the return visit to 31 dates.
func TestSnags(t *testing.T) {
	for _, tc := range []struct {
		name, snagAt, snagEnd string
		days                  int
		broken                bool
	}{
		{"on the last day", "2027-04-09 09:00", "11:00", 0, false},
		{"a day late", "2027-04-12 09:00", "11:00", 0, true},
		{"a deadline of 45 days", "2027-04-12 09:00", "11:00", 45, false},
		{"before the acceptance ends", "2027-03-10 10:30", "12:30", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, pl := vtProblem(), vtPlan()
			vtSnags(p)
			vtSnagPlan(pl)
			if tc.days > 0 {
				p.Operation.Policy.SnagDeadlineDays = &tc.days
			}
			vtMove(pl, "D1/snag", tc.snagAt, tc.snagEnd)
			require.NoError(t, model.Validate(p))
			var snags []Violation
			for _, v := range Verify(p, pl) {
				if v.Rule == NameSnags {
					snags = append(snags, v)
				}
			}
			assert.Equal(t, tc.broken, len(snags) > 0, "%v", snags)
			if tc.name == "on the last day" {
				assert.Empty(t, Verify(p, pl), "the plan with its snag keeps every rule")
			}

			cp, err := Compile(p)
			require.NoError(t, err)
			acc, snag, check := cp.TaskOf["D1/acceptance"], cp.TaskOf["D1/snag"], cp.TaskOf["D1/snag-check"]
			var order int
			for _, pr := range cp.Problem.Precedences {
				if pr.From == acc && pr.To == snag || pr.From == snag && pr.To == check {
					order++
				}
			}
			assert.Equal(t, 2, order)
			found := false
			for _, sp := range cp.Problem.Spans {
				if sp.Name == "D1/snag/snag" {
					found = true
					want := 31
					if tc.days > 0 {
						want = tc.days + 1
					}
					assert.Equal(t, want, sp.Max)
					assert.True(t, sp.Days)
					assert.ElementsMatch(t, []int{acc, snag}, sp.Tasks)
				}
			}
			assert.True(t, found)
		})
	}
}
