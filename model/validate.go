package model

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

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

// validator collects FieldErrors in document order.
type validator struct {
	p    *Problem
	loc  *time.Location
	errs []*FieldError
	wd   int
}

func (v *validator) add(field, entity, id, format string, args ...any) {
	if len(v.errs) < maxErrors {
		v.errs = append(v.errs, &FieldError{Field: field, Entity: entity, ID: id, Msg: fmt.Sprintf(format, args...)})
	}
}

// Validate checks a decoded problem: format, references, duplicates, cycles, times,
// sizes. It returns a *ValidationError listing what it found (at most 50), each
// naming the JSON path, the entity and its id.
func Validate(p *Problem) error {
	v := &validator{p: p}
	v.validate()
	if len(v.errs) > 0 {
		return &ValidationError{Errors: v.errs}
	}
	return nil
}

func (v *validator) validate() {
	p := v.p
	if p.Format != Format {
		v.add("format", "", "", "expected %q, got %q", Format, p.Format)
		return
	}
	switch {
	case len(p.Interventions) > MaxInterventions:
		v.add("interventions", "", "", "%d interventions: more than %d is not a plausible operation", len(p.Interventions), MaxInterventions)
	case len(p.Dwellings) > MaxDwellings:
		v.add("dwellings", "", "", "%d dwellings: more than %d is not a plausible operation", len(p.Dwellings), MaxDwellings)
	case len(p.Crews) > MaxCrews:
		v.add("crews", "", "", "%d crews: more than %d is not a plausible operation", len(p.Crews), MaxCrews)
	}
	if len(v.errs) > 0 {
		return
	}
	if !v.operation() {
		return // without a time zone and horizon nothing else can be read
	}
	x := NewIndex(p)
	v.ids()
	v.trades()
	v.profiles()
	v.places(x)
	v.households(x)
	v.crews()
	v.pilots()
	v.deliveries()
	v.sequences(x)
	v.relocations(x)
	v.interventions(x)
	if len(v.errs) == 0 {
		v.cycles(x)
	}
}

func (v *validator) operation() bool {
	op := &v.p.Operation
	ok := true
	if op.ID == "" {
		v.add("operation.id", "operation", "", "missing")
	}
	if op.TimeZone == "" {
		v.add("operation.time_zone", "operation", op.ID, "missing time zone (e.g. \"Europe/Paris\")")
		return false
	}
	loc, err := LoadLocation(op.TimeZone)
	if err != nil {
		v.add("operation.time_zone", "operation", op.ID, "%v", err)
		return false
	}
	v.loc = loc
	start, err := ParseDate(op.Start, loc)
	if err != nil {
		v.add("operation.start", "operation", op.ID, "%v", err)
		ok = false
	}
	end, err := ParseDate(op.End, loc)
	if err != nil {
		v.add("operation.end", "operation", op.ID, "%v", err)
		ok = false
	}
	if ok && end.Before(start) {
		v.add("operation.end", "operation", op.ID, "end %s is before start %s", op.End, op.Start)
		ok = false
	}
	if ok && end.After(start.AddDate(MaxHorizonYears, 0, 0)) {
		v.add("operation.end", "operation", op.ID, "a horizon of more than %d years is not a plausible operation", MaxHorizonYears)
		ok = false
	}
	switch op.Holidays {
	case "", "FR", "none":
	default:
		v.add("operation.holidays", "operation", op.ID, "unknown holiday calendar %q (use \"FR\" or \"none\")", op.Holidays)
	}
	for i, d := range op.ExtraHolidays {
		if _, err := ParseDate(d, loc); err != nil {
			v.add(fmt.Sprintf("operation.extra_holidays[%d]", i), "operation", op.ID, "%v", err)
		}
	}
	v.wd = 480
	if op.WorkingDay != "" {
		m, err := ParseDuration(op.WorkingDay, 0)
		switch {
		case err != nil:
			v.add("operation.working_day", "operation", op.ID, "%v", err)
		case m <= 0 || m > 24*60:
			v.add("operation.working_day", "operation", op.ID, "%q must be more than 0 and at most 24h", op.WorkingDay)
		default:
			v.wd = m
		}
	}
	if op.NoticeDays != nil && (*op.NoticeDays < 0 || *op.NoticeDays > 365) {
		v.add("operation.notice_days", "operation", op.ID, "%d is not between 0 and 365", *op.NoticeDays)
	}
	pol := op.Policy
	for _, w := range []struct {
		name string
		v    *float64
	}{{"makespan", pol.Makespan}, {"dwelling_end", pol.DwellingEnd}, {"disturbed_days", pol.DisturbedDays},
		{"preferred", pol.Preferred}, {"soft_deadline", pol.SoftDeadline}} {
		if w.v != nil && (*w.v < 0 || math.IsNaN(*w.v) || math.IsInf(*w.v, 0)) {
			v.add("operation.policy."+w.name, "operation", op.ID, "weight must be a finite number >= 0")
		}
	}
	v.recurrences("operation.site_hours", "operation", op.ID, op.SiteHours)
	return ok
}

// recurrences checks recurring windows without expanding them.
func (v *validator) recurrences(field, entity, id string, rs []Recurrence) {
	for i, r := range rs {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case strings.TrimSpace(r.RRule) == "":
			v.add(f+".rrule", entity, id, "missing rrule (e.g. \"FREQ=WEEKLY;BYDAY=TU,TH\")")
		case strings.Contains(strings.ToUpper(r.RRule), "DTSTART"):
			v.add(f+".rrule", entity, id, "rrule %q: give the first date in \"from\" and the time in \"start\", not DTSTART", r.RRule)
		default:
			if err := checkRRule(r.RRule); err != nil {
				v.add(f+".rrule", entity, id, "invalid rrule %q: %v", r.RRule, err)
			}
		}
		if _, err := ParseClock(r.Start); err != nil {
			v.add(f+".start", entity, id, "%v", err)
		}
		d, err := ParseDuration(r.Duration, 0)
		switch {
		case err != nil:
			v.add(f+".duration", entity, id, "%v", err)
		case d <= 0:
			v.add(f+".duration", entity, id, "duration %q is not positive", r.Duration)
		case d > 24*60:
			v.add(f+".duration", entity, id, "duration %q is longer than a day", r.Duration)
		}
		if r.From != "" {
			if _, err := ParseDate(r.From, v.loc); err != nil {
				v.add(f+".from", entity, id, "%v", err)
			}
		}
		for k, e := range r.ExDates {
			if _, err := ParseDate(e, v.loc); err != nil {
				v.add(fmt.Sprintf("%s.exdates[%d]", f, k), entity, id, "%v", err)
			}
		}
	}
}

func checkRRule(s string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	opt, err := rrule.StrToROption(s)
	if err != nil {
		return err
	}
	if opt.Freq == rrule.SECONDLY || opt.Freq == rrule.MINUTELY {
		return fmt.Errorf("a frequency finer than HOURLY is not a calendar of works")
	}
	opt.Dtstart = time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC)
	_, err = rrule.NewRRule(*opt)
	return err
}

func (v *validator) periods(field, entity, id string, ps []Period) {
	for i, pr := range ps {
		f := fmt.Sprintf("%s[%d]", field, i)
		a, err1 := ParseMoment(pr.From, v.loc)
		if err1 != nil {
			v.add(f+".from", entity, id, "%v", err1)
		}
		b, err2 := ParseEndMoment(pr.To, v.loc)
		if err2 != nil {
			v.add(f+".to", entity, id, "%v", err2)
		}
		if err1 == nil && err2 == nil && !b.After(a) {
			v.add(f+".to", entity, id, "ends (%s) before it starts (%s)", pr.To, pr.From)
		}
	}
}

// ids reports empty and duplicate ids, kind by kind.
func (v *validator) ids() {
	p := v.p
	check := func(kind, entity string, n int, id func(int) string) {
		seen := map[string]int{}
		for i := 0; i < n; i++ {
			s := id(i)
			f := fmt.Sprintf("%s[%d].id", kind, i)
			if s == "" {
				v.add(f, entity, "", "missing id")
				continue
			}
			if j, ok := seen[s]; ok {
				v.add(f, entity, s, "duplicate id, already used by %s[%d]", kind, j)
				continue
			}
			seen[s] = i
		}
	}
	check("trades", "trade", len(p.Trades), func(i int) string { return p.Trades[i].ID })
	check("profiles", "profile", len(p.Profiles), func(i int) string { return p.Profiles[i].ID })
	check("buildings", "building", len(p.Buildings), func(i int) string { return p.Buildings[i].ID })
	check("dwellings", "dwelling", len(p.Dwellings), func(i int) string { return p.Dwellings[i].ID })
	check("households", "household", len(p.Households), func(i int) string { return p.Households[i].ID })
	check("crews", "crew", len(p.Crews), func(i int) string { return p.Crews[i].ID })
	check("pilots", "pilot", len(p.Pilots), func(i int) string { return p.Pilots[i].ID })
	check("deliveries", "delivery", len(p.Deliveries), func(i int) string { return p.Deliveries[i].ID })
	check("relocation_units", "relocation unit", len(p.RelocationUnits), func(i int) string { return p.RelocationUnits[i].ID })
	check("interventions", "intervention", len(p.Interventions), func(i int) string { return p.Interventions[i].ID })
	seen := map[string]string{}
	for bi, b := range p.Buildings {
		for si, s := range b.Stairwells {
			f := fmt.Sprintf("buildings[%d].stairwells[%d].id", bi, si)
			if s.ID == "" {
				v.add(f, "building", b.ID, "missing stairwell id")
			} else if other, ok := seen[s.ID]; ok {
				v.add(f, "building", b.ID, "duplicate stairwell id %q, already in building %q", s.ID, other)
			} else {
				seen[s.ID] = b.ID
			}
		}
	}
}

func (v *validator) trades() {
	for i, t := range v.p.Trades {
		switch t.Access {
		case "", AccessTenant, AccessKeys, AccessNone:
		default:
			v.add(fmt.Sprintf("trades[%d].access", i), "trade", t.ID, "unknown access %q (tenant, keys or none)", t.Access)
		}
	}
}

func (v *validator) profiles() {
	for i, pr := range v.p.Profiles {
		f := fmt.Sprintf("profiles[%d]", i)
		if pr.MaxInterventionsPerDay < 0 {
			v.add(f+".max_interventions_per_day", "profile", pr.ID, "must be >= 0")
		}
		if pr.MaxWaterOutDays < 0 {
			v.add(f+".max_water_out_days", "profile", pr.ID, "must be >= 0")
		}
		if pr.MaxDisturbedDaysPerWeek < 0 || pr.MaxDisturbedDaysPerWeek > 7 {
			v.add(f+".max_disturbed_days_per_week", "profile", pr.ID, "must be between 0 and 7")
		}
		var from, to = 0, 1440
		var err error
		if pr.NoWorkBefore != "" {
			if from, err = ParseClock(pr.NoWorkBefore); err != nil {
				v.add(f+".no_work_before", "profile", pr.ID, "%v", err)
			}
		}
		if pr.NoWorkAfter != "" {
			if to, err = ParseClock(pr.NoWorkAfter); err != nil {
				v.add(f+".no_work_after", "profile", pr.ID, "%v", err)
			}
		}
		if to <= from {
			v.add(f+".no_work_after", "profile", pr.ID, "leaves no hour of the day for work")
		}
		switch pr.NoisyDusty {
		case "", "relocated":
		case "hours":
			if len(pr.NoisyHours) == 0 {
				v.add(f+".noisy_hours", "profile", pr.ID, "noisy_dusty \"hours\" needs noisy_hours")
			}
		default:
			v.add(f+".noisy_dusty", "profile", pr.ID, "unknown value %q (relocated or hours)", pr.NoisyDusty)
		}
		v.recurrences(f+".noisy_hours", "profile", pr.ID, pr.NoisyHours)
	}
}

func (v *validator) places(x *Index) {
	used := map[string]string{}
	for i, d := range v.p.Dwellings {
		f := fmt.Sprintf("dwellings[%d]", i)
		b := x.Buildings[d.Building]
		if b == nil {
			v.add(f+".building", "dwelling", d.ID, "unknown building %q", d.Building)
		} else {
			found := false
			for _, s := range b.Stairwells {
				found = found || s.ID == d.Stairwell
			}
			if !found {
				v.add(f+".stairwell", "dwelling", d.ID, "stairwell %q is not a stairwell of building %q", d.Stairwell, d.Building)
			}
		}
		if d.MaxCrews < 0 {
			v.add(f+".max_crews", "dwelling", d.ID, "must be >= 0")
		}
		if d.Rooms < 0 || d.Rooms > 20 {
			v.add(f+".rooms", "dwelling", d.ID, "%d rooms is not plausible", d.Rooms)
		}
		if d.Household == "" {
			continue
		}
		if x.Households[d.Household] == nil {
			v.add(f+".household", "dwelling", d.ID, "unknown household %q", d.Household)
		} else if other, ok := used[d.Household]; ok {
			v.add(f+".household", "dwelling", d.ID, "household %q already lives in dwelling %q", d.Household, other)
		} else {
			used[d.Household] = d.ID
		}
	}
}

func (v *validator) households(x *Index) {
	for i, h := range v.p.Households {
		f := fmt.Sprintf("households[%d]", i)
		v.recurrences(f+".availability", "household", h.ID, h.Availability)
		v.recurrences(f+".preferred", "household", h.ID, h.Preferred)
		v.recurrences(f+".carer_availability", "household", h.ID, h.CarerAvailability)
		v.periods(f+".absences", "household", h.ID, h.Absences)
		for k, pid := range h.Profiles {
			pr := x.Profiles[pid]
			if pr == nil {
				v.add(fmt.Sprintf("%s.profiles[%d]", f, k), "household", h.ID, "unknown profile %q", pid)
			} else if pr.NeedsCarer && len(h.CarerAvailability) == 0 {
				v.add(f+".carer_availability", "household", h.ID, "profile %q needs a carer: give the carer's availability", pid)
			}
		}
	}
}

func (v *validator) crews() {
	x := map[string]bool{}
	for _, t := range v.p.Trades {
		x[t.ID] = true
	}
	for i, c := range v.p.Crews {
		f := fmt.Sprintf("crews[%d]", i)
		if len(c.Trades) == 0 {
			v.add(f+".trades", "crew", c.ID, "a crew needs at least one trade")
		}
		for k, t := range c.Trades {
			if !x[t] {
				v.add(fmt.Sprintf("%s.trades[%d]", f, k), "crew", c.ID, "unknown trade %q", t)
			}
		}
		if c.Size < 0 || c.Size > 100 {
			v.add(f+".size", "crew", c.ID, "%d workers is not plausible", c.Size)
		}
		v.recurrences(f+".calendar", "crew", c.ID, c.Calendar)
		v.periods(f+".unavailable", "crew", c.ID, c.Unavailable)
	}
}

func (v *validator) pilots() {
	for i, pl := range v.p.Pilots {
		f := fmt.Sprintf("pilots[%d]", i)
		v.recurrences(f+".office_hours", "pilot", pl.ID, pl.OfficeHours)
		v.periods(f+".absences", "pilot", pl.ID, pl.Absences)
	}
}

func (v *validator) deliveries() {
	for i, d := range v.p.Deliveries {
		if _, err := ParseMoment(d.Expected, v.loc); err != nil {
			v.add(fmt.Sprintf("deliveries[%d].expected", i), "delivery", d.ID, "%v", err)
		}
	}
}

func (v *validator) sequences(x *Index) {
	for i, s := range v.p.Sequences {
		f := fmt.Sprintf("sequences[%d]", i)
		id := s.Before + "→" + s.After
		if x.Trades[s.Before] == nil {
			v.add(f+".before", "sequence", id, "unknown trade %q", s.Before)
		}
		if x.Trades[s.After] == nil {
			v.add(f+".after", "sequence", id, "unknown trade %q", s.After)
		}
		if s.Before == s.After {
			v.add(f+".after", "sequence", id, "a trade cannot follow itself")
		}
		switch s.Scope {
		case "", "dwelling", "stairwell":
		default:
			v.add(f+".scope", "sequence", id, "unknown scope %q (dwelling or stairwell)", s.Scope)
		}
		minLag, maxLag := 0, -1
		var err error
		if s.MinLag != "" {
			if minLag, err = ParseDuration(s.MinLag, 0); err != nil {
				v.add(f+".min_lag", "sequence", id, "%v", err)
			}
		}
		if s.MaxLag != "" {
			if maxLag, err = ParseDuration(s.MaxLag, 0); err != nil {
				v.add(f+".max_lag", "sequence", id, "%v", err)
			} else if maxLag < minLag {
				v.add(f+".max_lag", "sequence", id, "max_lag %s is shorter than min_lag %s", s.MaxLag, s.MinLag)
			}
		}
		if s.MinLagWorkingDays < 0 || s.MinLagWorkingDays > 365 {
			v.add(f+".min_lag_working_days", "sequence", id, "must be between 0 and 365")
		}
		for k, d := range s.Dwellings {
			if x.Dwellings[d] == nil {
				v.add(fmt.Sprintf("%s.dwellings[%d]", f, k), "sequence", id, "unknown dwelling %q", d)
			}
		}
	}
	// a cycle among the trades of dwelling-scope sequences
	succ := map[string][]string{}
	for _, s := range v.p.Sequences {
		succ[s.Before] = append(succ[s.Before], s.After)
	}
	if cyc := findCycle(sortedKeys(succ), func(n string) []string { return succ[n] }); cyc != nil {
		for i, s := range v.p.Sequences {
			if s.Before == cyc[0] && s.After == cyc[1] {
				v.add(fmt.Sprintf("sequences[%d]", i), "sequence", s.Before+"→"+s.After, "cyclic trade order: %s", strings.Join(cyc, " → "))
				break
			}
		}
	}
}

func (v *validator) relocations(x *Index) {
	type stay struct {
		a, b time.Time
		i    int
	}
	byUnit := map[string][]stay{}
	byHousehold := map[string][]stay{}
	for i, r := range v.p.Relocations {
		f := fmt.Sprintf("relocations[%d]", i)
		id := r.Household + "@" + r.Unit
		if x.Households[r.Household] == nil {
			v.add(f+".household", "relocation", id, "unknown household %q", r.Household)
		}
		if x.Units[r.Unit] == nil {
			v.add(f+".unit", "relocation", id, "unknown relocation unit %q", r.Unit)
		}
		a, err1 := ParseMoment(r.From, v.loc)
		if err1 != nil {
			v.add(f+".from", "relocation", id, "%v", err1)
		}
		b, err2 := ParseEndMoment(r.To, v.loc)
		if err2 != nil {
			v.add(f+".to", "relocation", id, "%v", err2)
		}
		if err1 != nil || err2 != nil {
			continue
		}
		if !b.After(a) {
			v.add(f+".to", "relocation", id, "the stay ends before it starts")
			continue
		}
		for _, o := range byUnit[r.Unit] {
			if a.Before(o.b) && o.a.Before(b) {
				v.add(f, "relocation", id, "unit %q already hosts relocations[%d] then", r.Unit, o.i)
			}
		}
		for _, o := range byHousehold[r.Household] {
			if a.Before(o.b) && o.a.Before(b) {
				v.add(f, "relocation", id, "household %q is already relocated then (relocations[%d])", r.Household, o.i)
			}
		}
		byUnit[r.Unit] = append(byUnit[r.Unit], stay{a, b, i})
		byHousehold[r.Household] = append(byHousehold[r.Household], stay{a, b, i})
	}
}

func (v *validator) interventions(x *Index) {
	for i := range v.p.Interventions {
		iv := &v.p.Interventions[i]
		f := fmt.Sprintf("interventions[%d]", i)
		add := func(field, format string, args ...any) { v.add(f+"."+field, "intervention", iv.ID, format, args...) }
		d := x.Dwellings[iv.Dwelling]
		if d == nil {
			add("dwelling", "unknown dwelling %q", iv.Dwelling)
		}
		t := x.Trades[iv.Trade]
		if t == nil {
			add("trade", "unknown trade %q", iv.Trade)
		}
		dur, err := ParseDuration(iv.Duration, v.wd)
		switch {
		case err != nil:
			add("duration", "%v", err)
		case dur <= 0:
			add("duration", "duration %q is not positive", iv.Duration)
		case dur > 30*v.wd:
			add("duration", "duration %q is longer than 30 working days", iv.Duration)
		}
		if iv.CrewSize < 0 || iv.CrewSize > 100 {
			add("crew_size", "%d workers is not plausible", iv.CrewSize)
		}
		switch iv.Access {
		case "", AccessTenant, AccessKeys, AccessNone:
		default:
			add("access", "unknown access %q (tenant, keys or none)", iv.Access)
		}
		switch iv.Status {
		case "", StatusPlanned, StatusAnnounced, StatusDone, StatusMissed:
		default:
			add("status", "unknown status %q (planned, announced, done or missed)", iv.Status)
		}
		var rel, dl time.Time
		if iv.Release != "" {
			if rel, err = ParseMoment(iv.Release, v.loc); err != nil {
				add("release", "%v", err)
			}
		}
		if iv.Deadline != "" {
			if dl, err = ParseEndMoment(iv.Deadline, v.loc); err != nil {
				add("deadline", "%v", err)
			} else if !rel.IsZero() && !dl.After(rel) {
				add("deadline", "deadline %s is not after release %s", iv.Deadline, iv.Release)
			}
		}
		if iv.SoftDeadline != "" {
			if _, err := ParseEndMoment(iv.SoftDeadline, v.loc); err != nil {
				add("soft_deadline", "%v", err)
			}
		}
		for k, id := range iv.Deliveries {
			if x.Deliveries[id] == nil {
				add(fmt.Sprintf("deliveries[%d]", k), "unknown delivery %q", id)
			}
		}
		for k, id := range iv.After {
			if x.Interventions[id] == nil {
				add(fmt.Sprintf("after[%d]", k), "unknown intervention %q", id)
			} else if id == iv.ID {
				add(fmt.Sprintf("after[%d]", k), "an intervention cannot follow itself")
			}
		}
		switch iv.Relocation {
		case "":
		case RoleMoveOut, RoleDuring, RoleMoveBack:
			if h := x.HouseholdOf(iv); h == nil || len(x.Stays[h.ID]) == 0 {
				add("relocation", "%q needs a relocation stay of the dwelling's household", iv.Relocation)
			}
		default:
			add("relocation", "unknown role %q (move_out, during or move_back)", iv.Relocation)
		}
		if d == nil || t == nil {
			continue
		}
		if iv.Fixed() {
			v.fixed(iv, f, t, x)
		}
		if x.NeedsCrew(iv) {
			able := false
			for k := range v.p.Crews {
				able = able || x.CanDo(&v.p.Crews[k], iv)
			}
			if !able {
				add("trade", "no crew can do trade %q with %d workers", iv.Trade, iv.NeedCrewSize())
			}
		}
		if x.NeedsPilot(iv) && len(v.p.Pilots) == 0 {
			add("needs_pilot", "the intervention needs the pilot but the operation has no pilot")
		}
		if err == nil && dur > 0 && Contiguous(dur) {
			v.shortWindows(iv, f, dur, x)
		}
	}
}

// fixed checks an announced, done or pinned intervention's crew and times.
func (v *validator) fixed(iv *Intervention, f string, t *Trade, x *Index) {
	add := func(field, format string, args ...any) { v.add(f+"."+field, "intervention", iv.ID, format, args...) }
	a, err1 := ParseMoment(iv.Start, v.loc)
	if iv.Start == "" {
		add("start", "a %s intervention needs its start", iv.StatusOf())
	} else if err1 != nil {
		add("start", "%v", err1)
	}
	b, err2 := ParseMoment(iv.End, v.loc)
	if iv.End == "" {
		add("end", "a %s intervention needs its end", iv.StatusOf())
	} else if err2 != nil {
		add("end", "%v", err2)
	}
	if iv.Start != "" && iv.End != "" && err1 == nil && err2 == nil && !b.After(a) {
		add("end", "end %s is not after start %s", iv.End, iv.Start)
	}
	if t.PilotOnly {
		return
	}
	c := x.Crews[iv.Crew]
	switch {
	case iv.Crew == "":
		add("crew", "a %s intervention needs its crew", iv.StatusOf())
	case c == nil:
		add("crew", "unknown crew %q", iv.Crew)
	case !x.CanDo(c, iv):
		add("crew", "crew %q cannot do trade %q with %d workers", iv.Crew, iv.Trade, iv.NeedCrewSize())
	}
	if iv.Pilot != "" && x.Pilots[iv.Pilot] == nil {
		add("pilot", "unknown pilot %q", iv.Pilot)
	}
}

// shortWindows: an intervention done in one stretch needs a window at least as
// long as it among the windows it must lie in.
func (v *validator) shortWindows(iv *Intervention, f string, dur int, x *Index) {
	longest := func(rs []Recurrence) int {
		m := 0
		for _, r := range rs {
			if d, err := ParseDuration(r.Duration, 0); err == nil {
				m = max(m, d)
			}
		}
		return m
	}
	if h := x.HouseholdOf(iv); h != nil {
		access := x.AccessOf(iv)
		if access == AccessTenant || access == AccessKeys && !h.KeysWithPilot {
			recs, whose := h.Availability, "availability"
			for _, pr := range x.ProfilesOf(iv) {
				if pr.NeedsCarer {
					recs, whose = h.CarerAvailability, "carer availability"
				}
			}
			if m := longest(recs); len(recs) > 0 && m < dur {
				v.add(f+".duration", "intervention", iv.ID, "the %s windows of household %q last at most %s, the intervention needs %s in one stretch",
					whose, h.ID, minutes(m), minutes(dur))
			}
		}
	}
	if x.NeedsPilot(iv) && len(v.p.Pilots) > 0 {
		m := 0
		for k := range v.p.Pilots {
			m = max(m, longest(v.p.Pilots[k].Hours()))
		}
		if m < dur {
			v.add(f+".duration", "intervention", iv.ID, "the pilots' office hours last at most %s at a time, the intervention needs %s in one stretch", minutes(m), minutes(dur))
		}
	}
}

func minutes(m int) string {
	if m%60 == 0 {
		return fmt.Sprintf("%dh", m/60)
	}
	if m < 60 {
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%dh%02d", m/60, m%60)
}

// cycles looks for a cycle among the interventions' precedences: sequences of
// each dwelling or stairwell, explicit "after" lists.
func (v *validator) cycles(x *Index) {
	p := v.p
	byDT := map[[2]string][]string{}
	bySW := map[[2]string][]string{}
	for _, iv := range p.Interventions {
		byDT[[2]string{iv.Dwelling, iv.Trade}] = append(byDT[[2]string{iv.Dwelling, iv.Trade}], iv.ID)
		sw := x.Dwellings[iv.Dwelling].Stairwell
		bySW[[2]string{sw, iv.Trade}] = append(bySW[[2]string{sw, iv.Trade}], iv.ID)
	}
	succ := map[string][]string{}
	for _, iv := range p.Interventions {
		for _, a := range iv.After {
			succ[a] = append(succ[a], iv.ID)
		}
	}
	for _, s := range p.Sequences {
		if s.Scope == "stairwell" {
			for _, sw := range p.StairwellIDs() {
				k := [2]string{sw, s.Before}
				before := bySW[k]
				for _, a := range before {
					succ[a] = append(succ[a], bySW[[2]string{k[0], s.After}]...)
				}
			}
			continue
		}
		for _, d := range p.Dwellings {
			for _, a := range byDT[[2]string{d.ID, s.Before}] {
				succ[a] = append(succ[a], byDT[[2]string{d.ID, s.After}]...)
			}
		}
	}
	ids := make([]string, len(p.Interventions))
	for i := range p.Interventions {
		ids[i] = p.Interventions[i].ID
	}
	if cyc := findCycle(ids, func(n string) []string { return succ[n] }); cyc != nil {
		v.add("interventions", "intervention", cyc[0], "cyclic sequence: %s", strings.Join(cyc, " → "))
	}
}

// findCycle returns a cycle (first node repeated at the end), or nil.
func findCycle(nodes []string, next func(string) []string) []string {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	parent := map[string]string{}
	for _, root := range nodes {
		if color[root] != white {
			continue
		}
		// iterative depth-first search
		type frame struct {
			n string
			i int
		}
		stack := []frame{{root, 0}}
		color[root] = grey
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			succ := next(top.n)
			if top.i == len(succ) {
				color[top.n] = black
				stack = stack[:len(stack)-1]
				continue
			}
			m := succ[top.i]
			top.i++
			switch color[m] {
			case white:
				color[m] = grey
				parent[m] = top.n
				stack = append(stack, frame{m, 0})
			case grey:
				cyc := []string{m}
				for n := top.n; n != m; n = parent[n] {
					cyc = append(cyc, n)
				}
				cyc = append(cyc, m)
				for i, j := 0, len(cyc)-1; i < j; i, j = i+1, j-1 {
					cyc[i], cyc[j] = cyc[j], cyc[i]
				}
				return cyc
			}
		}
	}
	return nil
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
