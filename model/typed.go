package model

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"
	"weak"

	"github.com/teambition/rrule-go"
)

// Value is one field of a problem read into a Go value: an instant, a number of
// minutes, a time of day.
type Value[T any] struct {
	V T
	// Set: the field is not empty.
	Set bool
	// Err is why the field does not read: the error of the Parse function that
	// reads it (ParseMoment, ParseDuration, ...). Optional fields that are empty are
	// not read (Err nil); required ones are, so that Err says what Parse says. It is
	// nil in every field of a valid problem.
	Err error
}

// OK reports whether the field is set and reads.
func (v Value[T]) OK() bool { return v.Set && v.Err == nil }

// Typed is the typed view of a problem: every time, duration, time of day and
// recurrence of the document, read once in the operation's time zone. Validate
// builds it and Problem.Typed returns it; see the package doc for when it is
// recomputed. The view is read-only: its slices and recurrences are shared.
//
// The fields describe the operation; the methods give the entities, each a slice
// in the order of the problem's list (index i is entity i of the list).
type Typed struct {
	// Loc is the operation's time zone (LoadLocation), or UTC when it cannot be
	// read; LocErr then says why. Every instant of the view is read in Loc.
	Loc    *time.Location
	LocErr error
	// Start and End are the local midnights of the first and the last day of the
	// horizon (operation.start, operation.end: ParseDate).
	Start, End Value[time.Time]
	// Horizon is the local midnight after End's day: the horizon is [Start, Horizon).
	// It is zero when End does not read.
	Horizon time.Time
	// Now is operation.now (ParseMoment), when set.
	Now Value[time.Time]
	// WorkingDay is the number of minutes of "1d" (Problem.WorkingDayMinutes).
	WorkingDay int
	// HolidayDates are Problem.HolidayDates; Holidays holds each read as a date.
	HolidayDates []string
	Holidays     []Value[time.Time]

	p     *Problem // the problem the sections read; cleared once they are all built
	shape shape
	once  [numSections]sync.Once
	// the sections, built once each on first use (all at once by Validate)
	siteHours     []TypedRecurrence
	profiles      []TypedProfile
	households    []TypedHousehold
	crews         []TypedCrew
	pilots        []TypedPilot
	deliveries    []TypedDelivery
	sequences     []TypedSequence
	relocations   []TypedPeriod
	interventions []TypedIntervention
	byID          map[string]int // intervention id -> first index
}

// TypedRecurrence is a Recurrence read: its rule parsed (ParseRRule, in the
// operation's time zone), its time of day and length in minutes, its dates.
type TypedRecurrence struct {
	// Source is the recurrence as the document gives it (for messages and keys).
	Source Recurrence
	// Start is the time of day of each occurrence, in minutes after local midnight
	// (ParseClock).
	Start Value[int]
	// Length is the duration of each occurrence in minutes (ParseDuration, no "d").
	Length Value[int]
	// From is the local midnight of the first possible occurrence's date; not Set
	// when the recurrence starts with the operation.
	From Value[time.Time]
	// ExDates are the local midnights of the dates without occurrence.
	ExDates []Value[time.Time]
	rule    *rrule.ROption
	ruleErr error
}

// Rule is the recurrence's rule, as ParseRRule read it (without DTSTART), or
// ParseRRule's error. The options are a copy: set Dtstart and Until on it freely;
// their slices are shared and must not be modified.
func (r *TypedRecurrence) Rule() (rrule.ROption, error) {
	if r.ruleErr != nil {
		return rrule.ROption{}, r.ruleErr
	}
	return *r.rule, nil
}

// TypedPeriod is a Period (or a relocation stay) read: From by ParseMoment, To by
// ParseEndMoment (a date in To means the end of that day).
type TypedPeriod struct {
	From, To Value[time.Time]
}

// TypedProfile is a Profile read: its hours of work in minutes after local
// midnight (ParseClock), when set, and its noisy hours.
type TypedProfile struct {
	NoWorkBefore, NoWorkAfter Value[int]
	NoisyHours                []TypedRecurrence
}

// TypedHousehold is a Household read.
type TypedHousehold struct {
	Availability, Preferred, CarerAvailability []TypedRecurrence
	Absences                                   []TypedPeriod
}

// TypedCrew is a Crew read. Calendar is Problem.CrewCalendar: the operation's site
// hours (or their default) when the crew has no calendar of its own.
type TypedCrew struct {
	Calendar    []TypedRecurrence
	Unavailable []TypedPeriod
}

// TypedPilot is a Pilot read. Hours is Pilot.Hours: the office hours (or their
// default), the Saturday permanence and the sessions; Sessions is
// Pilot.SessionHours, the sessions alone (the hours that cost); Favours are the
// pilot's favours, in the order of Pilot.Favours.
type TypedPilot struct {
	Hours    []TypedRecurrence
	Sessions []TypedRecurrence
	Favours  []TypedFavour
	Absences []TypedPeriod
}

// TypedFavour is a Favour read: its household and its window.
type TypedFavour struct {
	Household string
	Window    TypedRecurrence
}

// FavoursFor are the windows the pilot extends for household h (nil when none).
func (tp *TypedPilot) FavoursFor(h string) []TypedRecurrence {
	var out []TypedRecurrence
	for i := range tp.Favours {
		if tp.Favours[i].Household == h {
			out = append(out, tp.Favours[i].Window)
		}
	}
	return out
}

// TypedDelivery is a Delivery read: Expected by ParseMoment.
type TypedDelivery struct {
	Expected Value[time.Time]
}

// TypedSequence is a Sequence read: its lags in minutes (ParseDuration, no "d").
type TypedSequence struct {
	MinLag, MaxLag Value[int]
}

// TypedIntervention is an Intervention read.
type TypedIntervention struct {
	// Minutes is the duration (ParseDuration with the operation's working day).
	Minutes Value[int]
	// Release by ParseMoment; Deadline and SoftDeadline by ParseEndMoment (a date
	// means the end of that day).
	Release, Deadline, SoftDeadline Value[time.Time]
	// Start and End by ParseMoment; read when set, and when the intervention is
	// Fixed (they are then required).
	Start, End Value[time.Time]
}

const (
	secSiteHours = iota
	secProfiles
	secHouseholds
	secCrews
	secPilots
	secDeliveries
	secSequences
	secRelocations
	secInterventions
	secByID
	numSections
)

// SiteHours is Problem.SiteHours read.
func (t *Typed) SiteHours() []TypedRecurrence {
	t.once[secSiteHours].Do(func() { t.siteHours = newRecurrenceReader(t.Loc).all(t.p.SiteHours()) })
	return t.siteHours
}

// Profiles are the problem's profiles read, in the order of Problem.Profiles.
func (t *Typed) Profiles() []TypedProfile {
	t.once[secProfiles].Do(func() {
		rr := newRecurrenceReader(t.Loc)
		t.profiles = make([]TypedProfile, len(t.p.Profiles))
		for i := range t.p.Profiles {
			pr := &t.p.Profiles[i]
			t.profiles[i] = TypedProfile{NoWorkBefore: optional(pr.NoWorkBefore, ParseClock),
				NoWorkAfter: optional(pr.NoWorkAfter, ParseClock), NoisyHours: rr.all(pr.NoisyHours)}
		}
	})
	return t.profiles
}

// Households are the problem's households read, in the order of Problem.Households.
func (t *Typed) Households() []TypedHousehold {
	t.once[secHouseholds].Do(func() {
		rr := newRecurrenceReader(t.Loc)
		t.households = make([]TypedHousehold, len(t.p.Households))
		for i := range t.p.Households {
			h := &t.p.Households[i]
			t.households[i] = TypedHousehold{Availability: rr.all(h.Availability), Preferred: rr.all(h.Preferred),
				CarerAvailability: rr.all(h.CarerAvailability), Absences: t.periods(h.Absences)}
		}
	})
	return t.households
}

// Crews are the problem's crews read, in the order of Problem.Crews.
func (t *Typed) Crews() []TypedCrew {
	t.once[secCrews].Do(func() {
		rr := newRecurrenceReader(t.Loc)
		t.crews = make([]TypedCrew, len(t.p.Crews))
		for i := range t.p.Crews {
			c := &t.p.Crews[i]
			t.crews[i] = TypedCrew{Calendar: rr.all(t.p.CrewCalendar(c)), Unavailable: t.periods(c.Unavailable)}
		}
	})
	return t.crews
}

// Pilots are the problem's pilots read, in the order of Problem.Pilots.
func (t *Typed) Pilots() []TypedPilot {
	t.once[secPilots].Do(func() {
		rr := newRecurrenceReader(t.Loc)
		t.pilots = make([]TypedPilot, len(t.p.Pilots))
		for i := range t.p.Pilots {
			pl := &t.p.Pilots[i]
			t.pilots[i] = TypedPilot{Hours: rr.all(pl.Hours()), Sessions: rr.all(pl.SessionHours()), Absences: t.periods(pl.Absences)}
			if len(pl.Favours) > 0 {
				t.pilots[i].Favours = make([]TypedFavour, len(pl.Favours))
				for k := range pl.Favours {
					r := pl.Favours[k].Recurrence()
					t.pilots[i].Favours[k] = TypedFavour{Household: pl.Favours[k].Household, Window: rr.one(&r)}
				}
			}
		}
	})
	return t.pilots
}

// Deliveries are the problem's deliveries read, in the order of Problem.Deliveries.
func (t *Typed) Deliveries() []TypedDelivery {
	t.once[secDeliveries].Do(func() {
		t.deliveries = make([]TypedDelivery, len(t.p.Deliveries))
		for i := range t.p.Deliveries {
			t.deliveries[i].Expected = t.required(t.p.Deliveries[i].Expected, ParseMoment)
		}
	})
	return t.deliveries
}

// Sequences are the problem's sequences read, in the order of Problem.Sequences.
func (t *Typed) Sequences() []TypedSequence {
	t.once[secSequences].Do(func() {
		t.sequences = make([]TypedSequence, len(t.p.Sequences))
		for i := range t.p.Sequences {
			s := &t.p.Sequences[i]
			t.sequences[i] = TypedSequence{MinLag: optional(s.MinLag, lag), MaxLag: optional(s.MaxLag, lag)}
		}
	})
	return t.sequences
}

// Relocations are the problem's relocation stays read, in the order of
// Problem.Relocations.
func (t *Typed) Relocations() []TypedPeriod {
	t.once[secRelocations].Do(func() {
		t.relocations = make([]TypedPeriod, len(t.p.Relocations))
		for i := range t.p.Relocations {
			r := &t.p.Relocations[i]
			t.relocations[i] = TypedPeriod{From: t.required(r.From, ParseMoment), To: t.required(r.To, ParseEndMoment)}
		}
	})
	return t.relocations
}

// Interventions are the problem's interventions read, in the order of
// Problem.Interventions.
func (t *Typed) Interventions() []TypedIntervention {
	t.once[secInterventions].Do(func() {
		wd := t.WorkingDay
		minutes := func(s string) (int, error) { return ParseDuration(s, wd) }
		t.interventions = make([]TypedIntervention, len(t.p.Interventions))
		for i := range t.p.Interventions {
			iv := &t.p.Interventions[i]
			ti := &t.interventions[i]
			if v, ok := t.removalVolume(iv); ok {
				ti.Minutes = Value[int]{V: RemovalMinutes(v), Set: true}
			} else {
				ti.Minutes = required(iv.Duration, minutes)
			}
			ti.Release = t.optional(iv.Release, ParseMoment)
			ti.Deadline = t.optional(iv.Deadline, ParseEndMoment)
			ti.SoftDeadline = t.optional(iv.SoftDeadline, ParseEndMoment)
			if iv.Fixed() {
				ti.Start, ti.End = t.required(iv.Start, ParseMoment), t.required(iv.End, ParseMoment)
			} else {
				ti.Start, ti.End = t.optional(iv.Start, ParseMoment), t.optional(iv.End, ParseMoment)
			}
		}
	})
	return t.interventions
}

// removalVolume is the furniture volume of the household of iv's dwelling (ok
// when it has one), as Index.RemovalVolume reads it.
func (t *Typed) removalVolume(iv *Intervention) (float64, bool) {
	if iv.Duration != "" || !iv.IsRemoval() {
		return 0, false
	}
	var hid string
	for i := range t.p.Dwellings {
		if d := &t.p.Dwellings[i]; d.ID == iv.Dwelling {
			if !d.Occupied() {
				return 0, false
			}
			hid = d.Household
			break
		}
	}
	for i := range t.p.Households {
		if h := &t.p.Households[i]; h.ID == hid && hid != "" {
			return h.FurnitureM3, h.FurnitureM3 > 0
		}
	}
	return 0, false
}

// Intervention is the intervention of that id read (the first of that id, as in
// Index), or nil when the problem has none.
func (t *Typed) Intervention(id string) *TypedIntervention {
	ivs := t.Interventions()
	t.once[secByID].Do(func() {
		t.byID = make(map[string]int, len(ivs))
		for i := range ivs {
			if _, dup := t.byID[t.p.Interventions[i].ID]; !dup {
				t.byID[t.p.Interventions[i].ID] = i
			}
		}
	})
	i, ok := t.byID[id]
	if !ok {
		return nil
	}
	return &ivs[i]
}

// The ...Of methods find an entity's typed values from a pointer to the entity, as
// Index and NewIndex give them: a pointer into the list of the problem the view
// was read from. They return nil for any other pointer (an entity of a copy).

// InterventionOf is iv read.
func (t *Typed) InterventionOf(iv *Intervention) *TypedIntervention {
	return at(t.Interventions(), indexIn(t.shape.interventions, iv))
}

// ProfileOf is pr read.
func (t *Typed) ProfileOf(pr *Profile) *TypedProfile {
	return at(t.Profiles(), indexIn(t.shape.profiles, pr))
}

// HouseholdOf is h read.
func (t *Typed) HouseholdOf(h *Household) *TypedHousehold {
	return at(t.Households(), indexIn(t.shape.households, h))
}

// CrewOf is c read.
func (t *Typed) CrewOf(c *Crew) *TypedCrew { return at(t.Crews(), indexIn(t.shape.crews, c)) }

// PilotOf is pl read.
func (t *Typed) PilotOf(pl *Pilot) *TypedPilot { return at(t.Pilots(), indexIn(t.shape.pilots, pl)) }

// DeliveryOf is d read.
func (t *Typed) DeliveryOf(d *Delivery) *TypedDelivery {
	return at(t.Deliveries(), indexIn(t.shape.deliveries, d))
}

// SequenceOf is s read.
func (t *Typed) SequenceOf(s *Sequence) *TypedSequence {
	return at(t.Sequences(), indexIn(t.shape.sequences, s))
}

// RelocationOf is the stay r read.
func (t *Typed) RelocationOf(r *Relocation) *TypedPeriod {
	return at(t.Relocations(), indexIn(t.shape.relocations, r))
}

// indexIn is the index of the element e of s, or -1 when e does not point to one.
func indexIn[T any](s []T, e *T) int {
	if len(s) == 0 || e == nil {
		return -1
	}
	size := unsafe.Sizeof(s[0])
	base, addr := uintptr(unsafe.Pointer(&s[0])), uintptr(unsafe.Pointer(e))
	if size == 0 || addr < base || (addr-base)%size != 0 {
		return -1
	}
	i := (addr - base) / size
	if i >= uintptr(len(s)) || &s[i] != e {
		return -1
	}
	return int(i)
}

func at[T any](s []T, i int) *T {
	if i < 0 {
		return nil
	}
	return &s[i]
}

// all builds every section (Validate does, so that the view is the problem as
// validated) and lets go of the problem.
func (t *Typed) all() {
	t.SiteHours()
	t.Profiles()
	t.Households()
	t.Crews()
	t.Pilots()
	t.Deliveries()
	t.Sequences()
	t.Relocations()
	t.Intervention("")
	t.p = nil
}

func (t *Typed) periods(ps []Period) []TypedPeriod {
	if len(ps) == 0 {
		return nil
	}
	out := make([]TypedPeriod, len(ps))
	for i := range ps {
		out[i] = TypedPeriod{From: t.required(ps[i].From, ParseMoment), To: t.required(ps[i].To, ParseEndMoment)}
	}
	return out
}

// required reads s in the view's time zone, even when empty.
func (t *Typed) required(s string, parse func(string, *time.Location) (time.Time, error)) Value[time.Time] {
	v, err := parse(s, t.Loc)
	return Value[time.Time]{V: v, Set: s != "", Err: err}
}

// optional reads s in the view's time zone when it is not empty.
func (t *Typed) optional(s string, parse func(string, *time.Location) (time.Time, error)) Value[time.Time] {
	if s == "" {
		return Value[time.Time]{}
	}
	return t.required(s, parse)
}

func required[T any](s string, parse func(string) (T, error)) Value[T] {
	v, err := parse(s)
	return Value[T]{V: v, Set: s != "", Err: err}
}

func optional[T any](s string, parse func(string) (T, error)) Value[T] {
	if s == "" {
		return Value[T]{}
	}
	return required(s, parse)
}

// lag reads a sequence's lag: hours and minutes, never "d".
func lag(s string) (int, error) { return ParseDuration(s, 0) }

// recurrenceReader reads recurrences, each distinct one once: thousands of
// households share a few patterns, which then share their TypedRecurrence.
type recurrenceReader struct {
	loc  *time.Location
	seen map[string]TypedRecurrence
}

func newRecurrenceReader(loc *time.Location) *recurrenceReader {
	return &recurrenceReader{loc: loc, seen: map[string]TypedRecurrence{}}
}

func (rr *recurrenceReader) all(rs []Recurrence) []TypedRecurrence {
	if len(rs) == 0 {
		return nil
	}
	out := make([]TypedRecurrence, len(rs))
	for i := range rs {
		out[i] = rr.one(&rs[i])
	}
	return out
}

func (rr *recurrenceReader) one(r *Recurrence) TypedRecurrence {
	key := r.RRule + "\x00" + r.Start + "\x00" + r.Duration + "\x00" + r.From + "\x00" + strings.Join(r.ExDates, "\x00")
	if tr, ok := rr.seen[key]; ok {
		return tr
	}
	tr := TypedRecurrence{Source: *r, Start: required(r.Start, ParseClock), Length: required(r.Duration, lag)}
	if r.From != "" {
		v, err := ParseDate(r.From, rr.loc)
		tr.From = Value[time.Time]{V: v, Set: true, Err: err}
	}
	if len(r.ExDates) > 0 {
		tr.ExDates = make([]Value[time.Time], len(r.ExDates))
		for k, d := range r.ExDates {
			v, err := ParseDate(d, rr.loc)
			tr.ExDates[k] = Value[time.Time]{V: v, Set: d != "", Err: err}
		}
	}
	tr.rule, tr.ruleErr = parseRule(r.RRule, rr.loc)
	rr.seen[key] = tr
	return tr
}

// parseRule is ParseRRule, with a panic of rrule-go turned into an error.
func parseRule(s string, loc *time.Location) (opt *rrule.ROption, err error) {
	defer func() {
		if r := recover(); r != nil {
			opt, err = nil, fmt.Errorf("%v", r)
		}
	}()
	return ParseRRule(s, loc)
}

// newTyped reads the operation of p; the sections are read on first use.
func newTyped(p *Problem) *Typed {
	op := &p.Operation
	t := &Typed{p: p, shape: shapeOf(p), WorkingDay: p.WorkingDayMinutes()}
	t.Loc, t.LocErr = LoadLocation(op.TimeZone)
	if t.LocErr != nil {
		t.Loc = time.UTC
	}
	t.Start = t.required(op.Start, ParseDate)
	t.End = t.required(op.End, ParseDate)
	if t.End.Err == nil {
		e := t.End.V
		t.Horizon = time.Date(e.Year(), e.Month(), e.Day()+1, 0, 0, 0, 0, t.Loc)
	}
	t.Now = t.optional(op.Now, ParseMoment)
	if t.LocErr == nil && t.Start.Err == nil && t.End.Err == nil {
		t.HolidayDates = p.holidayDates(t.Start.V, t.End.V)
		t.Holidays = make([]Value[time.Time], len(t.HolidayDates))
		for i, d := range t.HolidayDates {
			v, err := ParseDate(d, t.Loc)
			t.Holidays[i] = Value[time.Time]{V: v, Set: d != "", Err: err}
		}
	}
	return t
}

// shape is what a view remembers of its problem to notice that the problem has
// changed since: its lists (replaced, grown or shrunk) and the operation's times.
// A change inside an element of a list (an intervention's start set in place) is
// not seen: see the package doc.
type shape struct {
	zone, start, end, now, workingDay, holidays string
	extraHolidays                               []string
	siteHours                                   []Recurrence
	profiles                                    []Profile
	households                                  []Household
	crews                                       []Crew
	pilots                                      []Pilot
	deliveries                                  []Delivery
	sequences                                   []Sequence
	relocations                                 []Relocation
	interventions                               []Intervention
}

func shapeOf(p *Problem) shape {
	op := &p.Operation
	return shape{op.TimeZone, op.Start, op.End, op.Now, op.WorkingDay, op.Holidays, op.ExtraHolidays, op.SiteHours,
		p.Profiles, p.Households, p.Crews, p.Pilots, p.Deliveries, p.Sequences, p.Relocations, p.Interventions}
}

func (s *shape) same(o *shape) bool {
	return s.zone == o.zone && s.start == o.start && s.end == o.end && s.now == o.now &&
		s.workingDay == o.workingDay && s.holidays == o.holidays &&
		sameList(s.extraHolidays, o.extraHolidays) && sameList(s.siteHours, o.siteHours) &&
		sameList(s.profiles, o.profiles) && sameList(s.households, o.households) &&
		sameList(s.crews, o.crews) && sameList(s.pilots, o.pilots) &&
		sameList(s.deliveries, o.deliveries) && sameList(s.sequences, o.sequences) &&
		sameList(s.relocations, o.relocations) && sameList(s.interventions, o.interventions)
}

// sameList reports whether a and b are the same slice: same length, same array.
func sameList[T any](a, b []T) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// views holds the view Validate built for each problem it found valid, by weak
// pointer: the Problem struct has no field for it (a copy of a problem, by Clone
// or by assignment, is another pointer and has no view; reflect.DeepEqual and JSON
// see only the document), and an entry goes with its problem.
var views sync.Map // weak.Pointer[Problem] -> *Typed (nil: validated, invalid)

// keepTyped records p's view after a validation: built whole when p is valid,
// none otherwise.
func keepTyped(p *Problem, valid bool) {
	var t *Typed
	if valid {
		t = newTyped(p)
		t.all()
	}
	k := weak.Make(p)
	if _, had := views.Swap(k, t); !had {
		runtime.AddCleanup(p, func(k weak.Pointer[Problem]) { views.Delete(k) }, k)
	}
}

// Typed returns the problem's typed view. After Validate has accepted p, it is the
// view Validate built (shared, and safe for concurrent use); otherwise (p never
// validated, found invalid, a copy, or changed since: a list replaced or resized,
// an operation time changed) it is a new view read from p as it is now, not kept.
// Typed never panics: what does not read is in the Err of its Value (and LocErr).
// Call it once and keep the view while p does not change: without a kept view,
// each call reads p anew.
func (p *Problem) Typed() *Typed {
	if p == nil {
		return newTyped(&Problem{})
	}
	if v, ok := views.Load(weak.Make(p)); ok {
		if t := v.(*Typed); t != nil {
			s := shapeOf(p)
			if t.shape.same(&s) {
				return t
			}
		}
	}
	return newTyped(p)
}
