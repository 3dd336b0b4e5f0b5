package constraints

import (
	"fmt"
	"strings"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// startSlack: a constraint binds a placed task when it allows no more than an
// hour earlier.
const startSlack = 60

// ExplainPlaced says why placed task t stands where it does, that is what keeps it
// from starting earlier: the release (date, delivery, or notice owed), the
// interventions it must follow, the resources busy just before it, and otherwise
// the calendars it must fit in. A fixed task is explained by its status.
func (c *Compiled) ExplainPlaced(t int, pl []solver.Placement) []model.Reason {
	return c.ExplainPlacedIn(t, pl, English)
}

// ExplainPlacedIn is ExplainPlaced in language lang (English unless lang is French).
func (c *Compiled) ExplainPlacedIn(t int, pl []solver.Placement, lang Lang) []model.Reason {
	p := pl[t]
	iv := c.Interventions[t]
	task := &c.Problem.Tasks[t]
	fr := lang == French
	at := func(m int) string { return c.Clock.Time(m).Format("2006-01-02 15:04") }
	frat := func(m int) string { return frAt(c.Clock.Time(m)) }
	if !p.Placed {
		return c.ExplainIn(t, pl, lang)
	}
	var out []model.Reason
	for _, r := range registry.list {
		if se, ok := r.(startExplainer); ok {
			rs, alone := se.explainStart(c, t, pl, lang)
			if alone {
				return rs
			}
			out = append(out, rs...)
		}
	}
	const slack = startSlack
	for _, pr := range c.Problem.Precedences {
		if pr.To != t || !pl[pr.From].Placed {
			continue
		}
		e := pl[pr.From].End + pr.MinLag
		if pr.LagCalendar != nil && pr.MinLag > 0 {
			if _, ee, ok := pr.LagCalendar.Advance(pl[pr.From].End, pr.MinLag); ok {
				e = ee
			}
		}
		if e >= p.Start-slack {
			msg := fmt.Sprintf("%s comes after %s, which ends %s", iv.ID, c.Interventions[pr.From].ID, at(pl[pr.From].End))
			if e > pl[pr.From].End {
				msg += fmt.Sprintf(", and must wait until %s (drying or lag)", at(e))
			}
			if fr {
				msg = fmt.Sprintf("%s vient après %s, qui finit le %s", iv.ID, c.Interventions[pr.From].ID, frat(pl[pr.From].End))
				if e > pl[pr.From].End {
					msg += fmt.Sprintf(", et doit attendre le %s (séchage ou délai)", frat(e))
				}
			}
			out = append(out, model.Reason{Rule: NameTradeSequence, Message: msg})
		}
	}
	// the crew, pilot or dwelling busy right before
	for k, r := range p.Choice {
		if k >= len(task.Demands) || task.Demands[k].Amount == 0 {
			continue
		}
		owner := c.ownerOf(r)
		if owner == nil {
			continue
		}
		for u := range pl {
			q := pl[u]
			if u == t || !q.Placed || q.End > p.Start || q.End < p.Start-slack {
				continue
			}
			for _, r2 := range q.Choice {
				if r2 == r {
					busy := owner.busyWith(c, r, c.Interventions[u].ID, lang)
					msg := fmt.Sprintf("%s until %s", busy, at(q.End))
					if fr {
						msg = fmt.Sprintf("%s jusqu'au %s, juste avant %s", busy, frat(q.End), iv.ID)
					}
					out = append(out, model.Reason{Rule: owner.Name(), Message: msg})
				}
			}
		}
	}
	if len(out) == 0 {
		out = append(out, c.explainWindows(t, max(0, p.Start-7*24*60), lang)...)
	}
	if len(out) == 0 {
		cals := c.calendarsOf(t, lang)
		msg := fmt.Sprintf("%s starts at the first time its calendars allow: %s", iv.ID, strings.Join(cals[:len(cals)-1], ", ")+" and "+cals[len(cals)-1])
		if fr {
			msg = fmt.Sprintf("%s commence au premier moment que permettent ses calendriers : %s", iv.ID, frList(cals))
		}
		out = append(out, model.Reason{Rule: NameCrewCalendar, Message: msg})
	}
	return out
}

// calendarsOf names the calendars that bound task t, in lang: the crew's hours
// when a crew does it, the task's own calendars (the household's availability, a
// profile's hours...), the pilot's office hours when the pilot comes, and the
// holidays last. There are always at least two (the holidays bound every task).
func (c *Compiled) calendarsOf(t int, lang Lang) []string {
	var out []string
	if c.crewDemand[t] >= 0 {
		out = append(out, phrase{"the crew's hours", "les horaires de l'équipe", true}.in(lang))
	}
	var holidays string
	seen := map[string]bool{}
	for _, pt := range c.parts[t] {
		w := pt.what.in(lang)
		switch {
		case pt.what.en == "public holidays":
			holidays = w
		case !seen[w]:
			seen[w] = true
			out = append(out, w)
		}
	}
	if c.pilotDemand[t] >= 0 {
		out = append(out, phrase{"the pilot's office hours", "les horaires de bureau du pilote", true}.in(lang))
	}
	if holidays == "" {
		holidays = phrase{"public holidays", "les jours fériés", true}.in(lang)
	}
	return append(out, holidays)
}
