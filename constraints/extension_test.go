package constraints

import (
	"strings"
	"testing"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// noFridays is a hard rule written as a new rule would be: one type with its
// name, number, requirement, check, compile step and calendar part; nothing else
// of the package knows it.
type noFridays struct{}

var (
	_ Checker        = noFridays{}
	_ taskCalendarer = noFridays{}
)

func (noFridays) Name() string { return "no-fridays" }
func (noFridays) Number() int  { return 11 }
func (noFridays) Requires(lang Lang) string {
	return phrase{"no work on Fridays", "aucun travail le vendredi", false}.in(lang)
}

func (r noFridays) Check(v *Verification) []Violation {
	var out []Violation
	for _, pl := range v.placedSorted() {
		for _, s := range pl.Stretches {
			for _, d := range vfDates(s.Start, s.End, v.Loc) {
				if t, err := model.ParseDate(d, v.Loc); err == nil && t.Weekday() == time.Friday {
					out = append(out, vfViolation(r, pl.ID(), "works on Friday %s", d))
				}
			}
		}
	}
	return out
}

func (noFridays) taskCalendar(b *taskBuild) error {
	c := b.c
	var ws []solver.Window
	for i, d := range c.Problem.DayStarts {
		end := c.Problem.Horizon
		if i+1 < len(c.Problem.DayStarts) {
			end = c.Problem.DayStarts[i+1]
		}
		if c.Clock.Time(d).Weekday() != time.Friday {
			ws = append(ws, solver.Window{Start: d, End: end})
		}
	}
	b.addPart("no-fridays", phrase{"the days other than Friday", "les jours autres que le vendredi", true}, solver.NewCalendar(ws))
	return nil
}

// withRules runs the rest of the test with the registry made of rules.
func withRules(t *testing.T, rules ...Rule) {
	old := registry
	registry = mustRegistry(rules...)
	t.Cleanup(func() { registry = old })
}

// A rule added to the registry takes part in the checks, the compilation and the
// explanations, with no other change to the package.
func TestAddingARuleIsOneTypeAndOneRegistryLine(t *testing.T) {
	p := vtProblem()
	for i := range p.Interventions {
		if p.Interventions[i].ID == "D3/painting" {
			// only a Friday is left for it
			p.Interventions[i].Release, p.Interventions[i].Deadline = "2027-03-05", "2027-03-05"
		}
	}
	explain := func(lang Lang) []model.Reason {
		c, err := Compile(p)
		require.NoError(t, err)
		pl := make([]solver.Placement, len(c.Interventions))
		for i := range pl {
			pl[i] = solver.Placement{Reason: solver.ReasonNoWindow, Blocker: -1}
		}
		return c.ExplainIn(c.TaskOf["D3/painting"], pl, lang)
	}
	names := func(vs []Violation) string {
		var out []string
		for _, v := range vs {
			out = append(out, v.Rule+" "+v.Intervention)
		}
		return strings.Join(out, "\n")
	}
	// without the rule
	assert.NotContains(t, names(Verify(p, vtPlan())), "no-fridays")
	for _, r := range explain(English) {
		assert.NotEqual(t, "no-fridays", r.Rule)
	}

	withRules(t, append(All(), noFridays{})...)
	assert.Contains(t, names(Verify(p, vtPlan())), "no-fridays D3/painting", "D3/painting is placed on Friday 5 March")
	assert.Equal(t, 11, ruleNumber("no-fridays"))
	c, err := Compile(p)
	require.NoError(t, err)
	for i, d := range c.Problem.DayStarts {
		if c.Clock.Time(d).Weekday() == time.Friday && i+1 < len(c.Problem.DayStarts) {
			for ti, task := range c.Problem.Tasks {
				assert.Zero(t, task.Calendar.Work(d, c.Problem.DayStarts[i+1]), "task %s may work on a Friday", c.Interventions[ti].ID)
			}
		}
	}
	en, fr := explain(English), explain(French)
	require.NotEmpty(t, en)
	assert.Equal(t, "no-fridays", en[0].Rule)
	assert.Contains(t, en[0].Message, "The days other than Friday leave no")
	assert.Contains(t, fr[0].Message, "Les jours autres que le vendredi ne laissent")
}
