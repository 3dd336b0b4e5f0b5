package constraints

import (
	"fmt"
	"strings"
	"time"

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
		out = append(out, c.explainFewerDays(t, pl, lang)...)
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

// explainFewerDays says why placed task t waits for the start of a later day
// when it could have begun earlier (its predecessors and resources free, its
// calendars open): begun then, its work would touch more days, and the search
// keeps the household's days with works few (the disturbed-days goal). Nothing
// when that is not the case.
func (c *Compiled) explainFewerDays(t int, pl []solver.Placement, lang Lang) []model.Reason {
	p := pl[t]
	task := &c.Problem.Tasks[t]
	if task.Fixed || task.Duration == 0 {
		return nil
	}
	// ready: when its predecessors and the resources it uses had let it begin
	ready, rule := task.Release, NameCrewCalendar
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
		if e > ready {
			ready, rule = e, NameTradeSequence
		}
	}
	for u := range pl {
		q := pl[u]
		if u == t || !q.Placed || q.End > p.Start || q.End <= ready {
			continue
		}
		for _, r2 := range q.Choice {
			for _, r := range p.Choice {
				if r == r2 {
					if owner := c.ownerOf(r); owner != nil {
						ready, rule = q.End, owner.Name()
					}
				}
			}
		}
	}
	str := c.Problem.Stretcher()
	days := func(start, end int) map[string]bool {
		out := map[string]bool{}
		for _, w := range str.Stretches(t, solver.Placement{Placed: true, Start: start, End: end, Choice: p.Choice}) {
			for m := w.Start; m < w.End; m += 15 {
				out[c.Clock.Time(m).Format(time.DateOnly)] = true
			}
			out[c.Clock.Time(w.End-1).Format(time.DateOnly)] = true
		}
		return out
	}
	// the open time between ready and the start, and the work begun at ready
	open := str.Stretches(t, solver.Placement{Placed: true, Start: ready, End: p.Start, Choice: p.Choice})
	if ready >= p.Start || len(open) == 0 || task.Contiguous {
		return nil
	}
	work, end := 0, ready
	for _, w := range str.Stretches(t, solver.Placement{Placed: true, Start: ready, End: ready + 60*24*60, Choice: p.Choice}) {
		if work+w.Len() >= task.Duration {
			end = w.Start + task.Duration - work
			break
		}
		work += w.Len()
	}
	if end <= ready || len(days(ready, end)) <= len(days(p.Start, p.End)) {
		return nil
	}
	from := c.Clock.Time(open[0].Start)
	msg := fmt.Sprintf("%s waits until %s, though it could begin %s: begun then, its work would fall on more days, and the household is disturbed on as few days as the works allow",
		c.Interventions[t].ID, c.Clock.Time(p.Start).Format("2006-01-02 15:04"), from.Format("2006-01-02 15:04"))
	if lang == French {
		msg = fmt.Sprintf("%s attend le %s, alors qu'elle pourrait commencer le %s : commencée alors, elle occuperait plus de jours, et le ménage est dérangé le moins de jours possible",
			c.Interventions[t].ID, frAt(c.Clock.Time(p.Start)), frAt(from))
	}
	return []model.Reason{{Rule: rule, Message: msg}}
}
