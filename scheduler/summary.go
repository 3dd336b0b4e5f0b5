package scheduler

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rehabplan/rehabplan/internal/calendar"
	"github.com/rehabplan/rehabplan/model"
)

// Summary is what a works manager reads first about a plan (the API serves it
// as JSON).
type Summary struct {
	Operation  string    `json:"operation"`
	Status     string    `json:"status"`
	Placed     int       `json:"placed"`
	Unplaced   int       `json:"unplaced"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	ByTrade    []Span    `json:"by_trade"`
	ByBuilding []Span    `json:"by_building"`
	// Disturbed days per occupied dwelling: local dates with any work.
	DisturbedMean  float64 `json:"disturbed_mean"`
	DisturbedMax   int     `json:"disturbed_max"`
	DisturbedMaxAt string  `json:"disturbed_max_at,omitempty"` // the dwelling with the most
	// OnQuarterHour counts the placed interventions that start on a quarter hour
	// of local time (xx:00, xx:15, xx:30, xx:45).
	OnQuarterHour int `json:"on_quarter_hour"`
	// Blocked counts unplaced interventions per blocking rule.
	Blocked map[string]int `json:"blocked"`
	// Moves says who moves when, in French: a line per relocation stay.
	Moves []string `json:"moves"`
	// OtherPilot counts, per household that sees another pilot than its own, the
	// visits concerned (plan.interlocutors).
	OtherPilot map[string]int `json:"other_pilot"`
	// OpenSnags lists, per contractor, the snags not yet cleared (snagsOf).
	OpenSnags []ContractorSnags `json:"open_snags"`
	// BurdenDays is the policy's burden threshold (model.Problem.BurdenDays);
	// Burdened the households disturbed on more local dates than it, for the
	// landlord: most disturbed first, then by dwelling.
	BurdenDays int                 `json:"burden_days"`
	Burdened   []BurdenedHousehold `json:"burdened"`
}

// BurdenedHousehold is a household disturbed beyond the burden threshold.
type BurdenedHousehold struct {
	Household string `json:"household"`
	Dwelling  string `json:"dwelling"`
	// Days are the local dates with any work in the dwelling.
	Days int `json:"days"`
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
	Key   string    `json:"key"`
	Count int       `json:"count"`
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
}

// ContractorSnags are a contractor's open snags: return visits (snag_of) whose
// pilot's check is not done (without a check: the return visit not done).
type ContractorSnags struct {
	// Contractor is the contractor of the crew that does, or is to do, the return
	// visit (the crew's id when it names none); "" while the visit is not placed.
	Contractor string `json:"contractor"`
	Open       int    `json:"open"`
	// Snags are the return visits' ids, sorted.
	Snags []string `json:"snags"`
}

// snagsOf counts the open snags of p per contractor, by plan's crews (a fixed
// return visit's own crew first), contractors sorted, "" last.
func snagsOf(p *model.Problem, plan *model.Plan, x *model.Index) []ContractorSnags {
	checks := map[string][]*model.Intervention{}
	for i := range p.Interventions {
		if iv := &p.Interventions[i]; iv.CheckOf != "" {
			checks[iv.CheckOf] = append(checks[iv.CheckOf], iv)
		}
	}
	crewOf := map[string]string{}
	for _, a := range plan.Assignments {
		crewOf[a.Intervention] = a.Crew
	}
	by := map[string]*ContractorSnags{}
	for i := range p.Interventions {
		iv := &p.Interventions[i]
		if iv.SnagOf == "" {
			continue
		}
		open := iv.StatusOf() != model.StatusDone
		if cs := checks[iv.ID]; len(cs) > 0 {
			open = false
			for _, c := range cs {
				open = open || c.StatusOf() != model.StatusDone
			}
		}
		if !open {
			continue
		}
		crew := iv.Crew
		if c, ok := crewOf[iv.ID]; ok && c != "" {
			crew = c
		}
		who := ""
		if c := x.Crews[crew]; c != nil {
			who = c.Contractor
			if who == "" {
				who = c.ID
			}
		}
		if by[who] == nil {
			by[who] = &ContractorSnags{Contractor: who}
		}
		by[who].Open++
		by[who].Snags = append(by[who].Snags, iv.ID)
	}
	out := make([]ContractorSnags, 0, len(by))
	for _, cs := range by {
		sort.Strings(cs.Snags)
		out = append(out, *cs)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Contractor, out[j].Contractor
		if (a == "") != (b == "") {
			return b == ""
		}
		return a < b
	})
	return out
}

// OtherPilotHouseholds lists the households of OtherPilot, sorted.
func (s *Summary) OtherPilotHouseholds() []string {
	return slices.Sorted(maps.Keys(s.OtherPilot))
}

// otherPilots counts, per household that sees another pilot than its own, the
// visits concerned (nil when there are none).
func otherPilots(plan *model.Plan) map[string]int {
	var out map[string]int
	for _, it := range plan.Interlocutors {
		if out == nil {
			out = map[string]int{}
		}
		out[it.Household] += len(it.Visits)
	}
	return out
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
	c := &summaryCounts{x: x, loc: loc, trades: map[string]*Span{}, buildings: map[string]*Span{}, days: map[string]map[string]bool{}}
	for i := range plan.Assignments {
		c.add(s, &plan.Assignments[i])
	}
	for _, u := range plan.Unplaced {
		for _, r := range u.Reasons {
			s.Blocked[r.Rule]++
		}
	}
	s.OpenSnags = snagsOf(p, plan, x)
	s.Moves = movesText(plan, loc)
	s.OtherPilot = otherPilots(plan)
	s.ByTrade = sortedSpans(c.trades, tradeOrder(p))
	s.ByBuilding = sortedSpans(c.buildings, nil)
	s.setDisturbance(c.days, x, p.BurdenDays())
	return s
}

// summaryCounts are what one pass over a plan's assignments counts besides the
// Summary's own fields: the spans by trade and by building, and the local dates
// with work of each occupied dwelling.
type summaryCounts struct {
	x                 *model.Index
	loc               *time.Location
	trades, buildings map[string]*Span
	days              map[string]map[string]bool // dwelling -> local date
}

// add counts the assignment a in s and c; one whose intervention is unknown or
// whose times do not parse is skipped.
func (c *summaryCounts) add(s *Summary, a *model.Assignment) {
	iv := c.x.Interventions[a.Intervention]
	st, err1 := time.Parse(time.RFC3339, a.Start)
	en, err2 := time.Parse(time.RFC3339, a.End)
	if iv == nil || err1 != nil || err2 != nil {
		return
	}
	st, en = st.In(c.loc), en.In(c.loc)
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
	widenSpan(c.trades, iv.Trade, st, en)
	if d := c.x.Dwellings[iv.Dwelling]; d != nil {
		widenSpan(c.buildings, d.Building, st, en)
		if d.Occupied() {
			c.addDays(d.ID, a)
		}
	}
}

// addDays notes the local dates the assignment a, in its segments, takes in the
// occupied dwelling d.
func (c *summaryCounts) addDays(d string, a *model.Assignment) {
	if c.days[d] == nil {
		c.days[d] = map[string]bool{}
	}
	workedSegments(a, c.loc, func(start, end time.Time) { addDates(c.days[d], start, end) })
}

// workedSegments calls f with each worked segment of a (a itself when it has
// none) whose times parse, its start in loc.
func workedSegments(a *model.Assignment, loc *time.Location, f func(start, end time.Time)) {
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
		f(ss.In(loc), se)
	}
}

// addDates adds to set the local dates (of start's location) from start to end.
func addDates(set map[string]bool, start, end time.Time) {
	for t := start; t.Before(end); t = nextMidnight(t) {
		set[t.Format("2006-01-02")] = true
	}
}

// widenSpan widens the span of key in m to [a, b] and counts it.
func widenSpan(m map[string]*Span, key string, a, b time.Time) {
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

// setDisturbance sets the disturbed days (mean and most, over the occupied
// dwellings with work, by their local dates with work) and the households
// burdened beyond burdenDays.
func (s *Summary) setDisturbance(days map[string]map[string]bool, x *model.Index, burdenDays int) {
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
	s.BurdenDays, s.Burdened = burdenDays, []BurdenedHousehold{}
	for _, id := range ids {
		if n := len(days[id]); n > s.BurdenDays {
			s.Burdened = append(s.Burdened, BurdenedHousehold{Household: x.Dwellings[id].Household, Dwelling: id, Days: n})
		}
	}
	sort.SliceStable(s.Burdened, func(i, j int) bool { return s.Burdened[i].Days > s.Burdened[j].Days })
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

// WriteBurden prints the households disturbed beyond the burden threshold, one
// a line, for the landlord (nothing when there are none).
func (s *Summary) WriteBurden(w io.Writer) error {
	var b strings.Builder
	s.writeBurden(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

func (s *Summary) writeBurden(b *strings.Builder) {
	if len(s.Burdened) == 0 {
		return
	}
	fmt.Fprintf(b, "households disturbed on more than %d days (for the landlord): %d\n", s.BurdenDays, len(s.Burdened))
	for _, h := range s.Burdened {
		fmt.Fprintf(b, "  %s (dwelling %s): %d days\n", h.Household, h.Dwelling, h.Days)
	}
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
	s.writeBurden(&b)
	if len(s.OpenSnags) > 0 {
		b.WriteString("open snags, by contractor:")
		for _, cs := range s.OpenSnags {
			who := cs.Contractor
			if who == "" {
				who = "(return visit not placed)"
			}
			fmt.Fprintf(&b, " %s %d;", who, cs.Open)
		}
		b.WriteString("\n")
	}
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
	if len(s.Moves) > 0 {
		b.WriteString("who moves when (relocation stays, in French as the households read them):\n")
		for _, l := range s.Moves {
			b.WriteString("  " + l + "\n")
		}
	}
	if hs := s.OtherPilotHouseholds(); len(hs) > 0 {
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
