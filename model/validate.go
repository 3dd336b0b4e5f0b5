package model

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/teambition/rrule-go"
)

// Size limits: larger documents are refused as absurd.
const (
	MaxInterventions = 100_000
	MaxDwellings     = 20_000
	MaxCrews         = 5_000
	MaxHorizonYears  = 10
	maxErrors        = 50
)

// listLimits bounds every list of a problem, far above any real operation (real
// operations have up to 1,000 dwellings, 12 trades, 60 crews, 4 pilots), so that what follows a
// successful validation (indexes, precedence graphs) stays small. Document order.
var listLimits = []struct {
	field string
	max   int
	n     func(p *Problem) int
}{
	{"trades", 1_000, func(p *Problem) int { return len(p.Trades) }},
	{"profiles", 10_000, func(p *Problem) int { return len(p.Profiles) }},
	{"buildings", 5_000, func(p *Problem) int { return len(p.Buildings) }},
	{"buildings[].stairwells", 20_000, func(p *Problem) int {
		n := 0
		for i := range p.Buildings {
			n += len(p.Buildings[i].Stairwells)
		}
		return n
	}},
	{"dwellings", MaxDwellings, func(p *Problem) int { return len(p.Dwellings) }},
	{"households", MaxDwellings, func(p *Problem) int { return len(p.Households) }},
	{"crews", MaxCrews, func(p *Problem) int { return len(p.Crews) }},
	{"pilots", 1_000, func(p *Problem) int { return len(p.Pilots) }},
	{"deliveries", MaxInterventions, func(p *Problem) int { return len(p.Deliveries) }},
	{"sequences", 10_000, func(p *Problem) int { return len(p.Sequences) }},
	{"relocation_units", MaxDwellings, func(p *Problem) int { return len(p.RelocationUnits) }},
	{"relocations", MaxInterventions, func(p *Problem) int { return len(p.Relocations) }},
	{"interventions", MaxInterventions, func(p *Problem) int { return len(p.Interventions) }},
}

// Validate checks a decoded problem: format, operation and horizon, recurrences and
// periods (read, not expanded), ids and references, statuses and fixed times,
// crews and pilots for every intervention, windows too short for an intervention
// done in one stretch, cycles among the interventions' precedences, sizes.
//
// It returns nil or a *ValidationError listing, in document order, the first 50
// problems found, each naming the JSON path, the entity and its id. Messages name
// profile and household ids but never echo a constraint profile's values. Validate
// never panics, whatever the problem holds. A valid problem's typed view
// (Problem.Typed) is built here.
func Validate(p *Problem) error {
	validations.Add(1)
	if p == nil {
		return &ValidationError{Errors: []*FieldError{{Field: "(document)", Msg: "no problem"}}}
	}
	v := &validator{p: p, loc: time.UTC, wd: 480}
	v.validate()
	keepTyped(p, len(v.errs) == 0) // the typed view (typed.go)
	if len(v.errs) == 0 {
		return nil
	}
	if v.found > maxErrors {
		v.errs = append(v.errs[:maxErrors-1], &FieldError{Field: "(document)",
			Msg: fmt.Sprintf("%d more errors not listed", v.found-(maxErrors-1))})
	}
	return &ValidationError{Errors: v.errs}
}

// validations counts Validate's runs (Validations).
var validations atomic.Int64

// Validations is how many times Validate has run in this process: a cost counter
// for tests and benchmarks (a problem validated twice is the work done twice).
func Validations() int64 { return validations.Load() }

// validator collects FieldErrors in document order.
type validator struct {
	p     *Problem
	x     *Index
	loc   *time.Location // the operation's, or UTC when it cannot be read
	wd    int            // minutes of "1d"
	errs  []*FieldError
	found int
	// stairwell id -> building id (first occurrence)
	stairwellOf map[string]string
	// a cycle among the trades of the sequences was reported
	tradeCycle bool
	// rules already checked (thousands of households share a few)
	rules map[ruleKey]error
}

type ruleKey struct {
	rule string
	loc  *time.Location
}

// checkRule is checkRRule(s, v.loc), once per rule and location.
func (v *validator) checkRule(s string) error {
	k := ruleKey{s, v.loc}
	if err, ok := v.rules[k]; ok {
		return err
	}
	err := checkRRule(s, v.loc)
	if v.rules == nil {
		v.rules = map[ruleKey]error{}
	}
	v.rules[k] = err
	return err
}

func (v *validator) add(field, entity, id, format string, args ...any) {
	v.found++
	if len(v.errs) < maxErrors {
		v.errs = append(v.errs, &FieldError{Field: field, Entity: entity, ID: id, Msg: fmt.Sprintf(format, args...)})
	}
}

func (v *validator) validate() {
	p := v.p
	switch p.Format {
	case Format:
	case "":
		v.add("format", "", "", "missing: expected %q", Format)
	default:
		v.add("format", "", "", "expected %q, got %q", Format, p.Format)
	}
	sizeOK := true
	for _, l := range listLimits {
		if n := l.n(p); n > l.max {
			v.add(l.field, "", "", "%d entries: more than %d is not a plausible operation", n, l.max)
			sizeOK = false
		}
	}
	if !sizeOK {
		return // nothing more is read of an absurd document
	}
	v.operation()
	v.contact()
	v.x = NewIndex(p)
	v.rehousing() // operation.rehousing, last of the operation's fields
	v.trades()
	v.profiles()
	v.buildings()
	v.dwellings()
	v.households()
	v.crews()
	v.pilots()
	v.deliveries()
	v.sequences()
	v.relocationUnits()
	v.relocations()
	v.interventions()
	if !v.tradeCycle {
		v.cycles()
	}
}

// MaxIDBytes bounds every id of a problem (operation, dwellings, households,
// crews, interventions, ...): longer ones are refused.
const MaxIDBytes = 128

// ShortID is id as an error message may quote it: its first 32 bytes and "..."
// when longer (cut on a rune boundary).
func ShortID(id string) string {
	if len(id) <= 40 {
		return id
	}
	n := 32
	for n > 0 && !utf8.RuneStart(id[n]) {
		n--
	}
	return id[:n] + "..."
}

// ids reports a missing or duplicate id of entity i of a list; seen maps the ids met
// so far to their positions.
func (v *validator) id(list, entity string, i int, id string, seen map[string]int) {
	if id == "" {
		v.add(fmt.Sprintf("%s[%d].id", list, i), entity, "", "missing id")
		return
	}
	if len(id) > MaxIDBytes {
		v.add(fmt.Sprintf("%s[%d].id", list, i), entity, ShortID(id), "id of %d bytes, longer than %d", len(id), MaxIDBytes)
		return
	}
	if j, ok := seen[id]; ok {
		v.add(fmt.Sprintf("%s[%d].id", list, i), entity, id, "duplicate id, already used by %s[%d]", list, j)
		return
	}
	seen[id] = i
}

// ref reports a missing or unknown reference.
func (v *validator) ref(field, entity, id, kind, target string, known bool) bool {
	switch {
	case target == "":
		v.add(field, entity, id, "missing %s", kind)
	case !known:
		v.add(field, entity, id, "unknown %s %q", kind, target)
	default:
		return true
	}
	return false
}

func (v *validator) operation() {
	op := &v.p.Operation
	const e = "operation"
	if op.ID == "" {
		v.add("operation.id", e, "", "missing")
	} else if len(op.ID) > MaxIDBytes {
		v.add("operation.id", e, ShortID(op.ID), "id of %d bytes, longer than %d", len(op.ID), MaxIDBytes)
	}
	switch op.TimeZone {
	case "":
		v.add("operation.time_zone", e, op.ID, "missing time zone (an IANA name such as \"Europe/Paris\")")
	case "Local":
		v.add("operation.time_zone", e, op.ID, "\"Local\" depends on the machine: name an IANA zone such as \"Europe/Paris\"")
	default:
		loc, err := LoadLocation(op.TimeZone)
		if err != nil {
			v.add("operation.time_zone", e, op.ID, "%v (an IANA name such as \"Europe/Paris\")", err)
		} else {
			v.loc = loc
		}
	}
	start, okS := v.date("operation.start", e, op.ID, op.Start)
	end, okE := v.date("operation.end", e, op.ID, op.End)
	if okS && okE {
		switch {
		case end.Before(start):
			v.add("operation.end", e, op.ID, "end %s is before start %s", op.End, op.Start)
		case end.After(start.AddDate(MaxHorizonYears, 0, 0)):
			v.add("operation.end", e, op.ID, "a horizon of more than %d years is not a plausible operation", MaxHorizonYears)
		}
	}
	switch op.Holidays {
	case "", "FR", "none":
	default:
		v.add("operation.holidays", e, op.ID, "unknown holiday calendar %q (\"FR\" or \"none\")", op.Holidays)
	}
	for i, d := range op.ExtraHolidays {
		v.date(fmt.Sprintf("operation.extra_holidays[%d]", i), e, op.ID, d)
	}
	if op.WorkingDay != "" {
		m, err := ParseDuration(op.WorkingDay, 0)
		switch {
		case err != nil:
			v.add("operation.working_day", e, op.ID, "%v", err)
		case m <= 0 || m > 24*60:
			v.add("operation.working_day", e, op.ID, "%q must be more than 0 and at most 24h", op.WorkingDay)
		default:
			v.wd = m
		}
	}
	v.recurrences("operation.site_hours", e, op.ID, op.SiteHours, false)
	if op.NoticeDays != nil && (*op.NoticeDays < 0 || *op.NoticeDays > 365) {
		v.add("operation.notice_days", e, op.ID, "%d is not between 0 and 365", *op.NoticeDays)
	}
	if op.Now != "" {
		v.moment("operation.now", e, op.ID, op.Now, false)
	}
	pol := op.Policy
	for _, w := range []struct {
		name string
		v    *float64
	}{{"makespan", pol.Makespan}, {"dwelling_end", pol.DwellingEnd}, {"disturbed_days", pol.DisturbedDays},
		{"preferred", pol.Preferred}, {"soft_deadline", pol.SoftDeadline}, {"pilot_extra_hours", pol.PilotExtraHours},
		{"same_pilot", pol.SamePilot}} {
		if w.v != nil && (*w.v < 0 || math.IsNaN(*w.v) || math.IsInf(*w.v, 0)) {
			v.add("operation.policy."+w.name, e, op.ID, "weight must be a finite number >= 0")
		}
	}
	v.practicesPolicy()
}

// date reads a required date.
func (v *validator) date(field, entity, id, s string) (time.Time, bool) {
	if s == "" {
		v.add(field, entity, id, "missing date (YYYY-MM-DD)")
		return time.Time{}, false
	}
	t, err := ParseDate(s, v.loc)
	if err != nil {
		v.add(field, entity, id, "%v", err)
		return t, false
	}
	return t, true
}

// moment reads a Moment; end reads a bare date as the end of that day.
func (v *validator) moment(field, entity, id, s string, end bool) (time.Time, bool) {
	if s == "" {
		v.add(field, entity, id, "missing (a date, YYYY-MM-DDTHH:MM or an RFC 3339 time)")
		return time.Time{}, false
	}
	parse := ParseMoment
	if end {
		parse = ParseEndMoment
	}
	t, err := parse(s, v.loc)
	if err != nil {
		v.add(field, entity, id, "%v", err)
		return t, false
	}
	return t, true
}

// recurrences checks recurring windows without expanding them. quiet keeps the
// values out of the messages (a constraint profile's fields).
func (v *validator) recurrences(field, entity, id string, rs []Recurrence, quiet bool) {
	for i, r := range rs {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case strings.TrimSpace(r.RRule) == "":
			v.add(f+".rrule", entity, id, "missing rrule (e.g. \"FREQ=WEEKLY;BYDAY=TU,TH\")")
		case strings.Contains(strings.ToUpper(r.RRule), "DTSTART"):
			if quiet {
				v.add(f+".rrule", entity, id, "contains DTSTART: give the first date in \"from\" and the time in \"start\"")
			} else {
				v.add(f+".rrule", entity, id, "rrule %q: give the first date in \"from\" and the time in \"start\", not DTSTART", r.RRule)
			}
		default:
			if err := v.checkRule(r.RRule); err != nil {
				if quiet {
					v.add(f+".rrule", entity, id, "invalid rrule")
				} else {
					v.add(f+".rrule", entity, id, "invalid rrule %q: %v", r.RRule, err)
				}
			}
		}
		if r.Start == "" {
			v.add(f+".start", entity, id, "missing time of day (HH:MM)")
		} else if c, err := ParseClock(r.Start); err != nil {
			v.add(f+".start", entity, id, "%s", quietly(quiet, err, "not a time of day HH:MM"))
		} else if strings.Contains(r.RRule, "HOURLY") && v.checkRule(r.RRule) == nil {
			// an HOURLY rule steps from its start: it may never meet its BYHOUR
			if opt, err := ParseRRule(r.RRule, v.loc); err == nil && opt.Freq == rrule.HOURLY && !HourlyReachable(c/60, opt.Interval, opt.Byhour) {
				v.add(f+".rrule", entity, id, "%s", quietly(quiet, fmt.Errorf("every %d hours from %s the rule never reaches its BYHOUR", max(opt.Interval, 1), r.Start), "the rule never reaches its BYHOUR from its start"))
			}
		}
		d, err := ParseDuration(r.Duration, 0)
		switch {
		case r.Duration == "":
			v.add(f+".duration", entity, id, "missing duration (e.g. \"4h\")")
		case err != nil:
			v.add(f+".duration", entity, id, "%s", quietly(quiet, err, "not a duration in hours and minutes such as 45m, 4h or 1h30m"))
		case d <= 0:
			v.add(f+".duration", entity, id, "%s", quietly(quiet, fmt.Errorf("duration %q is not positive", r.Duration), "duration is not positive"))
		case d > 24*60:
			v.add(f+".duration", entity, id, "%s", quietly(quiet, fmt.Errorf("duration %q is longer than a day", r.Duration), "duration is longer than a day"))
		}
		if r.From != "" {
			if _, err := ParseDate(r.From, v.loc); err != nil {
				v.add(f+".from", entity, id, "%s", quietly(quiet, err, "not a date YYYY-MM-DD"))
			}
		}
		for k, x := range r.ExDates {
			if _, err := ParseDate(x, v.loc); err != nil {
				v.add(fmt.Sprintf("%s.exdates[%d]", f, k), entity, id, "%s", quietly(quiet, err, "not a date YYYY-MM-DD"))
			}
		}
	}
}

func quietly(quiet bool, err error, msg string) string {
	if quiet {
		return msg
	}
	return err.Error()
}

// checkRRule reads an RRULE (without DTSTART) with the parser the calendars use,
// so that a rule accepted here is one the calendars can expand.
func checkRRule(s string, loc *time.Location) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	opt, err := ParseRRule(s, loc)
	if err != nil {
		return err
	}
	opt.Dtstart = time.Date(2027, 1, 4, 8, 0, 0, 0, loc)
	_, err = rrule.NewRRule(*opt)
	return err
}

func (v *validator) periods(field, entity, id string, ps []Period) {
	for i, pr := range ps {
		f := fmt.Sprintf("%s[%d]", field, i)
		a, ok1 := v.moment(f+".from", entity, id, pr.From, false)
		b, ok2 := v.moment(f+".to", entity, id, pr.To, true)
		if ok1 && ok2 && !b.After(a) {
			v.add(f+".to", entity, id, "ends (%s) before it starts (%s)", pr.To, pr.From)
		}
	}
}

func (v *validator) trades() {
	seen := map[string]int{}
	for i, t := range v.p.Trades {
		v.id("trades", "trade", i, t.ID, seen)
		switch t.Access {
		case "", AccessTenant, AccessKeys, AccessNone:
		default:
			v.add(fmt.Sprintf("trades[%d].access", i), "trade", t.ID, "unknown access %q (tenant, keys or none)", t.Access)
		}
		if t.NoticeDays != nil && (*t.NoticeDays < 0 || *t.NoticeDays > 365) {
			v.add(fmt.Sprintf("trades[%d].notice_days", i), "trade", t.ID, "%d is not between 0 and 365", *t.NoticeDays)
		}
		v.tradePractices(i, &t)
	}
}

// profiles: the messages name the field and the profile id, never a value.
func (v *validator) profiles() {
	seen := map[string]int{}
	for i, pr := range v.p.Profiles {
		v.id("profiles", "profile", i, pr.ID, seen)
		f := fmt.Sprintf("profiles[%d]", i)
		add := func(field, msg string) { v.add(f+"."+field, "profile", pr.ID, "%s", msg) }
		if pr.MaxInterventionsPerDay < 0 {
			add("max_interventions_per_day", "must be >= 0")
		}
		from, to := 0, 24*60
		okB, okA := true, true
		var err error
		if pr.NoWorkBefore != "" {
			if from, err = ParseClock(pr.NoWorkBefore); err != nil {
				add("no_work_before", "not a time of day HH:MM")
				okB = false
			}
		}
		if pr.NoWorkAfter != "" {
			if to, err = ParseClock(pr.NoWorkAfter); err != nil {
				add("no_work_after", "not a time of day HH:MM")
				okA = false
			}
		}
		if okB && okA && to <= from {
			add("no_work_after", "with no_work_before, leaves no time of day for work")
		}
		switch pr.NoisyDusty {
		case "", "relocated":
		case "hours":
			if len(pr.NoisyHours) == 0 {
				add("noisy_hours", "noisy_dusty \"hours\" needs noisy_hours")
			}
		default:
			add("noisy_dusty", "unknown value (\"relocated\" or \"hours\")")
		}
		v.recurrences(f+".noisy_hours", "profile", pr.ID, pr.NoisyHours, true)
		if pr.MaxWaterOutDays < 0 {
			add("max_water_out_days", "must be >= 0")
		}
		if pr.MaxBathroomOutDays < 0 {
			add("max_bathroom_out_days", "must be >= 0")
		}
		if pr.MaxDisturbedDaysPerWeek < 0 || pr.MaxDisturbedDaysPerWeek > 7 {
			add("max_disturbed_days_per_week", "must be between 0 and 7")
		}
	}
}

func (v *validator) buildings() {
	seen := map[string]int{}
	v.stairwellOf = map[string]string{}
	where := map[string]string{} // stairwell id -> JSON path of its first occurrence
	for bi, b := range v.p.Buildings {
		v.id("buildings", "building", bi, b.ID, seen)
		for si, s := range b.Stairwells {
			f := fmt.Sprintf("buildings[%d].stairwells[%d].id", bi, si)
			switch other, dup := where[s.ID]; {
			case s.ID == "":
				v.add(f, "building", b.ID, "missing stairwell id")
			case dup:
				v.add(f, "building", b.ID, "duplicate stairwell id %q, already used by %s", s.ID, other)
			default:
				where[s.ID] = fmt.Sprintf("buildings[%d].stairwells[%d]", bi, si)
				v.stairwellOf[s.ID] = b.ID
			}
		}
	}
}

func (v *validator) dwellings() {
	x := v.x
	seen := map[string]int{}
	livesIn := map[string]string{} // household -> dwelling
	for i, d := range v.p.Dwellings {
		v.id("dwellings", "dwelling", i, d.ID, seen)
		f := fmt.Sprintf("dwellings[%d]", i)
		okB := v.ref(f+".building", "dwelling", d.ID, "building", d.Building, x.Buildings[d.Building] != nil)
		sb, okS := v.stairwellOf[d.Stairwell]
		if v.ref(f+".stairwell", "dwelling", d.ID, "stairwell", d.Stairwell, okS) && okB && sb != d.Building {
			v.add(f+".stairwell", "dwelling", d.ID, "stairwell %q is not a stairwell of building %q (it is in building %q)", d.Stairwell, d.Building, sb)
		}
		if d.Rooms < 0 || d.Rooms > 20 {
			v.add(f+".rooms", "dwelling", d.ID, "%d rooms is not plausible", d.Rooms)
		}
		// a vacant dwelling may omit its household or keep the id of one that left:
		// nothing is planned around it
		switch {
		case d.Vacant:
		case d.Household == "":
			v.add(f+".household", "dwelling", d.ID, "missing household (an empty dwelling is \"vacant\": true)")
		case x.Households[d.Household] == nil:
			v.add(f+".household", "dwelling", d.ID, "unknown household %q", d.Household)
		default:
			if other, ok := livesIn[d.Household]; ok {
				v.add(f+".household", "dwelling", d.ID, "household %q already lives in dwelling %q", d.Household, other)
			} else {
				livesIn[d.Household] = d.ID
			}
		}
		if d.MaxCrews < 0 || d.MaxCrews > 100 {
			v.add(f+".max_crews", "dwelling", d.ID, "%d crews at once is not plausible", d.MaxCrews)
		}
	}
}

func (v *validator) households() {
	seen := map[string]int{}
	for i, h := range v.p.Households {
		v.id("households", "household", i, h.ID, seen)
		f := fmt.Sprintf("households[%d]", i)
		// an empty availability is allowed: the solver explains what it cannot place
		v.recurrences(f+".availability", "household", h.ID, h.Availability, false)
		v.recurrences(f+".preferred", "household", h.ID, h.Preferred, false)
		v.periods(f+".absences", "household", h.ID, h.Absences)
		for k, pid := range h.Profiles {
			v.ref(fmt.Sprintf("%s.profiles[%d]", f, k), "household", h.ID, "profile", pid, v.x.Profiles[pid] != nil)
		}
		v.recurrences(f+".carer_availability", "household", h.ID, h.CarerAvailability, false)
		if h.Pilot != "" && v.x.Pilots[h.Pilot] == nil {
			v.add(f+".pilot", "household", h.ID, "unknown pilot %q", h.Pilot)
		}
		if h.FurnitureM3 < 0 || h.FurnitureM3 > MaxFurnitureM3 || math.IsNaN(h.FurnitureM3) {
			v.add(f+".furniture_m3", "household", h.ID, "%g m³ of furniture is not plausible (0 to %d)", h.FurnitureM3, MaxFurnitureM3)
		}
	}
}

func (v *validator) crews() {
	seen := map[string]int{}
	for i, c := range v.p.Crews {
		v.id("crews", "crew", i, c.ID, seen)
		f := fmt.Sprintf("crews[%d]", i)
		if len(c.Trades) == 0 {
			v.add(f+".trades", "crew", c.ID, "a crew needs at least one trade")
		}
		for k, t := range c.Trades {
			v.ref(fmt.Sprintf("%s.trades[%d]", f, k), "crew", c.ID, "trade", t, v.x.Trades[t] != nil)
		}
		if c.Size < 0 || c.Size > 100 {
			v.add(f+".size", "crew", c.ID, "%d workers is not plausible", c.Size)
		}
		v.recurrences(f+".calendar", "crew", c.ID, c.Calendar, false)
		v.periods(f+".unavailable", "crew", c.ID, c.Unavailable)
	}
}

func (v *validator) pilots() {
	seen := map[string]int{}
	for i, pl := range v.p.Pilots {
		v.id("pilots", "pilot", i, pl.ID, seen)
		f := fmt.Sprintf("pilots[%d]", i)
		v.recurrences(f+".office_hours", "pilot", pl.ID, pl.OfficeHours, false)
		v.sessions(f, pl)
		favours := make([]Recurrence, len(pl.Favours))
		for k := range pl.Favours {
			fv := &pl.Favours[k]
			v.ref(fmt.Sprintf("%s.favours[%d].household", f, k), "pilot", pl.ID, "household", fv.Household, v.x.Households[fv.Household] != nil)
			favours[k] = fv.Recurrence()
		}
		v.recurrences(f+".favours", "pilot", pl.ID, favours, false)
		v.periods(f+".absences", "pilot", pl.ID, pl.Absences)
	}
}

// sessions checks a pilot's sessions: each recurring or dated, never both, then
// its hours as those of a recurrence.
func (v *validator) sessions(f string, pl Pilot) {
	rs := make([]Recurrence, len(pl.Sessions))
	for k := range pl.Sessions {
		s := &pl.Sessions[k]
		sf := fmt.Sprintf("%s.sessions[%d]", f, k)
		rs[k] = s.Recurrence()
		switch {
		case s.RRule != "" && s.Date != "":
			v.add(sf+".date", "pilot", pl.ID, "give either rrule (a recurring session) or date (one session), not both")
		case strings.TrimSpace(s.RRule) == "" && s.Date == "":
			v.add(sf+".rrule", "pilot", pl.ID, "missing: a session needs an rrule (recurring, e.g. \"FREQ=WEEKLY;BYDAY=SA\") or a date (once)")
			rs[k].RRule = OneDay
		case s.Date != "":
			if s.From != "" {
				v.add(sf+".from", "pilot", pl.ID, "a dated session has no \"from\": its date is its day")
			}
			if _, err := ParseDate(s.Date, v.loc); err != nil {
				v.add(sf+".date", "pilot", pl.ID, "%v", err)
			}
			rs[k].From = ""
		}
	}
	v.recurrences(f+".sessions", "pilot", pl.ID, rs, false)
}

func (v *validator) deliveries() {
	seen := map[string]int{}
	for i, d := range v.p.Deliveries {
		v.id("deliveries", "delivery", i, d.ID, seen)
		v.moment(fmt.Sprintf("deliveries[%d].expected", i), "delivery", d.ID, d.Expected, false)
	}
}

func (v *validator) sequences() {
	x := v.x
	// a cycle among the trades of the sequences that apply to every dwelling;
	// reported on the first sequence of the cycle, in its place
	succ := map[string][]string{}
	for _, s := range v.p.Sequences {
		if len(s.Dwellings) == 0 && s.Before != s.After {
			succ[s.Before] = append(succ[s.Before], s.After)
		}
	}
	cycleAt, cycleMsg := -1, ""
	if cyc := findCycle(sortedKeys(succ), func(n string) []string { return succ[n] }); cyc != nil {
		for i, s := range v.p.Sequences {
			if len(s.Dwellings) == 0 && s.Before == cyc[0] && s.After == cyc[1] {
				cycleAt, cycleMsg = i, "cyclic trade order: "+arrows(cyc)
				break
			}
		}
	}
	for i, s := range v.p.Sequences {
		f := fmt.Sprintf("sequences[%d]", i)
		id := s.Before + "→" + s.After
		add := func(field, format string, args ...any) { v.add(f+field, "sequence", id, format, args...) }
		v.ref(f+".before", "sequence", id, "trade", s.Before, x.Trades[s.Before] != nil)
		v.ref(f+".after", "sequence", id, "trade", s.After, x.Trades[s.After] != nil)
		if s.Before != "" && s.Before == s.After {
			add(".after", "a trade cannot follow itself")
		}
		minLag, maxLag := 0, 0
		okMin, okMax := true, s.MaxLag != ""
		var err error
		if s.MinLag != "" {
			if minLag, err = ParseDuration(s.MinLag, 0); err != nil {
				add(".min_lag", "%v", err)
				okMin = false
			}
		}
		if s.MinLagWorkingDays < 0 || s.MinLagWorkingDays > 365 {
			add(".min_lag_working_days", "%d is not between 0 and 365", s.MinLagWorkingDays)
		}
		if s.MaxLag != "" {
			if maxLag, err = ParseDuration(s.MaxLag, 0); err != nil {
				add(".max_lag", "%v", err)
				okMax = false
			}
		}
		if okMin && okMax && maxLag < minLag {
			add(".max_lag", "max_lag %s is shorter than min_lag %s", s.MaxLag, s.MinLag)
		}
		switch s.Scope {
		case "", "dwelling", "stairwell":
		default:
			add(".scope", "unknown scope %q (dwelling or stairwell)", s.Scope)
		}
		for k, d := range s.Dwellings {
			v.ref(fmt.Sprintf("%s.dwellings[%d]", f, k), "sequence", id, "dwelling", d, x.Dwellings[d] != nil)
		}
		if i == cycleAt {
			add("", "%s", cycleMsg)
			v.tradeCycle = true
		}
	}
}

func (v *validator) relocationUnits() {
	seen := map[string]int{}
	for i, u := range v.p.RelocationUnits {
		v.id("relocation_units", "relocation unit", i, u.ID, seen)
		if u.Building != "" && v.x.Buildings[u.Building] == nil {
			v.add(fmt.Sprintf("relocation_units[%d].building", i), "relocation unit", u.ID, "unknown building %q", u.Building)
		}
		var from, to time.Time
		okF, okT := false, false
		if u.AvailableFrom != "" {
			from, okF = v.date(fmt.Sprintf("relocation_units[%d].available_from", i), "relocation unit", u.ID, u.AvailableFrom)
		}
		if u.AvailableTo != "" {
			to, okT = v.date(fmt.Sprintf("relocation_units[%d].available_to", i), "relocation unit", u.ID, u.AvailableTo)
		}
		if okF && okT && to.Before(from) {
			v.add(fmt.Sprintf("relocation_units[%d].available_to", i), "relocation unit", u.ID, "available to %s, before it is available from %s", u.AvailableTo, u.AvailableFrom)
		}
	}
}

// rehousing checks operation.rehousing: a removal trade that a crew does, the
// cleaning days, relocation units to rehouse in.
func (v *validator) rehousing() {
	r := v.p.Operation.Rehousing
	if r == nil {
		return
	}
	const e = "operation"
	id := v.p.Operation.ID
	if t := r.RemovalTradeOf(); v.x.Trades[t] == nil {
		v.add("operation.rehousing.removal_trade", e, id, "unknown trade %q (the trade of the moves out and back)", t)
	} else {
		crew := false
		for k := range v.p.Crews {
			crew = crew || slices.Contains(v.p.Crews[k].Trades, t)
		}
		if !crew {
			v.add("operation.rehousing.removal_trade", e, id, "no crew does trade %q (the moves out and back)", t)
		}
	}
	if c := r.CleaningDays; c != nil && (*c < 0 || *c > 60) {
		v.add("operation.rehousing.cleaning_days", e, id, "%d is not between 0 and 60", *c)
	}
	if len(v.p.RelocationUnits) == 0 {
		v.add("operation.rehousing", e, id, "no relocation unit to rehouse households in (relocation_units)")
	}
}

func (v *validator) relocations() {
	x := v.x
	rs := v.p.Relocations
	type stay struct {
		a, b time.Time
		i    int
	}
	// read every stay first, so that overlaps are reported in document order
	from := make([]time.Time, len(rs))
	to := make([]time.Time, len(rs))
	readable := make([]bool, len(rs))
	for i, r := range rs {
		a, err1 := ParseMoment(r.From, v.loc)
		b, err2 := ParseEndMoment(r.To, v.loc)
		from[i], to[i], readable[i] = a, b, err1 == nil && err2 == nil && b.After(a)
	}
	// overlaps: within each group sorted by start, a stay that starts before the
	// latest end so far overlaps the stay with that end; reported on the later one
	overlaps := func(key func(r *Relocation) string) map[int]int {
		groups := map[string][]stay{}
		var order []string
		for i := range rs {
			if !readable[i] {
				continue
			}
			k := key(&rs[i])
			if _, ok := groups[k]; !ok {
				order = append(order, k)
			}
			groups[k] = append(groups[k], stay{from[i], to[i], i})
		}
		out := map[int]int{}
		for _, k := range order {
			g := groups[k]
			sort.SliceStable(g, func(a, b int) bool { return g[a].a.Before(g[b].a) })
			last := g[0]
			for _, s := range g[1:] {
				if s.a.Before(last.b) {
					later, earlier := max(s.i, last.i), min(s.i, last.i)
					if _, ok := out[later]; !ok {
						out[later] = earlier
					}
				}
				if s.b.After(last.b) {
					last = s
				}
			}
		}
		return out
	}
	byUnit := overlaps(func(r *Relocation) string { return r.Unit })
	byHousehold := overlaps(func(r *Relocation) string { return r.Household })
	for i, r := range rs {
		f := fmt.Sprintf("relocations[%d]", i)
		id := r.Household + "@" + r.Unit
		v.ref(f+".household", "relocation", id, "household", r.Household, x.Households[r.Household] != nil)
		v.ref(f+".unit", "relocation", id, "relocation unit", r.Unit, x.Units[r.Unit] != nil)
		a, ok1 := v.moment(f+".from", "relocation", id, r.From, false)
		b, ok2 := v.moment(f+".to", "relocation", id, r.To, true)
		if ok1 && ok2 && !b.After(a) {
			v.add(f+".to", "relocation", id, "the stay ends (%s) before it starts (%s)", r.To, r.From)
		}
		if j, ok := byUnit[i]; ok {
			v.add(f, "relocation", id, "unit %q already hosts relocations[%d] then", r.Unit, j)
		}
		if j, ok := byHousehold[i]; ok {
			v.add(f, "relocation", id, "household %q is already relocated then (relocations[%d])", r.Household, j)
		}
	}
}

// interventions checks each intervention's fields against the entities they
// name, in document order; each intervention's checks run in the order of its
// fields in the document, the order of the errors people read.
func (v *validator) interventions() {
	p := v.p
	lim := v.interventionLimits()
	seen := map[string]int{}
	for i := range p.Interventions {
		iv := &p.Interventions[i]
		v.id("interventions", "intervention", i, iv.ID, seen)
		c := v.interventionCheck(i, iv)
		c.crew(lim)
		c.duration(lim)
		c.plainFields()
		c.times()
		c.links()
		v.interventionPractices(iv, c.f)
		switch iv.Status {
		case "", StatusPlanned, StatusAnnounced, StatusConfirmed, StatusDone, StatusMissed:
		default:
			c.add("status", "unknown status %q (planned, announced, confirmed, done or missed)", iv.Status)
		}
		if iv.Fixed() {
			v.fixed(iv, c.f, c.t)
		}
	}
}

// ivLimits are the limits the interventions' checks share: the largest crew of
// each trade, the longest window of each household's availability and carer's
// availability and of the pilots (-1: a duration that does not parse, already
// reported).
type ivLimits struct {
	largest     map[string]int
	windows     map[string]householdWindows
	pilotWindow int
}

type householdWindows struct{ avail, carer int }

func (v *validator) interventionLimits() ivLimits {
	p := v.p
	lim := ivLimits{largest: map[string]int{}, windows: map[string]householdWindows{}}
	for k := range p.Crews {
		c := &p.Crews[k]
		for _, t := range c.Trades {
			lim.largest[t] = max(lim.largest[t], c.SizeOf())
		}
	}
	for k := range p.Households {
		h := &p.Households[k]
		if _, ok := lim.windows[h.ID]; !ok {
			lim.windows[h.ID] = householdWindows{longestWindow(h.Availability), longestWindow(h.CarerAvailability)}
		}
	}
	for k := range p.Pilots {
		if m := longestWindow(p.Pilots[k].Hours()); m < 0 || lim.pilotWindow < 0 {
			lim.pilotWindow = -1
		} else {
			lim.pilotWindow = max(lim.pilotWindow, m)
		}
	}
	return lim
}

// ivCheck is the checking of one intervention: f is its place in the document
// (interventions[i]), d and t its dwelling and trade when they exist.
type ivCheck struct {
	v  *validator
	iv *Intervention
	f  string
	d  *Dwelling
	t  *Trade
	// known: the dwelling and the trade exist (the checks that need them run)
	known, needsPilot bool
}

// interventionCheck starts checking iv: its dwelling and its trade must exist.
func (v *validator) interventionCheck(i int, iv *Intervention) *ivCheck {
	x := v.x
	c := &ivCheck{v: v, iv: iv, f: fmt.Sprintf("interventions[%d]", i), d: x.Dwellings[iv.Dwelling], t: x.Trades[iv.Trade]}
	c.ref("dwelling", "dwelling", iv.Dwelling, c.d != nil)
	c.ref("trade", "trade", iv.Trade, c.t != nil)
	c.known = c.d != nil && c.t != nil
	c.needsPilot = c.known && x.NeedsPilot(iv)
	return c
}

func (c *ivCheck) add(field, format string, args ...any) {
	c.v.add(c.f+"."+field, "intervention", c.iv.ID, format, args...)
}

func (c *ivCheck) ref(field, kind, target string, known bool) bool {
	return c.v.ref(c.f+"."+field, "intervention", c.iv.ID, kind, target, known)
}

// crew: some crew of the trade is large enough for the intervention.
func (c *ivCheck) crew(lim ivLimits) {
	iv, x := c.iv, c.v.x
	if !c.known || !x.NeedsCrew(iv) || lim.largest[iv.Trade] >= x.CrewSize(iv) {
		return
	}
	switch {
	case lim.largest[iv.Trade] == 0:
		c.add("trade", "no crew can do trade %q", iv.Trade)
	case iv.CrewSize == 0:
		c.add("trade", "no crew can do trade %q with %s, as the household's %g m³ of furniture need (the largest has %s)",
			iv.Trade, workers(x.CrewSize(iv)), x.HouseholdOf(iv).FurnitureM3, workers(lim.largest[iv.Trade]))
	default:
		c.add("trade", "no crew can do trade %q with %s (the largest has %s)", iv.Trade, workers(x.CrewSize(iv)), workers(lim.largest[iv.Trade]))
	}
}

// duration: present (or a removal's, from the furniture), positive, at most 30
// working days, and within the windows it must fit in one stretch.
func (c *ivCheck) duration(lim ivLimits) {
	iv, x := c.iv, c.v.x
	dur, err := ParseDuration(iv.Duration, c.v.wd)
	if vol, ok := x.RemovalVolume(iv); ok {
		dur, err = RemovalMinutes(vol), nil
	}
	switch {
	case iv.Duration == "" && err != nil && iv.IsRemoval():
		c.add("duration", "missing duration (e.g. \"1h\", \"0.5d\"; a removal may take it from its household's furniture_m3)")
	case iv.Duration == "" && err != nil:
		c.add("duration", "missing duration (e.g. \"1h\", \"0.5d\")")
	case err != nil:
		c.add("duration", "%v", err)
	case dur <= 0:
		c.add("duration", "duration %q is not positive", iv.Duration)
	case dur > 30*c.v.wd:
		c.add("duration", "duration %q is longer than 30 working days", iv.Duration)
	case c.known && Contiguous(dur):
		c.stretch(lim, dur)
	}
}

// stretch: the windows of an intervention done in one stretch (the household's,
// its carer's, the pilots') are long enough for its dur minutes.
func (c *ivCheck) stretch(lim ivLimits, dur int) {
	iv, x := c.iv, c.v.x
	if h := x.HouseholdOf(iv); h != nil {
		access := x.AccessOf(iv)
		if access == AccessTenant || access == AccessKeys && !h.KeysWithPilot {
			w, whose, recs := lim.windows[h.ID].avail, "availability", h.Availability
			for _, pr := range x.ProfilesOf(iv) {
				if pr.NeedsCarer {
					w, whose, recs = lim.windows[h.ID].carer, "carer availability", h.CarerAvailability
				}
			}
			if len(recs) > 0 && w >= 0 && w < dur {
				c.add("duration", "%s windows of household %q last at most %s, intervention needs %s in one stretch",
					whose, h.ID, minutes(w), minutes(dur))
			}
		}
	}
	if c.needsPilot && len(c.v.p.Pilots) > 0 && lim.pilotWindow >= 0 && lim.pilotWindow < dur {
		c.add("duration", "office hours of the pilots last at most %s at a time, intervention needs %s in one stretch",
			minutes(lim.pilotWindow), minutes(dur))
	}
}

// plainFields checks crew_size, needs_pilot and access.
func (c *ivCheck) plainFields() {
	iv := c.iv
	if iv.CrewSize < 0 || iv.CrewSize > 100 {
		c.add("crew_size", "%d workers is not plausible", iv.CrewSize)
	}
	if c.needsPilot && len(c.v.p.Pilots) == 0 {
		c.add("needs_pilot", "the intervention needs the pilot but the operation has no pilot")
	}
	switch iv.Access {
	case "", AccessTenant, AccessKeys, AccessNone:
	default:
		c.add("access", "unknown access %q (tenant, keys or none)", iv.Access)
	}
}

// times checks release, deadline (after the release) and soft_deadline.
func (c *ivCheck) times() {
	iv, v := c.iv, c.v
	var rel, dl time.Time
	okRel, okDl := false, false
	if iv.Release != "" {
		rel, okRel = v.moment(c.f+".release", "intervention", iv.ID, iv.Release, false)
	}
	if iv.Deadline != "" {
		dl, okDl = v.moment(c.f+".deadline", "intervention", iv.ID, iv.Deadline, true)
	}
	if okRel && okDl && !dl.After(rel) {
		c.add("deadline", "deadline %s is not after release %s", iv.Deadline, iv.Release)
	}
	if iv.SoftDeadline != "" {
		v.moment(c.f+".soft_deadline", "intervention", iv.ID, iv.SoftDeadline, true)
	}
}

// links checks deliveries, after and relocation: what they name exists.
func (c *ivCheck) links() {
	iv, x := c.iv, c.v.x
	for k, id := range iv.Deliveries {
		c.ref(fmt.Sprintf("deliveries[%d]", k), "delivery", id, x.Deliveries[id] != nil)
	}
	for k, id := range iv.After {
		if c.ref(fmt.Sprintf("after[%d]", k), "intervention", id, x.Interventions[id] != nil) && id == iv.ID {
			c.add(fmt.Sprintf("after[%d]", k), "an intervention cannot follow itself")
		}
	}
	switch iv.Relocation {
	case "":
	case RoleMoveOut, RoleDuring, RoleMoveBack:
		if c.d != nil {
			if h := x.HouseholdOf(iv); h == nil || len(x.Stays[h.ID]) == 0 {
				c.add("relocation", "%q needs a relocation stay of the dwelling's household", iv.Relocation)
			}
		}
	default:
		c.add("relocation", "unknown role %q (move_out, during or move_back)", iv.Relocation)
	}
}

// longestWindow is the longest duration among rs in minutes, 0 if rs is empty,
// -1 if one does not parse.
func longestWindow(rs []Recurrence) int {
	m := 0
	for _, r := range rs {
		d, err := ParseDuration(r.Duration, 0)
		if err != nil || d <= 0 || d > 24*60 {
			return -1
		}
		m = max(m, d)
	}
	return m
}

// fixed checks an announced, done or pinned intervention's crew, pilot and times.
func (v *validator) fixed(iv *Intervention, f string, t *Trade) {
	add := func(field, format string, args ...any) { v.add(f+"."+field, "intervention", iv.ID, format, args...) }
	what := "an " + iv.StatusOf()
	switch {
	case iv.StatusOf() == StatusDone:
		what = "a " + StatusDone
	case iv.StatusOf() == StatusConfirmed:
		what = "a " + StatusConfirmed
	case !iv.Announced():
		what = "a pinned"
	}
	if t != nil && !t.PilotOnly {
		c := v.x.Crews[iv.Crew]
		switch {
		case iv.Crew == "":
			add("crew", "%s intervention needs its crew", what)
		case c == nil:
			add("crew", "unknown crew %q", iv.Crew)
		case !v.x.CanDo(c, iv):
			add("crew", "crew %q cannot do trade %q with %s", iv.Crew, iv.Trade, workers(v.x.CrewSize(iv)))
		}
	}
	if iv.Pilot != "" && v.x.Pilots[iv.Pilot] == nil {
		add("pilot", "unknown pilot %q", iv.Pilot)
	}
	var a, b time.Time
	okA, okB := false, false
	if iv.Start == "" {
		add("start", "%s intervention needs its start", what)
	} else {
		a, okA = v.moment(f+".start", "intervention", iv.ID, iv.Start, false)
	}
	if iv.End == "" {
		add("end", "%s intervention needs its end", what)
	} else {
		b, okB = v.moment(f+".end", "intervention", iv.ID, iv.End, false)
	}
	if okA && okB && !b.After(a) {
		add("end", "end %s is not after start %s", iv.End, iv.Start)
	}
}

func workers(n int) string {
	if n == 1 {
		return "1 worker"
	}
	return fmt.Sprintf("%d workers", n)
}

// minutes writes m minutes as a duration of the format: 45m, 1h, 1h30m.
func minutes(m int) string {
	switch {
	case m < 60:
		return fmt.Sprintf("%dm", m)
	case m%60 == 0:
		return fmt.Sprintf("%dh", m/60)
	}
	return fmt.Sprintf("%dh%02dm", m/60, m%60)
}

// cycles looks for a cycle among the interventions' precedences, the ones the
// solver will build: sequences of each dwelling or stairwell (restricted to their
// dwellings), explicit "after" lists, moving out, staying and moving back of a
// relocated household, and the pilot's visits and snags (practiceEdges). Groups
// are joined through hub nodes, so the graph stays linear in the size of the
// problem (a stairwell sequence between two trades with n interventions each is
// 2n edges, not n²). gonum's topological sort then finds whether the graph has a
// cycle (graph.cycle).
func (v *validator) cycles() {
	p, x := v.p, v.x
	b := newPrecBuilder(len(p.Interventions))
	b.groups(p, x)
	b.sequences(p, x)
	for i := range p.Interventions {
		for _, a := range p.Interventions[i].After {
			if j, ok := b.first[a]; ok && j != i {
				b.g.edge(j, i)
			}
		}
	}
	for _, id := range b.relocatedOrder {
		r := b.relocated[id]
		b.through(r.out, r.during)
		b.through(r.during, r.back)
		if len(r.during) == 0 {
			b.through(r.out, r.back)
		}
	}
	practiceEdges(p, x, b.first, b.g.edge, b.through)
	v.reportCycle(b.g.cycle())
}

// reportCycle names the interventions of cyc (the graph's nodes below the
// interventions' count), from the one that comes first in the document.
func (v *validator) reportCycle(cyc []int) {
	if cyc == nil {
		return
	}
	n := len(v.p.Interventions)
	var ids []string
	at, atK := 0, n // start at the intervention of the cycle that comes first in the document
	for _, k := range cyc {
		if k < n {
			if k < atK {
				at, atK = len(ids), k
			}
			ids = append(ids, v.p.Interventions[k].ID)
		}
	}
	if len(ids) == 0 {
		return // cannot happen: every cycle goes through an intervention
	}
	ids = append(ids[at:], ids[:at]...)
	ids = append(ids, ids[0])
	v.add("interventions", "intervention", ids[0], "cyclic sequence: %s", arrows(ids))
}

// precBuilder builds the precedence graph cycles searches: nodes 0..n-1 are the
// interventions, the others hubs.
type precBuilder struct {
	g *graph
	// dense numbers for trades, dwellings and stairwells: hub keys are integers
	tradeNo, dwellingNo, stairwellNo map[string]uint64
	byDwelling, byStairwell          *precHubs
	// first is each intervention id's first index
	first map[string]int
	// relocated is each relocated dwelling's interventions by role, in the order
	// of relocatedOrder
	relocated      map[string]*relocRoles
	relocatedOrder []string
}

// precHubs joins the interventions of one group (a dwelling, a stairwell) and
// trade: all of them -> end; start -> all of them.
type precHubs struct {
	end, start map[uint64]int
	with       map[uint64][]uint64 // trade -> groups that have it, in document order
}

type relocRoles struct{ out, during, back []int }

func newPrecBuilder(n int) *precBuilder {
	newHubs := func() *precHubs {
		return &precHubs{end: map[uint64]int{}, start: map[uint64]int{}, with: map[uint64][]uint64{}}
	}
	return &precBuilder{g: &graph{succ: make([][]int32, n)},
		tradeNo: map[string]uint64{}, dwellingNo: map[string]uint64{}, stairwellNo: map[string]uint64{},
		byDwelling: newHubs(), byStairwell: newHubs(),
		first: make(map[string]int, n), relocated: map[string]*relocRoles{}}
}

// denseNumber is s's dense number in m, a new one the first time.
func denseNumber(m map[string]uint64, s string) uint64 {
	k, ok := m[s]
	if !ok {
		k = uint64(len(m))
		m[s] = k
	}
	return k
}

func hubKey(group, trade uint64) uint64 { return group<<32 | trade }

// join puts intervention i in h's hubs of group and trade.
func (b *precBuilder) join(h *precHubs, group, trade uint64, i int) {
	k := hubKey(group, trade)
	e, ok := h.end[k]
	if !ok {
		e = b.g.node()
		h.end[k], h.start[k] = e, b.g.node()
		h.with[trade] = append(h.with[trade], group)
	}
	b.g.edge(i, e)
	b.g.edge(h.start[k], i)
}

// groups numbers the interventions' ids, joins each to its dwelling's and
// stairwell's hubs of its trade and gathers the relocated households' roles.
func (b *precBuilder) groups(p *Problem, x *Index) {
	for i := range p.Interventions {
		iv := &p.Interventions[i]
		if _, ok := b.first[iv.ID]; !ok {
			b.first[iv.ID] = i
		}
		d := x.Dwellings[iv.Dwelling]
		if d == nil || iv.Snagging() {
			continue // (a snag's visits take no part in the sequences)
		}
		t := denseNumber(b.tradeNo, iv.Trade)
		b.join(b.byDwelling, denseNumber(b.dwellingNo, d.ID), t, i)
		b.join(b.byStairwell, denseNumber(b.stairwellNo, d.Stairwell), t, i)
		switch iv.Relocation {
		case RoleMoveOut, RoleDuring, RoleMoveBack:
			r := b.relocated[d.ID]
			if r == nil {
				r = &relocRoles{}
				b.relocated[d.ID] = r
				b.relocatedOrder = append(b.relocatedOrder, d.ID)
			}
			switch iv.Relocation {
			case RoleMoveOut:
				r.out = append(r.out, i)
			case RoleDuring:
				r.during = append(r.during, i)
			default:
				r.back = append(r.back, i)
			}
		}
	}
}

// link links every group with trade a to the same group's trade b, going
// through the shorter list of groups.
func (b *precBuilder) link(h *precHubs, ta, tb uint64) {
	as, bs := h.with[ta], h.with[tb]
	if len(bs) < len(as) {
		for _, grp := range bs {
			if e, ok := h.end[hubKey(grp, ta)]; ok {
				b.g.edge(e, h.start[hubKey(grp, tb)])
			}
		}
		return
	}
	for _, grp := range as {
		if s, ok := h.start[hubKey(grp, tb)]; ok {
			b.g.edge(h.end[hubKey(grp, ta)], s)
		}
	}
}

// sequences adds the problem's sequences: each once over all the dwellings or
// stairwells, or restricted to its dwellings (through one hub a stairwell).
func (b *precBuilder) sequences(p *Problem, x *Index) {
	linked := map[[3]string]bool{}
	for _, s := range p.Sequences {
		if s.Before == s.After {
			continue // reported
		}
		ta, okA := b.tradeNo[s.Before]
		tb, okB := b.tradeNo[s.After]
		if !okA || !okB {
			continue // no intervention of one of the trades
		}
		stairwell := s.Scope == "stairwell"
		if len(s.Dwellings) == 0 {
			k := [3]string{s.Before, s.After, fmt.Sprint(stairwell)}
			if linked[k] {
				continue
			}
			linked[k] = true
			if stairwell {
				b.link(b.byStairwell, ta, tb)
			} else {
				b.link(b.byDwelling, ta, tb)
			}
			continue
		}
		b.restricted(x, s.Dwellings, ta, tb, stairwell)
	}
}

// restricted adds a sequence from trade ta to tb restricted to dwellings: in
// each dwelling, or through one hub by stairwell.
func (b *precBuilder) restricted(x *Index, dwellings []string, ta, tb uint64, stairwell bool) {
	only := map[string]bool{}
	hub := map[string]int{} // stairwell -> this sequence's hub
	for _, id := range dwellings {
		d := x.Dwellings[id]
		dn, ok := b.dwellingNo[id]
		if d == nil || !ok || only[id] {
			continue
		}
		only[id] = true
		e, okE := b.byDwelling.end[hubKey(dn, ta)]
		st, okS := b.byDwelling.start[hubKey(dn, tb)]
		if !stairwell {
			if okE && okS {
				b.g.edge(e, st)
			}
			continue
		}
		h, ok := hub[d.Stairwell]
		if !ok {
			h = b.g.node()
			hub[d.Stairwell] = h
		}
		if okE {
			b.g.edge(e, h)
		}
		if okS {
			b.g.edge(h, st)
		}
	}
}

// through joins every intervention of from to every one of to through one hub.
func (b *precBuilder) through(from, to []int) {
	if len(from) == 0 || len(to) == 0 {
		return
	}
	h := b.g.node()
	for _, i := range from {
		b.g.edge(i, h)
	}
	for _, i := range to {
		b.g.edge(h, i)
	}
}

// arrows writes a cycle a → b → c → a, shortened when long.
func arrows(cyc []string) string {
	const keep = 10
	if len(cyc) > 2*keep+1 {
		head := strings.Join(cyc[:keep], " → ")
		tail := strings.Join(cyc[len(cyc)-keep:], " → ")
		return fmt.Sprintf("%s → … (%d more) … → %s", head, len(cyc)-2*keep, tail)
	}
	return strings.Join(cyc, " → ")
}

// findCycle returns a cycle among string nodes (first node repeated at the end), or nil.
func findCycle(nodes []string, next func(string) []string) []string {
	index := map[string]int{}
	var names []string
	id := func(s string) int {
		if k, ok := index[s]; ok {
			return k
		}
		index[s] = len(names)
		names = append(names, s)
		return len(names) - 1
	}
	g := &graph{}
	for _, s := range nodes {
		id(s)
	}
	for k := 0; k < len(names); k++ {
		for len(g.succ) < len(names) {
			g.node()
		}
		for _, m := range next(names[k]) {
			j := id(m)
			for len(g.succ) < len(names) {
				g.node()
			}
			g.edge(k, j)
		}
	}
	cyc := g.cycle()
	if cyc == nil {
		return nil
	}
	out := make([]string, 0, len(cyc)+1)
	for _, k := range cyc {
		out = append(out, names[k])
	}
	return append(out, out[0])
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// StairwellIDs lists the ids of every stairwell of the operation, sorted.
func (p *Problem) StairwellIDs() []string {
	var out []string
	for _, b := range p.Buildings {
		for _, s := range b.Stairwells {
			out = append(out, s.ID)
		}
	}
	sort.Strings(out)
	return out
}
