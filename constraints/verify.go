package constraints

import (
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rehabplan/rehabplan/model"
)

// Checker is a rule that can check a finished plan from scratch.
type Checker interface {
	Rule
	// Check lists the plan's breaches of the rule, in any order.
	Check(v *Verification) []Violation
}

// Verify re-checks a plan from scratch against every hard rule and lists the
// violations, sorted by rule number, then intervention id, then message, without
// duplicates. An empty result means the plan keeps every hard rule. It never panics
// on a malformed plan: a time that does not parse is a violation.
//
// Verify shares nothing with the search but the model types: it expands the RRULEs
// itself with rrule-go and works on time.Time in the operation's location. The
// problem's times, durations and dates it takes from the problem's typed view
// (model.Problem.Typed, model's reading of the format); its rules it parses itself
// (see vfExpandOne).
func Verify(p *model.Problem, plan *model.Plan) []Violation {
	return VerifyWith(p, plan, nil)
}

// VerifyWith is Verify with calendars expanded ahead by PrepareCalendars (nil: none).
//
// A plan with stays the planner chose (planned) is checked against the problem
// they make (model.WithPlannedStays): booked, with their moves and the works done
// while the households are away.
func VerifyWith(p *model.Problem, plan *model.Plan, cals *Calendars) []Violation {
	if q, err := model.WithPlannedStays(p, plan); err != nil {
		return []Violation{{Rule: NameRehousing, Message: "the plan's stays cannot be booked: " + err.Error()}}
	} else if q != p {
		p, cals = q, nil
	}
	v, err := newVerification(p, plan, cals)
	if err != nil {
		return []Violation{{Rule: NamePlanStructure, Message: "the plan cannot be checked: " + err.Error()}}
	}
	cs := Checkers()
	found := make([][]Violation, len(cs))
	// the checks only read v: they run side by side, each into its own slot, and
	// are put together in the order of Checkers whatever the order they end in
	if workers := min(runtime.GOMAXPROCS(0), len(cs)); workers > 1 {
		var next atomic.Int32
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for i := int(next.Add(1)) - 1; i < len(cs); i = int(next.Add(1)) - 1 {
					found[i] = vfRun(cs[i], v)
				}
			})
		}
		wg.Wait()
	} else {
		for i, c := range cs {
			found[i] = vfRun(c, v)
		}
	}
	var out []Violation
	for _, f := range found {
		out = append(out, f...)
	}
	return SortViolations(out)
}

// vfRun runs one check; a panic (a bug of the verifier on odd input) becomes a
// violation of that rule instead of taking the caller down.
func vfRun(c Checker, v *Verification) (out []Violation) {
	defer func() {
		if r := recover(); r != nil {
			out = append(out, Violation{Rule: c.Name(), Message: fmt.Sprintf("internal error of the verifier while checking this rule: %v", r)})
		}
	}()
	return c.Check(v)
}

// SortViolations sorts violations by rule number, intervention id and message, and
// drops exact duplicates. It sorts in place and returns the shortened slice.
func SortViolations(vs []Violation) []Violation {
	n := ruleNumber
	sort.SliceStable(vs, func(i, j int) bool {
		a, b := vs[i], vs[j]
		if n(a.Rule) != n(b.Rule) {
			return n(a.Rule) < n(b.Rule)
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Intervention != b.Intervention {
			return a.Intervention < b.Intervention
		}
		return a.Message < b.Message
	})
	out := vs[:0]
	for i, x := range vs {
		if i > 0 && x == vs[i-1] {
			continue
		}
		out = append(out, x)
	}
	return out
}

// Stretch is one worked stretch [Start, End) of a placed intervention.
type Stretch struct {
	Start, End time.Time
}

// Placed is one assignment of the plan, parsed.
type Placed struct {
	// Pos is the assignment's position in Plan.Assignments.
	Pos          int
	Assignment   *model.Assignment
	Intervention *model.Intervention // nil when the plan names an unknown intervention
	// Start and End are the assignment's bounds; Stretches the worked stretches,
	// sorted by start ([Start, End) when the assignment has no segments). They are
	// meaningful only when TimesOK.
	Start, End time.Time
	Stretches  []Stretch
	// TimesOK: every time string of the assignment parsed as RFC 3339.
	TimesOK bool
	// times holds each time string read (vfParseTime), in plan order: start, end,
	// then each segment's start and end.
	times []vfTime
}

// vfTime is a time string of the plan, read.
type vfTime struct {
	t  time.Time
	ok bool
}

// segment is the k-th segment's start and end, as read.
func (pl *Placed) segment(k int) (start, end vfTime) {
	return pl.times[2+2*k], pl.times[3+2*k]
}

// ID is the intervention id the assignment names.
func (pl *Placed) ID() string { return pl.Assignment.Intervention }

// Verification is the shared, read-only context of the checks: the problem, its
// index and location, and the plan's assignments parsed and grouped. Build it with
// NewVerification; checks only read it (the cache of expanded calendars is guarded).
type Verification struct {
	Problem *model.Problem
	// Typed is Problem's typed view (model.Problem.Typed), read once by
	// NewVerification: the checks take the problem's times, durations and
	// recurrences from it (the plan's times they read themselves).
	Typed *model.Typed
	Plan  *model.Plan
	Index *model.Index
	Loc   *time.Location
	// Begin is local midnight of the operation's first day; Finish local midnight
	// after its last day.
	Begin, Finish time.Time
	// WorkingDay is the length of "1d" in minutes.
	WorkingDay int
	// Holidays holds the operation's public holidays, "YYYY-MM-DD".
	Holidays map[string]bool
	// Assignments lists every assignment of the plan, in plan order.
	Assignments []*Placed
	// Assigned is the first assignment of each known intervention, whatever its times.
	Assigned map[string]*Placed
	// Placed holds the assignments of Assigned whose times parse: those the time
	// rules check.
	Placed map[string]*Placed
	// Unplaced is the first unplaced entry of each intervention id.
	Unplaced map[string]*model.Unplaced
	// ByCrew, ByPilot and ByDwelling group Placed by assignment crew, assignment
	// pilot and intervention dwelling, each sorted by start then intervention id.
	ByCrew, ByPilot, ByDwelling map[string][]*Placed

	lo, hi time.Time // range over which calendars are expanded
	sorted []*Placed // Placed by intervention id
	mu     sync.Mutex
	cache  map[string]*vfEntry // by content (vfKey), each computed once
	// the same memos, by list (its first element and length): the problem is not
	// changed while it is checked, so a list read once reads the same again
	byList  sync.Map // vfListKey[model.TypedRecurrence] -> vfCached
	periods sync.Map // vfListKey[model.TypedPeriod] -> vfPeriodsCached
	// holidayAt holds the holidays' local midnights, sorted; oddHoliday says that
	// a holiday does not read as a date
	holidayAt  []time.Time
	oddHoliday bool
	// now is Operation.Now read, when it reads
	now   time.Time
	nowOK bool
}

// vfListKey identifies a list by its first element and its length.
type vfListKey[T any] struct {
	first *T
	n     int
}

type vfPeriodsCached struct {
	spans []vfSpan
	err   error
}

type vfCached struct {
	w   vfWindows
	err error
}

// vfEntry is a cached value computed once, outside the cache's lock: checks that
// need other calendars meanwhile do not wait for it.
type vfEntry struct {
	once sync.Once
	vfCached
}

// entry computes the value of key once (other callers wait for it) and returns it.
func (v *Verification) entry(key string, compute func() vfCached) vfCached {
	v.mu.Lock()
	e := v.cache[key]
	if e == nil {
		e = &vfEntry{}
		v.cache[key] = e
	}
	v.mu.Unlock()
	e.once.Do(func() { e.vfCached = compute() })
	return e.vfCached
}

// NewVerification parses the plan against the problem. It fails only when the problem
// itself cannot be read (no problem, no plan, unknown time zone, unreadable horizon).
func NewVerification(p *model.Problem, plan *model.Plan) (*Verification, error) {
	return newVerification(p, plan, nil)
}

func newVerification(p *model.Problem, plan *model.Plan, cals *Calendars) (*Verification, error) {
	if p == nil {
		return nil, fmt.Errorf("no problem")
	}
	if plan == nil {
		return nil, fmt.Errorf("no plan")
	}
	tv := p.Typed()
	if tv.LocErr != nil {
		return nil, fmt.Errorf("operation.time_zone: %v", tv.LocErr)
	}
	loc := tv.Loc
	if tv.Start.Err != nil {
		return nil, fmt.Errorf("operation.start: %v", tv.Start.Err)
	}
	if tv.End.Err != nil {
		return nil, fmt.Errorf("operation.end: %v", tv.End.Err)
	}
	begin, finish := tv.Start.V, tv.Horizon
	v := &Verification{
		Problem: p, Typed: tv, Plan: plan, Index: model.NewIndex(p), Loc: loc,
		Begin: begin, Finish: finish, WorkingDay: tv.WorkingDay,
		Holidays: map[string]bool{}, Assigned: make(map[string]*Placed, len(plan.Assignments)),
		Placed: make(map[string]*Placed, len(plan.Assignments)), Assignments: make([]*Placed, 0, len(plan.Assignments)),
		Unplaced: map[string]*model.Unplaced{}, ByCrew: map[string][]*Placed{},
		ByPilot: map[string][]*Placed{}, ByDwelling: map[string][]*Placed{},
		cache: map[string]*vfEntry{},
	}
	for i, d := range tv.HolidayDates {
		v.Holidays[d] = true
		if h := tv.Holidays[i]; h.Err == nil {
			v.holidayAt = append(v.holidayAt, h.V)
		} else {
			v.oddHoliday = true
		}
	}
	slices.SortFunc(v.holidayAt, func(a, b time.Time) int { return a.Compare(b) })
	if tv.Now.Set {
		v.now, v.nowOK = tv.Now.V, tv.Now.Err == nil
	}
	lo, hi := v.readAssignments(begin, finish)
	for i := range plan.Unplaced {
		u := &plan.Unplaced[i]
		if _, dup := v.Unplaced[u.Intervention]; !dup {
			v.Unplaced[u.Intervention] = u
		}
	}
	for _, id := range vfSortedKeys(v.Placed) {
		v.sorted = append(v.sorted, v.Placed[id])
	}
	for _, m := range []map[string][]*Placed{v.ByCrew, v.ByPilot, v.ByDwelling} {
		for _, l := range m {
			vfSortPlaced(l)
		}
	}
	// Expand calendars over the horizon and the plan's times, with a margin for lags
	// in working days, but never more than two years around the horizon.
	if floor := begin.AddDate(-2, 0, 0); lo.Before(floor) {
		lo = floor
	}
	if ceil := finish.AddDate(2, 0, 0); hi.After(ceil) {
		hi = ceil
	}
	v.lo, v.hi = lo.AddDate(0, 0, -7), hi.AddDate(0, 0, 60)
	if cals != nil && cals.zone == p.Operation.TimeZone && cals.opStart == p.Operation.Start && cals.lo.Equal(v.lo) && cals.hi.Equal(v.hi) {
		for key, c := range cals.w {
			e := &vfEntry{vfCached: c}
			e.once.Do(func() {})
			v.cache[key] = e
		}
	}
	return v, nil
}

// readAssignments parses the plan's assignments into v and returns [lo, hi)
// widened to the times they name.
func (v *Verification) readAssignments(lo, hi time.Time) (time.Time, time.Time) {
	plan, loc := v.Plan, v.Loc
	for i := range plan.Assignments {
		a := &plan.Assignments[i]
		pl := vfParse(i, a, loc)
		pl.Intervention = v.Index.Interventions[a.Intervention]
		v.Assignments = append(v.Assignments, pl)
		if pl.Intervention == nil {
			continue
		}
		if _, dup := v.Assigned[a.Intervention]; dup {
			continue
		}
		v.Assigned[a.Intervention] = pl
		if !pl.TimesOK {
			continue
		}
		v.Placed[a.Intervention] = pl
		if pl.Start.Before(lo) {
			lo = pl.Start
		}
		if pl.End.After(hi) {
			hi = pl.End
		}
		for _, s := range pl.Stretches {
			if s.Start.Before(lo) {
				lo = s.Start
			}
			if s.End.After(hi) {
				hi = s.End
			}
		}
		if a.Crew != "" {
			v.ByCrew[a.Crew] = append(v.ByCrew[a.Crew], pl)
		}
		if a.Pilot != "" {
			v.ByPilot[a.Pilot] = append(v.ByPilot[a.Pilot], pl)
		}
		v.ByDwelling[pl.Intervention.Dwelling] = append(v.ByDwelling[pl.Intervention.Dwelling], pl)
	}
	return lo, hi
}

// Calendars holds the verifier's own expansions of a problem's calendars (site
// hours, crews' calendars, pilots' office hours, households' and carers'
// availability, profiles' hours for noisy work) over the operation's horizon,
// made ahead of VerifyWith from the problem alone, while the search runs for
// example. They are what Verify would expand (same code, same range, keyed by
// content) and are used only when the plan lies inside the horizon, so that Verify
// expands over that same range. Read-only once made.
type Calendars struct {
	// the time zone and start the calendars were expanded with (strings: Verify
	// compares them with its problem's)
	zone, opStart string
	lo, hi        time.Time
	w             map[string]vfCached
}

// PrepareCalendars expands p's calendars for VerifyWith; nil when p's operation
// cannot be read (VerifyWith then reports it).
func PrepareCalendars(p *model.Problem) *Calendars {
	if p == nil {
		return nil
	}
	tv := p.Typed()
	if tv.LocErr != nil || tv.Start.Err != nil || tv.End.Err != nil {
		return nil
	}
	loc, begin, finish := tv.Loc, tv.Start.V, tv.Horizon
	c := &Calendars{zone: p.Operation.TimeZone, opStart: p.Operation.Start,
		lo: begin.AddDate(0, 0, -7), hi: finish.AddDate(0, 0, 60), w: map[string]vfCached{}}
	add := func(recs []model.TypedRecurrence) {
		if len(recs) == 0 {
			return
		}
		key := vfKey(recs)
		if _, ok := c.w[key]; ok {
			return
		}
		// a list whose expansion panics is left to Verify, which reports it
		defer func() { _ = recover() }()
		w, err := vfExpand(recs, loc, tv.Start, c.lo, c.hi)
		c.w[key] = vfCached{w, err}
	}
	add(tv.SiteHours())
	for _, cr := range tv.Crews() {
		add(cr.Calendar)
	}
	for _, pl := range tv.Pilots() {
		add(pl.Hours)
	}
	for _, h := range tv.Households() {
		add(h.Availability)
		add(h.CarerAvailability)
	}
	for _, pr := range tv.Profiles() {
		add(pr.NoisyHours)
	}
	return c
}

func vfSortPlaced(l []*Placed) {
	sort.Slice(l, func(i, j int) bool {
		if !l[i].Start.Equal(l[j].Start) {
			return l[i].Start.Before(l[j].Start)
		}
		if l[i].ID() != l[j].ID() {
			return l[i].ID() < l[j].ID()
		}
		return l[i].Pos < l[j].Pos
	})
}

// vfParseTime reads an RFC 3339 time of the plan.
func vfParseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}

func vfParse(i int, a *model.Assignment, loc *time.Location) *Placed {
	pl := &Placed{Pos: i, Assignment: a, TimesOK: true, times: make([]vfTime, 0, 2+2*len(a.Segments))}
	read := func(s string) vfTime {
		t, ok := vfParseTime(s)
		pl.times = append(pl.times, vfTime{t, ok})
		return vfTime{t, ok}
	}
	start, end := read(a.Start), read(a.End)
	pl.Start, pl.End = start.t, end.t
	if !start.ok || !end.ok {
		pl.TimesOK = false
	}
	if len(a.Segments) == 0 {
		pl.Stretches = []Stretch{{pl.Start, pl.End}}
	} else {
		for _, sg := range a.Segments {
			s, e := read(sg.Start), read(sg.End)
			if !s.ok || !e.ok {
				pl.TimesOK = false
			}
			pl.Stretches = append(pl.Stretches, Stretch{s.t, e.t})
		}
		sort.SliceStable(pl.Stretches, func(i, j int) bool { return pl.Stretches[i].Start.Before(pl.Stretches[j].Start) })
	}
	return pl
}

// Windows expands recurrences into merged windows (occurrences that overlap or touch
// are one window) over the range the plan needs. Results are cached.
func (v *Verification) windows(recs []model.TypedRecurrence) (vfWindows, error) {
	var list vfListKey[model.TypedRecurrence]
	if len(recs) > 0 {
		list = vfListKey[model.TypedRecurrence]{&recs[0], len(recs)}
		if c, ok := v.byList.Load(list); ok {
			c := c.(vfCached)
			return c.w, c.err
		}
	}
	c := v.entry(vfKey(recs), func() vfCached {
		w, err := vfExpand(recs, v.Loc, v.Typed.Start, v.lo, v.hi)
		return vfCached{w, err}
	})
	if len(recs) > 0 {
		v.byList.Store(list, c)
	}
	return c.w, c.err
}

// readPeriods is vfPeriods(ps, v.Loc), read once per list. The spans are shared:
// callers only read them.
func (v *Verification) readPeriods(ps []model.TypedPeriod) ([]vfSpan, error) {
	if len(ps) == 0 {
		return vfPeriods(ps)
	}
	key := vfListKey[model.TypedPeriod]{&ps[0], len(ps)}
	if c, ok := v.periods.Load(key); ok {
		c := c.(vfPeriodsCached)
		return c.spans, c.err
	}
	spans, err := vfPeriods(ps)
	v.periods.Store(key, vfPeriodsCached{spans, err})
	return spans, err
}

// vfKey identifies recurrences by content, as the document writes them (lists
// with the same recurrences share their expansion).
func vfKey(recs []model.TypedRecurrence) string {
	var b strings.Builder
	for i := range recs {
		r := &recs[i].Source
		for _, f := range []string{r.RRule, r.Start, r.Duration, r.From} {
			b.WriteString(f)
			b.WriteByte(0)
		}
		for _, d := range r.ExDates {
			b.WriteString(d)
			b.WriteByte(1)
		}
		b.WriteByte(2)
	}
	return b.String()
}

// Inside reports whether [a, b) lies inside the union of the recurrences'
// occurrences, touching occurrences merged (08:00-12:00 and 12:00-16:00 cover
// 10:00-14:00). The recurrences are a list of v.Typed (SiteHours, a crew's
// Calendar, a household's Availability, ...). The error says why they cannot be
// read.
func (v *Verification) Inside(recs []model.TypedRecurrence, a, b time.Time) (bool, error) {
	w, err := v.windows(recs)
	if err != nil {
		return false, err
	}
	return w.covers(a, b), nil
}

// siteWorkCalendar is the site hours without public holidays: the calendar of lags
// in working days.
func (v *Verification) siteWorkCalendar() (vfWindows, error) {
	const key = "\x00site-hours-without-holidays"
	w, err := v.windows(v.Typed.SiteHours())
	if err != nil {
		return nil, err
	}
	c := v.entry(key, func() vfCached { return vfCached{w.subtract(v.holidaySpans()), nil} })
	return c.w, c.err
}

// holidaySpans lists the public holidays as local days [midnight, next midnight).
func (v *Verification) holidaySpans() []vfSpan {
	var out []vfSpan
	for _, t := range v.holidayAt {
		out = append(out, vfSpan{t, time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, v.Loc)})
	}
	return out
}

// holidayIn names the first public holiday [a, b) touches, or "": the first of
// vfDates(a, b) that is a holiday, read date by date.
func (v *Verification) holidayIn(a, b time.Time) string {
	if len(v.Holidays) == 0 || b.Before(a) {
		return ""
	}
	const maxDays = 4000 // as vfDates
	var buf [len(time.DateOnly)]byte
	d := vfDayStart(a, v.Loc)
	if !v.oddHoliday {
		// A date read below is a holiday only if the holiday's midnight lies within
		// a day of it: with no holiday from two days before d to two days after
		// the stretch, there is none to find.
		lo, hi := d.Add(-48*time.Hour), b
		if hi.Before(d) {
			hi = d
		}
		hi = hi.Add(48 * time.Hour)
		i := sort.Search(len(v.holidayAt), func(i int) bool { return !v.holidayAt[i].Before(lo) })
		if i == len(v.holidayAt) || v.holidayAt[i].After(hi) {
			return ""
		}
	}
	for n := 0; n < maxDays; n++ {
		if day := d.AppendFormat(buf[:0], time.DateOnly); v.Holidays[string(day)] {
			return string(day)
		}
		d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, v.Loc)
		if !d.Before(b) {
			break
		}
	}
	return ""
}

// span writes a stretch in local time for messages.
func (v *Verification) span(s Stretch) string { return vfFmtSpan(s.Start, s.End, v.Loc) }

// at writes an instant in local time for messages.
func (v *Verification) at(t time.Time) string { return vfFmt(t, v.Loc) }

// placedSorted lists Placed by intervention id (deterministic iteration).
func (v *Verification) placedSorted() []*Placed { return v.sorted }

// vfSortedKeys lists a map's keys, sorted.
func vfSortedKeys[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// vfViolation builds a violation.
func vfViolation(r Rule, iv, format string, args ...any) Violation {
	return Violation{Rule: r.Name(), Intervention: iv, Message: fmt.Sprintf(format, args...)}
}

// vfOverlapping checks that the assignments of one resource (sorted by start) never
// overlap in [Start, End); each assignment that starts while an earlier one still runs
// is reported once, naming the earlier one.
func vfOverlapping(l []*Placed, report func(later, earlier *Placed)) {
	var run *Placed
	for _, pl := range l {
		if !pl.End.After(pl.Start) {
			continue
		}
		if run != nil && pl.Start.Before(run.End) {
			report(pl, run)
		}
		if run == nil || pl.End.After(run.End) {
			run = pl
		}
	}
}

// Fact reports whether the placed intervention is a fact rather than a plan: done,
// or fixed and begun before the plan was made (operation.now): the calendar rules
// (crew hours, availability, office hours, a profile's hours) do not judge it, since
// those calendars may have changed since, and an overrun is what it is. Overlaps,
// sequences and counts still take it into account.
func (v *Verification) Fact(pl *Placed) bool {
	iv := pl.Intervention
	if iv.StatusOf() == model.StatusDone {
		return true
	}
	if !iv.Fixed() || v.Problem.Operation.Now == "" || !pl.TimesOK {
		return false
	}
	return v.nowOK && pl.Start.Before(v.now)
}
