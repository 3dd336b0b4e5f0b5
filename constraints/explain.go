package constraints

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// Explain says, in a pilot's words, why task t was left unplaced, naming the rules
// that block it. Nothing of a household's health is said beyond a profile's id.
func (c *Compiled) Explain(t int, pl []solver.Placement) []model.Reason {
	p := pl[t]
	iv := c.Interventions[t]
	switch p.Reason {
	case solver.ReasonPredecessor:
		pred := "an earlier intervention"
		if p.Blocker >= 0 {
			pred = fmt.Sprintf("%q", c.Interventions[p.Blocker].ID)
		}
		return []model.Reason{{Rule: NameTradeSequence, Message: fmt.Sprintf("%s must come after %s, which could not be placed", iv.ID, pred)}}
	case solver.ReasonMaxLag:
		return []model.Reason{{Rule: NameTradeSequence, Message: fmt.Sprintf("%s cannot start soon enough after the trade before it (maximum lag)", iv.ID)}}
	case solver.ReasonSpan:
		return []model.Reason{{Rule: NameHouseholdProfile, Message: fmt.Sprintf("the works that cut water in dwelling %s cannot fit in the days the household's profile allows", iv.Dwelling)}}
	case solver.ReasonDayLimit:
		return []model.Reason{{Rule: NameHouseholdProfile, Message: fmt.Sprintf("no day is left before the deadline within the household's limit of interventions per day or disturbed days per week (dwelling %s)", iv.Dwelling)}}
	case solver.ReasonTimeout:
		return []model.Reason{{Rule: "search", Message: "the search stopped (time limit or cancellation) before placing it"}}
	case solver.ReasonResources:
		return c.explainBusy(t, p)
	}
	lo, after := c.earliestStart(t, pl)
	task := &c.Problem.Tasks[t]
	hi := c.Problem.Horizon
	what := "the end of the operation"
	if task.Deadline > 0 && task.Deadline < hi {
		hi, what = task.Deadline, "its deadline "+c.Clock.Time(task.Deadline).Format("2006-01-02 15:04")
	}
	if lo+task.Duration > hi {
		if after >= 0 {
			msg := fmt.Sprintf("%s may start only after %q ends (%s), too late to finish by %s", iv.ID, c.Interventions[after].ID, c.Clock.Time(lo).Format("2006-01-02 15:04"), what)
			return []model.Reason{{Rule: NameTradeSequence, Message: msg}, {Rule: NameReleaseDeadline, Message: msg}}
		}
		return []model.Reason{{Rule: NameReleaseDeadline, Message: fmt.Sprintf("%s may start only from %s (release date, delivery, or the notice owed to the household), too late to finish by %s", iv.ID, c.Clock.Time(lo).Format("2006-01-02 15:04"), what)}}
	}
	if rs := c.explainWindows(t, lo); len(rs) > 0 {
		return rs
	}
	return []model.Reason{{Rule: NameReleaseDeadline, Message: fmt.Sprintf("%s cannot be placed between its release and its deadline or the end of the operation", iv.ID)}}
}

func (c *Compiled) explainBusy(t int, p solver.Placement) []model.Reason {
	iv := c.Interventions[t]
	task := &c.Problem.Tasks[t]
	dl := "the end of the operation"
	if task.Deadline > 0 {
		dl = "its deadline " + c.Clock.Time(task.Deadline).Format("2006-01-02 15:04")
	}
	r := p.Blocker
	switch {
	case r >= c.firstDwelling:
		return []model.Reason{{Rule: NameDwellingCapacity, Message: fmt.Sprintf("dwelling %s already has as many crews as it can take whenever %s could run before %s", iv.Dwelling, iv.ID, dl)}}
	case r >= c.firstPilot:
		return []model.Reason{{Rule: NamePilotOfficeHours, Message: fmt.Sprintf("the pilot is busy elsewhere in every office-hour slot before %s", dl)}}
	}
	var ids []string
	if k := c.crewDemand[t]; k >= 0 {
		for _, a := range task.Demands[k].Alternatives {
			ids = append(ids, c.Crews[a].ID)
		}
	}
	return []model.Reason{{Rule: NameCrewCalendar, Message: fmt.Sprintf("every crew able to do %s (%s) is busy in every possible slot before %s", iv.Trade, strings.Join(ids, ", "), dl)}}
}

// explainWindows finds which rules' calendars leave no room for the task between
// its release and its deadline: first each rule alone, then the smallest prefix of
// rules (in the order they narrow the time) whose intersection has no room.
func (c *Compiled) explainWindows(t, lo int) []model.Reason {
	iv := c.Interventions[t]
	task := &c.Problem.Tasks[t]
	hi := c.Problem.Horizon
	if task.Deadline > 0 && task.Deadline < hi {
		hi = task.Deadline
	}
	parts := append([]part(nil), c.parts[t]...)
	parts = append(parts, part{NameReleaseDeadline, "its release date, deliveries and deadline", solver.NewCalendar([]solver.Window{{Start: lo, End: hi}})})
	// resource calendars: the union over alternatives of each demand
	for k, dm := range task.Demands {
		if dm.Amount == 0 {
			continue
		}
		var ws []solver.Window
		always := false
		for _, a := range dm.Alternatives {
			cal := c.Problem.Resources[a].Calendar
			if cal == nil {
				always = true
				break
			}
			ws = append(ws, cal.Windows()...)
		}
		if always {
			continue
		}
		switch k {
		case c.crewDemand[t]:
			parts = append(parts, part{NameCrewCalendar, fmt.Sprintf("the working days of the crews able to do %s", iv.Trade), solver.NewCalendar(ws)})
		case c.pilotDemand[t]:
			parts = append(parts, part{NamePilotOfficeHours, "the pilot's office hours", solver.NewCalendar(ws)})
		}
	}
	fits := func(cal *solver.Calendar) bool {
		cal = solver.Clip(cal, lo, hi)
		if task.Contiguous {
			_, ok := cal.FitContiguous(lo, task.Duration)
			return ok
		}
		return cal.Work(lo, hi) >= task.Duration
	}
	what := durationText(task.Duration)
	for _, pt := range parts {
		if !fits(pt.cal) {
			return []model.Reason{{Rule: pt.rule, Message: fmt.Sprintf("%s leave no %s for %s between %s", capital(pt.what), what, iv.ID, c.spanText(lo, hi))}}
		}
	}
	var acc *solver.Calendar
	for i, pt := range parts {
		acc = solver.Intersect(acc, pt.cal)
		if fits(acc) {
			continue
		}
		// the parts up to i conflict; name the smallest set that does
		involved := []part{pt}
		for j := i - 1; j >= 0; j-- {
			var rest *solver.Calendar
			for _, q := range involved {
				rest = solver.Intersect(rest, q.cal)
			}
			if !fits(rest) {
				break
			}
			involved = append(involved, parts[j])
		}
		sort.SliceStable(involved, func(a, b int) bool { return ruleNumber(involved[a].rule) < ruleNumber(involved[b].rule) })
		var texts []string
		seen := map[string]bool{}
		var reasons []model.Reason
		for _, q := range involved {
			texts = append(texts, q.what)
		}
		msg := fmt.Sprintf("%s together leave no %s for %s between %s", capital(strings.Join(texts, " and ")), what, iv.ID, c.spanText(lo, hi))
		for _, q := range involved {
			if !seen[q.rule] {
				seen[q.rule] = true
				reasons = append(reasons, model.Reason{Rule: q.rule, Message: msg})
			}
		}
		return reasons
	}
	return nil
}

func (c *Compiled) spanText(lo, hi int) string {
	return c.Clock.Time(lo).Format("2006-01-02") + " and " + c.Clock.Time(hi).Format("2006-01-02")
}

func durationText(m int) string {
	if m < 60 {
		return fmt.Sprintf("%d-minute slot", m)
	}
	if m%60 == 0 {
		return fmt.Sprintf("%dh of time", m/60)
	}
	return fmt.Sprintf("%dh%02d of time", m/60, m%60)
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func ruleNumber(name string) int {
	for _, r := range All() {
		if r.Name() == name {
			return r.Number()
		}
	}
	return 99
}

// earliestStart is the earliest start of task t allowed by its release, deliveries
// and placed predecessors, and the predecessor that sets it (-1 if none).
func (c *Compiled) earliestStart(t int, pl []solver.Placement) (int, int) {
	lo, after := c.Problem.Tasks[t].Release, -1
	for _, pr := range c.Problem.Precedences {
		if pr.To != t || !pl[pr.From].Placed {
			continue
		}
		at := pl[pr.From].End + pr.MinLag
		if pr.LagCalendar != nil && pr.MinLag > 0 {
			if _, e, ok := pr.LagCalendar.Advance(pl[pr.From].End, pr.MinLag); ok {
				at = e
			}
		}
		if at > lo {
			lo, after = at, pr.From
		}
	}
	return lo, after
}
