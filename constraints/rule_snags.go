package constraints

import (
	"fmt"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// Snags is rule 13: a snag found at the acceptance visit becomes a return visit of
// its trade after it, done within the policy's days, followed by the pilot's check.
type Snags struct{}

// NameSnags is Snags' name.
const NameSnags = "snags"

var _ Checker = Snags{}

func (Snags) Name() string { return NameSnags }
func (Snags) Number() int  { return 13 }

// Requires says what the rule requires, in lang.
func (Snags) Requires(lang Lang) string {
	return phrase{
		"a snag's return visit comes after the acceptance visit and ends within the policy's days of its date, and the pilot's check comes after the return visit",
		"la reprise d'une réserve suit la réception et s'achève dans le délai prévu après sa date, et la vérification du pilote suit la reprise", false}.in(lang)
}

var (
	_ precedenceCompiler = Snags{}
	_ termCompiler       = Snags{}
	_ unplacedExplainer  = Snags{}
)

// compilePrecedences: the acceptance visit before each of its return visits, each
// return visit before its checks.
func (Snags) compilePrecedences(c *Compiled, g *taskGroups) error {
	sp := c.Problem
	for t, iv := range c.Interventions {
		ref := iv.SnagOf
		if ref == "" {
			ref = iv.CheckOf
		}
		if ref == "" {
			continue
		}
		if f, ok := c.TaskOf[ref]; ok {
			sp.Precedences = append(sp.Precedences, solver.Precedence{From: f, To: t, MaxLag: -1})
		}
	}
	return nil
}

// compileTerms: from the start of the acceptance visit to the end of the return
// visit, at most the deadline's days plus the acceptance's own date.
func (Snags) compileTerms(c *Compiled, g *taskGroups) error {
	sp := c.Problem
	days := c.Model.SnagDeadlineDays()
	for t, iv := range c.Interventions {
		if iv.SnagOf == "" {
			continue
		}
		if f, ok := c.TaskOf[iv.SnagOf]; ok {
			sp.Spans = append(sp.Spans, solver.SpanLimit{Name: iv.ID + "/snag", Tasks: []int{f, t}, Max: days + 1, Days: true})
		}
	}
	return nil
}

// isSnagLink reports whether the rule orders task from before task to: the
// acceptance visit before its return visit, the return visit before its check.
func isSnagLink(c *Compiled, from, to int) bool {
	iv, ref := c.Interventions[to], c.Interventions[from].ID
	return iv.SnagOf == ref || iv.CheckOf == ref
}

// explainUnplaced: the return visit cannot be done in time, or waits for what
// could not be placed.
func (Snags) explainUnplaced(c *Compiled, t int, p solver.Placement, lang Lang) ([]model.Reason, bool) {
	iv := c.Interventions[t]
	if p.Reason == solver.ReasonPredecessor && p.Blocker >= 0 && isSnagLink(c, p.Blocker, t) {
		ref := c.Interventions[p.Blocker].ID
		if iv.CheckOf != "" {
			return []model.Reason{{Rule: NameSnags, Message: phrase{
				fmt.Sprintf("the pilot's check %s follows the return visit %s, which could not be placed", iv.ID, ref),
				fmt.Sprintf("La vérification du pilote %s suit la reprise %s, qui n'a pas pu être placée", iv.ID, ref), false}.in(lang)}}, true
		}
		return []model.Reason{{Rule: NameSnags, Message: phrase{
			fmt.Sprintf("the return visit %s follows the acceptance visit %s, which could not be placed", iv.ID, ref),
			fmt.Sprintf("La reprise %s suit la réception %s, qui n'a pas pu être placée", iv.ID, ref), false}.in(lang)}}, true
	}
	if p.Reason != solver.ReasonSpan || iv.SnagOf == "" {
		return nil, false
	}
	days := c.Model.SnagDeadlineDays()
	return []model.Reason{{Rule: NameSnags, Message: phrase{
		fmt.Sprintf("the return visit %s cannot be done within %d days of the acceptance visit %s", iv.ID, days, iv.SnagOf),
		fmt.Sprintf("La reprise %s ne peut pas être faite dans les %d jours qui suivent la réception %s", iv.ID, days, iv.SnagOf), false}.in(lang)}}, true
}

// Check verifies rule 13. A return visit (snag_of) placed starts no earlier than
// its acceptance visit ends, and ends no later than the end of the local date
// SnagDeadlineDays days after the date the acceptance visit starts (30 days:
// accepted on 4 March, done by 3 April 24:00). A check (check_of) placed starts no
// earlier than its return visit ends. Either placed while what it follows is not
// is a violation.
func (r Snags) Check(v *Verification) []Violation {
	var out []Violation
	days := v.Problem.SnagDeadlineDays()
	for _, pl := range v.placedSorted() {
		iv := pl.Intervention
		if iv == nil || iv.SnagOf == "" && iv.CheckOf == "" {
			continue
		}
		ref, what := iv.SnagOf, "the acceptance visit"
		if ref == "" {
			ref, what = iv.CheckOf, "the return visit"
		}
		if v.Assigned[ref] == nil {
			out = append(out, vfViolation(r, iv.ID, "placed although %s %s, which it follows, is not placed", what, ref))
			continue
		}
		pa, ok := v.Placed[ref]
		if !ok {
			continue
		}
		if pl.Start.Before(pa.End) {
			out = append(out, vfViolation(r, iv.ID, "starts %s, before %s %s ends (%s)", v.at(pl.Start), what, ref, v.at(pa.End)))
		}
		if iv.SnagOf != "" {
			if n := len(vfDays(pa.Start, pl.End, v.Loc)); n > days+1 {
				out = append(out, vfViolation(r, iv.ID, "ends %s, %d days after the date of the acceptance visit %s, more than the %d days to clear a snag",
					v.at(pl.End), n-1, ref, days))
			}
		}
	}
	return out
}
