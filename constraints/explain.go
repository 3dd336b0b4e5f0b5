package constraints

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/rehabplan/rehabplan/internal/calendar"
	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/solver"
)

// Explain says, in a pilot's words, why task t was left unplaced, naming the rules
// that block it. Nothing of a household's health is said beyond a profile's id.
func (c *Compiled) Explain(t int, pl []solver.Placement) []model.Reason {
	return c.explain(t, pl[t], pl, English)
}

// ExplainIn is Explain in language lang (English unless lang is French). The rule
// names stay the same in every language.
//
// In the dwelling of a household that needs a relocation stay and got none, the
// first reason is that (rule 12): the works that cut its water or bathroom
// cannot keep its limit, and what follows them waits.
func (c *Compiled) ExplainIn(t int, pl []solver.Placement, lang Lang) []model.Reason {
	rs := c.explain(t, pl[t], pl, lang)
	if first, ok := c.unhousedReason(t, lang); ok && (len(rs) == 0 || rs[0].Rule != NameRehousing) {
		rs = append(first, rs...)
	}
	return rs
}

// ExplainStoredIn words again in lang the explanation of unplaced task t that a
// plan stores (stored, in English or French): the solver's diagnosis (p.Reason, p.Blocker) is
// not kept in a plan, so it tries each diagnosis the task can have and words the
// one whose explanation is stored. pl holds the plan's other placements.
// It returns false when none matches (a plan written by another version of
// rehabplan, or by hand); the caller then keeps the stored reasons.
func (c *Compiled) ExplainStoredIn(t int, pl []solver.Placement, stored []model.Reason, lang Lang) ([]model.Reason, bool) {
	cands := []solver.Placement{{Reason: solver.ReasonPredecessor, Blocker: -1}}
	for _, pr := range c.Problem.Precedences {
		if pr.To == t {
			cands = append(cands, solver.Placement{Reason: solver.ReasonPredecessor, Blocker: pr.From})
		}
	}
	cands = append(cands,
		solver.Placement{Reason: solver.ReasonMaxLag, Blocker: -1},
		solver.Placement{Reason: solver.ReasonSpan, Blocker: -1},
		solver.Placement{Reason: solver.ReasonDayLimit, Blocker: -1},
		solver.Placement{Reason: solver.ReasonTimeout, Blocker: -1},
		solver.Placement{Reason: solver.ReasonResources, Blocker: c.firstDwelling},
		solver.Placement{Reason: solver.ReasonResources, Blocker: c.firstPilot},
		solver.Placement{Reason: solver.ReasonResources, Blocker: 0},
		solver.Placement{Reason: solver.ReasonNoWindow, Blocker: -1})
	first, unhoused := c.unhousedReason(t, lang)
	if unhoused && len(stored) > 0 && stored[0].Rule == NameRehousing {
		stored = stored[1:]
	} else {
		first = nil
	}
	for _, p := range cands {
		for _, in := range []Lang{English, French} {
			if slices.Equal(c.explain(t, p, pl, in), stored) {
				return append(first, c.explain(t, p, pl, lang)...), true
			}
		}
	}
	return nil, false
}

// explain is Explain for task t with the solver's diagnosis p: the first rule
// of the registry that answers for p explains it; otherwise (no room for the task)
// the release, the deadline and the rules' calendars do.
func (c *Compiled) explain(t int, p solver.Placement, pl []solver.Placement, lang Lang) []model.Reason {
	iv := c.Interventions[t]
	say := func(en, fr string) string {
		if lang == French {
			return fr
		}
		return en
	}
	if p.Reason == solver.ReasonTimeout {
		return []model.Reason{{Rule: "search", Message: say(
			"the search stopped (time limit or cancellation) before placing it",
			fmt.Sprintf("La recherche s'est arrêtée (limite de temps ou annulation) avant de placer %s", iv.ID))}}
	}
	// the first rule that answers explains it; a span limit, every rule whose
	// limit holds the task (water and heating cut together: both bind)
	var spans []model.Reason
	for _, r := range registry.list {
		if ue, ok := r.(unplacedExplainer); ok {
			if rs, ok := ue.explainUnplaced(c, t, p, lang); ok {
				if p.Reason != solver.ReasonSpan {
					return rs
				}
				for _, x := range rs {
					if !slices.Contains(spans, x) {
						spans = append(spans, x)
					}
				}
			}
		}
	}
	if len(spans) > 0 {
		return spans
	}
	lo, after := c.earliestStart(t, pl)
	task := &c.Problem.Tasks[t]
	hi, what := c.limit(t, lang)
	if lo+task.Duration > hi {
		if after >= 0 {
			msg := say(fmt.Sprintf("%s may start only after %q ends (%s), too late to finish by %s", iv.ID, c.Interventions[after].ID, c.Clock.Time(lo).Format("2006-01-02 15:04"), what),
				fmt.Sprintf("%s ne peut commencer qu'à partir du %s, à la suite de %s, trop tard pour finir avant %s", iv.ID, frAt(c.Clock.Time(lo)), c.Interventions[after].ID, what))
			return []model.Reason{{Rule: NameTradeSequence, Message: msg}, {Rule: NameReleaseDeadline, Message: msg}}
		}
		return []model.Reason{{Rule: NameReleaseDeadline, Message: say(
			fmt.Sprintf("%s may start only from %s (release date, delivery, or the notice owed to the household), too late to finish by %s", iv.ID, c.Clock.Time(lo).Format("2006-01-02 15:04"), what),
			fmt.Sprintf("%s ne peut commencer qu'à partir du %s (date de démarrage, livraison ou délai de prévenance dû au ménage), trop tard pour finir avant %s", iv.ID, frAt(c.Clock.Time(lo)), what))}}
	}
	if rs := c.explainWindows(t, lo, lang); len(rs) > 0 {
		return rs
	}
	return []model.Reason{{Rule: NameReleaseDeadline, Message: say(
		fmt.Sprintf("%s cannot be placed between its release and its deadline or the end of the operation", iv.ID),
		fmt.Sprintf("%s ne trouve pas de place entre sa date de démarrage et son échéance ou la fin de l'opération", iv.ID))}}
}

// limit is the latest end of task t, named as the object of "before": the
// earliest of its deadline, the end of its household's relocation stay (an
// intervention tied to the stay: moving out, works during it, moving back) and
// the end of the operation.
func (c *Compiled) limit(t int, lang Lang) (int, string) {
	task := &c.Problem.Tasks[t]
	hi, what := c.Problem.Horizon, c.deadlineText(0, lang)
	if task.Deadline > 0 && task.Deadline < hi {
		hi, what = task.Deadline, c.deadlineText(task.Deadline, lang)
	}
	if end, st, ok := c.stayEnd(t); ok && end < hi {
		hi, what = end, c.stayEndText(st, end, lang)
	}
	return hi, what
}

// limitText is limit's name alone.
func (c *Compiled) limitText(t int, lang Lang) string {
	_, what := c.limit(t, lang)
	return what
}

// stayEnd is, for an intervention tied to its household's relocation stay, the
// end of the household's last stay (the stay's calendar allows nothing later) and
// that stay; ok is false when the intervention is not tied to a stay or its
// household has none that reads.
func (c *Compiled) stayEnd(t int) (end int, stay *model.Relocation, ok bool) {
	iv := c.Interventions[t]
	if iv.Relocation == "" {
		return 0, nil, false
	}
	h := c.Index.HouseholdOf(iv)
	if h == nil {
		return 0, nil, false
	}
	for _, st := range c.Index.Stays[h.ID] {
		tp := c.Typed.RelocationOf(st)
		if tp == nil || tp.To.Err != nil {
			continue
		}
		if m := c.Clock.Minute(tp.To.V); !ok || m > end {
			end, stay, ok = m, st, true
		}
	}
	return end, stay, ok
}

// stayEndText names the end (minute end) of stay st as the object of "before":
// "the end of household H001's stay in relocation unit T1 on 2027-03-02",
// "la fin du séjour du ménage « H001 » dans le logement tiroir T1, le mardi 2 mars
// 2027 au soir".
func (c *Compiled) stayEndText(st *model.Relocation, end int, lang Lang) string {
	at := c.Clock.Time(end)
	midnight := at.Hour() == 0 && at.Minute() == 0
	if lang == French {
		when := frAt(at)
		if midnight {
			// a stay that ends on a date ends that day
			when = calendar.FrenchDate(c.Clock.Time(end-1)) + " au soir"
		}
		return fmt.Sprintf("la fin du séjour du ménage %s dans le logement tiroir %s, le %s", frQ(st.Household), st.Unit, when)
	}
	when := at.Format("2006-01-02 15:04")
	if midnight {
		when = c.Clock.Time(end - 1).Format("2006-01-02")
	}
	return fmt.Sprintf("the end of household %s's stay in relocation unit %s on %s", st.Household, st.Unit, when)
}

// deadlineText names a deadline (0: the end of the operation) as the object of
// "before": "its deadline 2027-03-02 08:00", "son échéance du mardi 2 mars 2027 à 08:00".
func (c *Compiled) deadlineText(deadline int, lang Lang) string {
	if deadline <= 0 {
		return phrase{"the end of the operation", "la fin de l'opération", false}.in(lang)
	}
	t := c.Clock.Time(deadline)
	if lang == French {
		if t.Hour() == 0 && t.Minute() == 0 {
			// a deadline given as a date ends that day
			return "son échéance du " + calendar.FrenchDate(c.Clock.Time(deadline-1)) + " au soir"
		}
		return "son échéance du " + frAt(t)
	}
	return "its deadline " + t.Format("2006-01-02 15:04")
}

// explainWindows finds which rules' calendars leave no room for the task between
// its release and its deadline: first each rule alone, then the smallest prefix of
// rules (in the order they narrow the time) whose intersection has no room.
func (c *Compiled) explainWindows(t, lo int, lang Lang) []model.Reason {
	iv := c.Interventions[t]
	task := &c.Problem.Tasks[t]
	hi := c.Problem.Horizon
	if task.Deadline > 0 && task.Deadline < hi {
		hi = task.Deadline
	}
	parts := append([]part(nil), c.parts[t]...)
	parts = append(parts, part{NameReleaseDeadline, phrase{"its release date, deliveries and deadline", "sa date de démarrage, ses livraisons et son échéance", true}, solver.NewCalendar([]solver.Window{{Start: lo, End: hi}})})
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
		if k != c.crewDemand[t] && k != c.pilotDemand[t] {
			continue
		}
		if owner := c.ownerOf(dm.Alternatives[0]); owner != nil {
			if pt, ok := owner.demandPart(c, t, solver.NewCalendar(ws)); ok {
				parts = append(parts, pt)
			}
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
	leave := func(subject phrase) string {
		if lang == French {
			verb := "ne laisse"
			if subject.plural {
				verb = "ne laissent"
			}
			return fmt.Sprintf("%s %s %s entre %s", capital(subject.fr), verb, frRoom(task.Duration, task.Contiguous, iv.ID), c.spanText(lo, hi, lang))
		}
		return fmt.Sprintf("%s leave no %s for %s between %s", capital(subject.en), durationText(task.Duration), iv.ID, c.spanText(lo, hi, lang))
	}
	for _, pt := range parts {
		if !fits(pt.cal) {
			return []model.Reason{{Rule: pt.rule, Message: leave(pt.what)}}
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
		var texts, textsFr []string
		seen := map[string]bool{}
		var reasons []model.Reason
		for _, q := range involved {
			texts = append(texts, q.what.en)
			textsFr = append(textsFr, q.what.fr)
		}
		both := phrase{strings.Join(texts, " and ") + " together", frList(textsFr) + ", ensemble,", true}
		msg := leave(both)
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

func (c *Compiled) spanText(lo, hi int, lang Lang) string {
	if lang == French {
		// hi is an end: at midnight, the day before is the last one
		return "le " + calendar.FrenchDate(c.Clock.Time(lo)) + " et le " + calendar.FrenchDate(c.Clock.Time(max(lo, hi-1)))
	}
	return c.Clock.Time(lo).Format("2006-01-02") + " and " + c.Clock.Time(hi).Format("2006-01-02")
}

// frRoom is the room a task needs, as the object of "ne laisse(nt)": "aucun
// créneau de 45 minutes pour X" (one stretch), "pas les 8 h de travail
// nécessaires à X" (time that may be split).
func frRoom(m int, contiguous bool, id string) string {
	d := fmt.Sprintf("%d minutes", m)
	switch {
	case m >= 60 && m%60 == 0:
		d = fmt.Sprintf("%d\u00a0h", m/60)
	case m >= 60:
		d = fmt.Sprintf("%d\u00a0h\u00a0%02d", m/60, m%60)
	}
	if contiguous {
		return fmt.Sprintf("aucun créneau de %s pour %s", d, id)
	}
	return fmt.Sprintf("pas les %s de travail nécessaires à %s", d, id)
}

// frList joins items the French way: "a, b et c".
func frList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " et " + items[len(items)-1]
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

// ownerOf is the rule that owns solver resource r, nil if none does.
func (c *Compiled) ownerOf(r int) resourceOwner {
	for _, rule := range registry.list {
		if o, ok := rule.(resourceOwner); ok && o.ownsResource(c, r) {
			return o
		}
	}
	return nil
}

// busyWith says in English that resource r is busy with intervention id.
func busyWith(c *Compiled, r int, id string) string {
	return fmt.Sprintf("%s is busy with %s", c.Problem.Resources[r].Name, id)
}

// inSpan reports whether task t is held by the span limit named name.
func (c *Compiled) inSpan(t int, name string) bool {
	for i := range c.Problem.Spans {
		if sp := &c.Problem.Spans[i]; sp.Name == name && slices.Contains(sp.Tasks, t) {
			return true
		}
	}
	return false
}
