package scheduler

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

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
	// OnQuarterHour counts the placed interventions that start on a quarter hour
	// of local time (xx:00, xx:15, xx:30, xx:45).
	OnQuarterHour int
	// Blocked counts unplaced interventions per blocking rule.
	Blocked map[string]int
}

// QuarterHourShare is the share of the placed interventions that start on a
// quarter hour, in percent (100 when none is placed).
func (s *Summary) QuarterHourShare() float64 {
	if s.Placed == 0 {
		return 100
	}
	return 100 * float64(s.OnQuarterHour) / float64(s.Placed)
}

// OnQuarterHour reports whether t, read in its location, starts a quarter hour.
func OnQuarterHour(t time.Time) bool {
	return t.Minute()%15 == 0 && t.Second() == 0 && t.Nanosecond() == 0
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
		if OnQuarterHour(st) {
			s.OnQuarterHour++
		}
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
	if s.Placed > 0 {
		fmt.Fprintf(&b, "appointments on the quarter hour: %d of %d (%.2f%%)\n", s.OnQuarterHour, s.Placed, s.QuarterHourShare())
	}
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
	_, err := io.WriteString(w, b.String())
	return err
}
