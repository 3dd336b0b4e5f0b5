package scheduler

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/internal/calendar"
	"github.com/rehabplan/rehabplan/model"
)

// Summary is what a works manager reads first about a plan.
type Summary struct {
	Operation  string
	Status     string
	Placed     int
	Unplaced   int
	Start, End time.Time
	ByTrade    []Span
	ByBuilding []Span
	// Disturbed days per occupied dwelling: local dates with any work.
	DisturbedMean  float64
	DisturbedMax   int
	DisturbedMaxAt string // the dwelling with the most
	// Blocked counts unplaced interventions per blocking rule.
	Blocked map[string]int
	// Moves says who moves when, in French: a line per relocation stay.
	Moves []string
	// OtherPilot counts, per household that sees another pilot than its own, the
	// visits concerned (plan.interlocutors).
	OtherPilot map[string]int
}

// Span is the count and the first and last dates of a group of interventions.
type Span struct {
	Key         string
	Count       int
	First, Last time.Time
}

// Summarize reads a plan against its problem. Times that do not parse are skipped
// (the verifier reports them).
func Summarize(p *model.Problem, plan *model.Plan) *Summary {
	if q, err := model.WithPlannedStays(p, plan); err == nil {
		p = q
	}
	x := model.NewIndex(p)
	loc := p.Typed().Loc
	s := &Summary{Operation: p.Operation.ID, Status: plan.Status, Unplaced: len(plan.Unplaced), Blocked: map[string]int{}}
	trades := map[string]*Span{}
	buildings := map[string]*Span{}
	days := map[string]map[string]bool{}
	note := func(m map[string]*Span, key string, a, b time.Time) {
		sp := m[key]
		if sp == nil {
			sp = &Span{Key: key, First: a, Last: b}
			m[key] = sp
		}
		sp.Count++
		if a.Before(sp.First) {
			sp.First = a
		}
		if b.After(sp.Last) {
			sp.Last = b
		}
	}
	for _, a := range plan.Assignments {
		iv := x.Interventions[a.Intervention]
		st, err1 := time.Parse(time.RFC3339, a.Start)
		en, err2 := time.Parse(time.RFC3339, a.End)
		if iv == nil || err1 != nil || err2 != nil {
			continue
		}
		st, en = st.In(loc), en.In(loc)
		s.Placed++
		if s.Start.IsZero() || st.Before(s.Start) {
			s.Start = st
		}
		if en.After(s.End) {
			s.End = en
		}
		note(trades, iv.Trade, st, en)
		if d := x.Dwellings[iv.Dwelling]; d != nil {
			note(buildings, d.Building, st, en)
			if d.Occupied() {
				if days[d.ID] == nil {
					days[d.ID] = map[string]bool{}
				}
				segs := a.Segments
				if len(segs) == 0 {
					segs = []model.Segment{{Start: a.Start, End: a.End}}
				}
				for _, sg := range segs {
					ss, e1 := time.Parse(time.RFC3339, sg.Start)
					se, e2 := time.Parse(time.RFC3339, sg.End)
					if e1 != nil || e2 != nil {
						continue
					}
					for t := ss.In(loc); t.Before(se); t = nextMidnight(t) {
						days[d.ID][t.Format("2006-01-02")] = true
					}
				}
			}
		}
	}
	for _, u := range plan.Unplaced {
		for _, r := range u.Reasons {
			s.Blocked[r.Rule]++
		}
	}
	s.Moves = movesText(plan, loc)
	for _, it := range plan.Interlocutors {
		if s.OtherPilot == nil {
			s.OtherPilot = map[string]int{}
		}
		s.OtherPilot[it.Household] += len(it.Visits)
	}
	s.ByTrade = sortedSpans(trades, tradeOrder(p))
	s.ByBuilding = sortedSpans(buildings, nil)
	ids := make([]string, 0, len(days))
	for id := range days {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	total := 0
	for _, id := range ids {
		n := len(days[id])
		total += n
		if n > s.DisturbedMax {
			s.DisturbedMax, s.DisturbedMaxAt = n, id
		}
	}
	if len(ids) > 0 {
		s.DisturbedMean = float64(total) / float64(len(ids))
	}
	return s
}

// movesText words each stay of the plan in French, for the pilot: "H007
// (B1-A-07) : logement tiroir RU1 du lundi 1er février 2027 au vendredi 26 février
// 2027 (relogé pour les coupures d'eau), déménagement le lundi 1er février 2027 à
// 08:00, retour le ...".
func movesText(plan *model.Plan, loc *time.Location) []string {
	if len(plan.Stays) == 0 {
		return nil
	}
	at := map[string]string{}
	for _, a := range plan.Assignments {
		if t, err := time.Parse(time.RFC3339, a.Start); err == nil {
			at[a.Intervention] = calendar.FrenchMoment(t.In(loc))
		}
	}
	date := func(s string) string {
		if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
			return calendar.FrenchDate(t)
		}
		return s
	}
	move := func(id string) string {
		if id == "" {
			return "non prévu"
		}
		if t, ok := at[id]; ok {
			return "le " + t
		}
		return "non placé (" + id + ")"
	}
	out := make([]string, 0, len(plan.Stays))
	for _, st := range plan.Stays {
		why := ""
		switch {
		case st.Planned && st.Reason == model.StayForBathroom:
			why = " (relogé par le planning : salle de bains hors d'usage trop longtemps)"
		case st.Planned:
			why = " (relogé par le planning : coupures d'eau trop longues)"
		}
		out = append(out, fmt.Sprintf("%s (%s) : logement tiroir %s du %s au %s%s, déménagement %s, retour %s",
			st.Household, st.Dwelling, st.Unit, date(st.From), date(st.To), why, move(st.MoveOut), move(st.MoveBack)))
	}
	return out
}

func nextMidnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, t.Location())
}

func tradeOrder(p *model.Problem) map[string]int {
	o := map[string]int{}
	for i, t := range p.Trades {
		o[t.ID] = i
	}
	return o
}

func sortedSpans(m map[string]*Span, order map[string]int) []Span {
	out := make([]Span, 0, len(m))
	for _, v := range m {
		out = append(out, *v)
	}
	sort.Slice(out, func(i, j int) bool {
		if order != nil && order[out[i].Key] != order[out[j].Key] {
			return order[out[i].Key] < order[out[j].Key]
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// WriteText prints the summary for people.
func (s *Summary) WriteText(w io.Writer) error {
	var b strings.Builder
	day := func(t time.Time) string { return t.Format("Mon 2006-01-02") }
	fmt.Fprintf(&b, "operation %s: %s, %d placed, %d unplaced\n", s.Operation, s.Status, s.Placed, s.Unplaced)
	if s.Placed > 0 {
		fmt.Fprintf(&b, "works from %s to %s\n", day(s.Start), day(s.End))
	}
	table := func(title string, spans []Span) {
		if len(spans) == 0 {
			return
		}
		fmt.Fprintf(&b, "%-14s %5s  %-15s  %-15s\n", title, "count", "first", "last")
		for _, sp := range spans {
			fmt.Fprintf(&b, "%-14s %5d  %-15s  %-15s\n", sp.Key, sp.Count, day(sp.First), day(sp.Last))
		}
	}
	table("trade", s.ByTrade)
	table("building", s.ByBuilding)
	fmt.Fprintf(&b, "disturbed days per occupied dwelling: mean %.1f, max %d", s.DisturbedMean, s.DisturbedMax)
	if s.DisturbedMaxAt != "" {
		fmt.Fprintf(&b, " (%s)", s.DisturbedMaxAt)
	}
	b.WriteString("\n")
	if len(s.Blocked) > 0 {
		rules := make([]string, 0, len(s.Blocked))
		for r := range s.Blocked {
			rules = append(rules, r)
		}
		sort.Strings(rules)
		b.WriteString("unplaced, by blocking rule:")
		for _, r := range rules {
			fmt.Fprintf(&b, " %s %d;", r, s.Blocked[r])
		}
		b.WriteString("\n")
	}
	if len(s.Moves) > 0 {
		b.WriteString("relogements (qui déménage quand) :\n")
		for _, l := range s.Moves {
			b.WriteString("  " + l + "\n")
		}
	}
	if len(s.OtherPilot) > 0 {
		hs := make([]string, 0, len(s.OtherPilot))
		for h := range s.OtherPilot {
			hs = append(hs, h)
		}
		sort.Strings(hs)
		fmt.Fprintf(&b, "households seeing another pilot than their own: %d (", len(hs))
		for i, h := range hs {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %s", h, plural(s.OtherPilot[h], "visit"))
		}
		b.WriteString("; see the plan's interlocutors)\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// plural writes "1 visit", "2 visits".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
