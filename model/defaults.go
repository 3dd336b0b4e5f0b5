package model

import (
	"math"
	"time"
)

// Defaults of the format, in one place. The search (constraints) and the verifier
// both read a problem through these accessors, so a default means the same thing
// everywhere.

// DefaultSiteHours is the crew calendar when neither the crew nor the operation
// gives one: Monday to Friday 08:00-12:00 and 13:00-17:00.
var DefaultSiteHours = []Recurrence{
	{RRule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", Start: "08:00", Duration: "4h"},
	{RRule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", Start: "13:00", Duration: "4h"},
}

// DefaultOfficeHours are the pilot's office hours: Monday to Friday 09:00-12:00 and
// 13:30-17:30.
var DefaultOfficeHours = []Recurrence{
	{RRule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", Start: "09:00", Duration: "3h"},
	{RRule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", Start: "13:30", Duration: "4h"},
}

// SaturdayPermanence is added to the office hours of a pilot with Saturday set.
var SaturdayPermanence = Recurrence{RRule: "FREQ=WEEKLY;BYDAY=SA", Start: "09:00", Duration: "3h"}

// WorkingDayMinutes is the length of "1d" in durations.
func (p *Problem) WorkingDayMinutes() int {
	if p.Operation.WorkingDay == "" {
		return 480
	}
	m, err := ParseDuration(p.Operation.WorkingDay, 0)
	if err != nil || m <= 0 {
		return 480
	}
	return m
}

// NoticeDays is the notice period in days (default 7).
func (p *Problem) NoticeDays() int {
	if p.Operation.NoticeDays == nil {
		return 7
	}
	return *p.Operation.NoticeDays
}

// TradeNoticeDays is the notice period of the trade's appointments: the trade's
// own, or the operation's (t nil: the operation's).
func (p *Problem) TradeNoticeDays(t *Trade) int {
	if t != nil && t.NoticeDays != nil {
		return *t.NoticeDays
	}
	return p.NoticeDays()
}

// SiteHours is the default crew calendar.
func (p *Problem) SiteHours() []Recurrence {
	if len(p.Operation.SiteHours) > 0 {
		return p.Operation.SiteHours
	}
	return DefaultSiteHours
}

// CrewCalendar is the crew's working calendar.
func (p *Problem) CrewCalendar(c *Crew) []Recurrence {
	if len(c.Calendar) > 0 {
		return c.Calendar
	}
	return p.SiteHours()
}

// Hours is when the pilot attends any household: the office hours, the Saturday
// permanence and the sessions (SessionHours).
func (pl *Pilot) Hours() []Recurrence {
	h := pl.OfficeHours
	if len(h) == 0 {
		h = DefaultOfficeHours
	}
	if pl.Saturday || len(pl.Sessions) > 0 {
		h = append([]Recurrence(nil), h...)
		if pl.Saturday {
			h = append(h, SaturdayPermanence)
		}
		h = append(h, pl.SessionHours()...)
	}
	return h
}

// SessionHours are the pilot's sessions as recurring windows, the Saturday
// permanence (which costs nothing) left out.
func (pl *Pilot) SessionHours() []Recurrence {
	var h []Recurrence
	for i := range pl.Sessions {
		h = append(h, pl.Sessions[i].Recurrence())
	}
	return h
}

// PilotExtraHoursWeight is Policy.PilotExtraHours or its default, per hour.
func (p *Problem) PilotExtraHoursWeight() float64 {
	if w := p.Operation.Policy.PilotExtraHours; w != nil {
		return *w
	}
	return 2
}

// RemovalTradeOf is the trade of the moves of planned stays.
func (r *Rehousing) RemovalTradeOf() string {
	if r == nil || r.RemovalTrade == "" {
		return "removal"
	}
	return r.RemovalTrade
}

// CleaningDaysOf is the days a unit stays empty between two households.
func (r *Rehousing) CleaningDaysOf() int {
	if r == nil || r.CleaningDays == nil {
		return 2
	}
	return *r.CleaningDays
}

// SamePilotWeight is Policy.SamePilot or its default, per visit with another
// pilot than the household's own.
func (p *Problem) SamePilotWeight() float64 {
	if w := p.Operation.Policy.SamePilot; w != nil {
		return *w
	}
	return 50
}

// CrewSizeOf is the crew's number of workers.
func (c *Crew) SizeOf() int {
	if c.Size <= 0 {
		return 1
	}
	return c.Size
}

// MaxCrewsOf is how many crews may work in the dwelling at once.
func (d *Dwelling) MaxCrewsOf() int {
	if d.MaxCrews <= 0 {
		return 1
	}
	return d.MaxCrews
}

// Occupied reports whether a household lives in the dwelling during the works.
func (d *Dwelling) Occupied() bool { return !d.Vacant && d.Household != "" }

// StatusOf is the intervention's status, "planned" by default.
func (iv *Intervention) StatusOf() string {
	if iv.Status == "" {
		return StatusPlanned
	}
	return iv.Status
}

// Fixed reports whether the intervention keeps its given Crew, Start and End:
// announced (or confirmed), done or pinned.
func (iv *Intervention) Fixed() bool {
	return iv.Announced() || iv.StatusOf() == StatusDone || iv.Pinned
}

// Announced reports whether the household was told of the appointment: status
// announced or confirmed (a confirmed appointment is an announced one in every rule).
func (iv *Intervention) Announced() bool {
	s := iv.StatusOf()
	return s == StatusAnnounced || s == StatusConfirmed
}

// NeedCrewSize is the number of workers the intervention says it needs: its
// CrewSize, at least 1. Index.CrewSize adds the removals sized by volume.
func (iv *Intervention) NeedCrewSize() int {
	if iv.CrewSize <= 0 {
		return 1
	}
	return iv.CrewSize
}

// IsRemoval reports whether the intervention moves the household out or back.
func (iv *Intervention) IsRemoval() bool {
	return iv.Relocation == RoleMoveOut || iv.Relocation == RoleMoveBack
}

// The removal rule (README "Semantics", removals by volume): a removal of V m³
// needs RemovalCrewSize(V) movers, who move RemovalM3PerMoverHour m³ an hour
// each (loading, the trip, unloading); its duration is V over the crew's hourly
// volume, rounded up to the half hour, and at least RemovalMinMinutes.
const (
	RemovalM3PerMoverHour = 1.5
	RemovalMinMinutes     = 120
	// MaxFurnitureM3 bounds a household's furniture volume.
	MaxFurnitureM3 = 300
)

// RemovalCrewSize is the movers a removal of v m³ needs: 2 up to 20 m³, 3 up to
// 40 m³, 4 beyond.
func RemovalCrewSize(v float64) int {
	switch {
	case v <= 20:
		return 2
	case v <= 40:
		return 3
	}
	return 4
}

// RemovalMinutes is the working time of a removal of v m³ by RemovalCrewSize(v)
// movers: v / (movers × 1.5 m³ an hour), rounded up to 30 minutes, at least 2h.
// 5 m³: 2h; 10 m³: 3h30; 20 m³ (2 movers): 7h; 30 m³ (3): 7h; 50 m³ (4): 8h30.
func RemovalMinutes(v float64) int {
	hours := v / (float64(RemovalCrewSize(v)) * RemovalM3PerMoverHour)
	halves := int(math.Ceil(hours*2 - 1e-9))
	return max(RemovalMinMinutes, halves*30)
}

// RemovalVolume is the furniture volume that sizes iv: ok when iv is a removal
// whose duration is left empty, in a dwelling whose household has a volume.
func (x *Index) RemovalVolume(iv *Intervention) (float64, bool) {
	if !iv.IsRemoval() || iv.Duration != "" {
		return 0, false
	}
	h := x.HouseholdOf(iv)
	if h == nil || h.FurnitureM3 <= 0 {
		return 0, false
	}
	return h.FurnitureM3, true
}

// CrewSize is the number of workers the intervention needs: its CrewSize, else
// for a removal sized by volume RemovalCrewSize, else 1.
func (x *Index) CrewSize(iv *Intervention) int {
	if iv.CrewSize > 0 {
		return iv.CrewSize
	}
	if v, ok := x.RemovalVolume(iv); ok {
		return RemovalCrewSize(v)
	}
	return 1
}

// Index gives access to a problem's entities by id. Build it with NewIndex after
// validation; it holds pointers into the problem's slices.
type Index struct {
	Trades        map[string]*Trade
	Profiles      map[string]*Profile
	Buildings     map[string]*Building
	Dwellings     map[string]*Dwelling
	Households    map[string]*Household
	Crews         map[string]*Crew
	Pilots        map[string]*Pilot
	Deliveries    map[string]*Delivery
	Units         map[string]*RelocationUnit
	Interventions map[string]*Intervention
	// Stays lists each household's relocation stays.
	Stays map[string][]*Relocation
}

// NewIndex indexes p. Duplicate ids keep the first entity (validation refuses them).
func NewIndex(p *Problem) *Index {
	x := &Index{
		Trades: map[string]*Trade{}, Profiles: map[string]*Profile{}, Buildings: map[string]*Building{},
		Dwellings: map[string]*Dwelling{}, Households: map[string]*Household{}, Crews: map[string]*Crew{},
		Pilots: map[string]*Pilot{}, Deliveries: map[string]*Delivery{}, Units: map[string]*RelocationUnit{},
		Interventions: map[string]*Intervention{}, Stays: map[string][]*Relocation{},
	}
	for i := range p.Trades {
		putFirst(x.Trades, p.Trades[i].ID, &p.Trades[i])
	}
	for i := range p.Profiles {
		putFirst(x.Profiles, p.Profiles[i].ID, &p.Profiles[i])
	}
	for i := range p.Buildings {
		putFirst(x.Buildings, p.Buildings[i].ID, &p.Buildings[i])
	}
	for i := range p.Dwellings {
		putFirst(x.Dwellings, p.Dwellings[i].ID, &p.Dwellings[i])
	}
	for i := range p.Households {
		putFirst(x.Households, p.Households[i].ID, &p.Households[i])
	}
	for i := range p.Crews {
		putFirst(x.Crews, p.Crews[i].ID, &p.Crews[i])
	}
	for i := range p.Pilots {
		putFirst(x.Pilots, p.Pilots[i].ID, &p.Pilots[i])
	}
	for i := range p.Deliveries {
		putFirst(x.Deliveries, p.Deliveries[i].ID, &p.Deliveries[i])
	}
	for i := range p.RelocationUnits {
		putFirst(x.Units, p.RelocationUnits[i].ID, &p.RelocationUnits[i])
	}
	for i := range p.Interventions {
		putFirst(x.Interventions, p.Interventions[i].ID, &p.Interventions[i])
	}
	for i := range p.Relocations {
		r := &p.Relocations[i]
		x.Stays[r.Household] = append(x.Stays[r.Household], r)
	}
	return x
}

func putFirst[T any](m map[string]*T, id string, v *T) {
	if _, ok := m[id]; !ok {
		m[id] = v
	}
}

// AccessOf is the intervention's access: its own, else its trade's, else "keys".
func (x *Index) AccessOf(iv *Intervention) string {
	if iv.Access != "" {
		return iv.Access
	}
	if t := x.Trades[iv.Trade]; t != nil && t.Access != "" {
		return t.Access
	}
	return AccessKeys
}

// NeedsPilot reports whether the pilot must attend the intervention: its own flag,
// else its trade's, a pilot-only trade, or a power cut for a household whose profile
// asks for the pilot then.
func (x *Index) NeedsPilot(iv *Intervention) bool {
	t := x.Trades[iv.Trade]
	if iv.NeedsPilot != nil && *iv.NeedsPilot {
		return true
	}
	if t != nil && (t.PilotOnly || (iv.NeedsPilot == nil && t.NeedsPilot)) {
		return true
	}
	if t != nil && t.CutsPower {
		for _, pr := range x.ProfilesOf(iv) {
			if pr.PowerCutWithPilot {
				return true
			}
		}
	}
	return false
}

// NeedsCrew reports whether a crew carries out the intervention (not a pilot-only visit).
func (x *Index) NeedsCrew(iv *Intervention) bool {
	t := x.Trades[iv.Trade]
	return t == nil || !t.PilotOnly
}

// HouseholdOf is the household living in the intervention's dwelling, or nil when the
// dwelling is vacant.
func (x *Index) HouseholdOf(iv *Intervention) *Household {
	d := x.Dwellings[iv.Dwelling]
	if d == nil || !d.Occupied() {
		return nil
	}
	return x.Households[d.Household]
}

// ProfilesOf lists the constraint profiles of the household of the intervention's dwelling.
func (x *Index) ProfilesOf(iv *Intervention) []*Profile {
	h := x.HouseholdOf(iv)
	if h == nil {
		return nil
	}
	out := make([]*Profile, 0, len(h.Profiles))
	for _, id := range h.Profiles {
		if pr := x.Profiles[id]; pr != nil {
			out = append(out, pr)
		}
	}
	return out
}

// CanDo reports whether crew c may carry out iv: the right trade and enough workers.
func (x *Index) CanDo(c *Crew, iv *Intervention) bool {
	if c.SizeOf() < x.CrewSize(iv) {
		return false
	}
	for _, t := range c.Trades {
		if t == iv.Trade {
			return true
		}
	}
	return false
}

// ContiguousMaxMinutes: an intervention of at most this many minutes is done in one
// stretch (a visit, a check); a longer one may be split across windows (a two-day
// job resumes the next working morning) and is then listed with its segments.
const ContiguousMaxMinutes = 120

// Contiguous reports whether an intervention of d minutes must be done in one stretch.
func Contiguous(d int) bool { return d <= ContiguousMaxMinutes }

// NowTime is Operation.Now in loc (ok false when not set or unreadable).
func (p *Problem) NowTime(loc *time.Location) (time.Time, bool) {
	if p.Operation.Now == "" {
		return time.Time{}, false
	}
	t, err := ParseMoment(p.Operation.Now, loc)
	return t, err == nil
}

// NoticeFloor is the earliest start of an appointment in an occupied dwelling that
// is planned at now: local midnight NoticeDays days after now's local date.
func (p *Problem) NoticeFloor(now time.Time, loc *time.Location) time.Time {
	return NoticeFloorAfter(now, loc, p.NoticeDays())
}

// TradeNoticeFloor is NoticeFloor with the trade's notice period (TradeNoticeDays).
func (p *Problem) TradeNoticeFloor(t *Trade, now time.Time, loc *time.Location) time.Time {
	return NoticeFloorAfter(now, loc, p.TradeNoticeDays(t))
}

// NoticeFloorAfter is local midnight days days after now's local date.
func NoticeFloorAfter(now time.Time, loc *time.Location, days int) time.Time {
	n := now.In(loc)
	return time.Date(n.Year(), n.Month(), n.Day()+days, 0, 0, 0, 0, loc)
}
