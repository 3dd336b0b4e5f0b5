// Package model holds rehabplan's domain types: the problem an operation's works
// manager hands in (format "rehabplan/v1") and the plan that comes back (format
// "rehabplan-plan/v1").
//
// The types are plain data with JSON tags; Decode reads and validates a problem,
// DecodePlan a plan. Every other package (constraints, solver adapters, scheduler,
// httpapi) shares these types and nothing else, so that the independent verifier and
// the search never share logic.
//
// Times in the JSON documents are local to the operation's time zone:
//   - a Date is "YYYY-MM-DD";
//   - a Moment is "YYYY-MM-DD" (local midnight), "YYYY-MM-DDTHH:MM" (local wall
//     time) or RFC 3339 with an offset;
//   - a clock time of day is "HH:MM";
//   - a Duration is a sum of terms with units m, h and d, e.g. "45m", "1h30m", "0.5d";
//     "d" is one working day of the operation (Operation.WorkingDay, default 8h).
//     Lags never use "d": an elapsed lag is written in hours ("48h"), a lag in working
//     days with MinLagWorkingDays.
//
// These strings are read once. Validate (and so Decode) builds the problem's typed
// view, returned by Problem.Typed: the operation's *time.Location, horizon,
// holidays and working day, and for each entity its instants, its durations in
// minutes and its recurrences compiled (rule parsed, time of day and length in
// minutes, dates read); compile, verify, diff and explain read those instead of
// parsing again. The JSON document stays the source of truth: the view is derived,
// never serialised, and kept beside the problem rather than in it, so that Clone,
// JSON and reflect.DeepEqual see only the document. It is the problem as Validate
// last accepted it, shared and safe for concurrent use; a problem changed after
// validation is validated again (events change a clone, then validate it). A
// problem never validated, found invalid, copied by assignment, or whose lists or
// operation times have changed since, gets from each call to Typed a fresh view
// read from it as it is then, not kept. A change inside one element of a list (an
// intervention's start set in place) is not noticed: validate again after one.
package model

// Format is the value of the "format" field of every problem document this version reads.
const Format = "rehabplan/v1"

// PlanFormat is the value of the "format" field of a plan document.
const PlanFormat = "rehabplan-plan/v1"

// Problem is one operation to plan: the operation (time zone, horizon, holidays,
// policy), its trades, constraint profiles, buildings and dwellings, households,
// crews, pilots, deliveries, trade sequences, relocation units and stays, and the
// interventions to place. README.md's "The problem format" describes the document.
type Problem struct {
	Format          string           `json:"format"`
	Operation       Operation        `json:"operation"`
	Trades          []Trade          `json:"trades"`
	Profiles        []Profile        `json:"profiles,omitempty"`
	Buildings       []Building       `json:"buildings"`
	Dwellings       []Dwelling       `json:"dwellings"`
	Households      []Household      `json:"households,omitempty"`
	Crews           []Crew           `json:"crews"`
	Pilots          []Pilot          `json:"pilots,omitempty"`
	Deliveries      []Delivery       `json:"deliveries,omitempty"`
	Sequences       []Sequence       `json:"sequences,omitempty"`
	RelocationUnits []RelocationUnit `json:"relocation_units,omitempty"`
	Relocations     []Relocation     `json:"relocations,omitempty"`
	Interventions   []Intervention   `json:"interventions"`
}

// Operation carries what applies to the whole site.
type Operation struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	TimeZone string `json:"time_zone"`
	// Start and End bound the planning horizon (End inclusive).
	Start string `json:"start"`
	End   string `json:"end"`
	// Holidays names the public holiday calendar: "FR" (the default when empty) or
	// "none". ExtraHolidays adds dates (local plant closures, for example).
	Holidays      string   `json:"holidays,omitempty"`
	ExtraHolidays []string `json:"extra_holidays,omitempty"`
	// WorkingDay is the length of "1d" in intervention durations; default "8h".
	WorkingDay string `json:"working_day,omitempty"`
	// SiteHours is the default crew calendar; default Monday to Friday 08:00-12:00
	// and 13:00-17:00.
	SiteHours []Recurrence `json:"site_hours,omitempty"`
	// NoticeDays is the délai de prévenance: how many days before an appointment
	// that needs the tenant the household must be told. Default 7.
	NoticeDays *int `json:"notice_days,omitempty"`
	// Now, when set (a Moment), is when the plan is made: no intervention that is
	// not fixed starts before it, and one in an occupied dwelling starts no earlier
	// than local midnight NoticeDays days after Now's date, so that the household
	// can be told in time. A replan sets it.
	Now    string `json:"now,omitempty"`
	Policy Policy `json:"policy,omitempty"`
	// Contact is how households reach the operation's pilot: printed on the letters
	// that announce their appointments.
	Contact *Contact `json:"contact,omitempty"`
	// Rehousing, when set, lets the planner choose stays in the relocation
	// units: a household that the works would leave without water or a bathroom
	// beyond its profile's limit gets one (README "Semantics").
	Rehousing *Rehousing `json:"rehousing,omitempty"`
}

// Rehousing is how the planner rehouses households during their works.
type Rehousing struct {
	// RemovalTrade is the trade of the moves out and back; default "removal".
	RemovalTrade string `json:"removal_trade,omitempty"`
	// CleaningDays are the whole days a unit stays empty between two
	// households, for cleaning and the inventory; default 2.
	CleaningDays *int `json:"cleaning_days,omitempty"`
}

// Contact is the pilot's desk as households see it on their letters.
type Contact struct {
	// Name is who answers, e.g. "Mme Durand, pilote social".
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
	// Hours are the permanence hours, in words ("du lundi au vendredi de 9 h à 12 h").
	Hours string `json:"hours,omitempty"`
	// Address is where the permanence is held (the site office).
	Address string `json:"address,omitempty"`
}

// Policy holds the weights of the soft goals. A zero weight switches a goal off;
// nil means the default documented on each field.
type Policy struct {
	// Makespan weights the operation's end, per day (default 20).
	Makespan *float64 `json:"makespan,omitempty"`
	// DwellingEnd weights the mean end of the dwellings' works, per day (default 1).
	DwellingEnd *float64 `json:"dwelling_end,omitempty"`
	// DisturbedDays weights each disturbed day of a dwelling beyond the first (default 5).
	DisturbedDays *float64 `json:"disturbed_days,omitempty"`
	// Preferred weights each hour of an intervention outside the household's
	// preferred windows (default 1).
	Preferred *float64 `json:"preferred,omitempty"`
	// SoftDeadline weights each day past an intervention's soft deadline (default 20).
	SoftDeadline *float64 `json:"soft_deadline,omitempty"`
	// PilotExtraHours weights each hour a visit with the pilot spends in the
	// pilot's sessions or favour hours (Pilot.Sessions, Pilot.Favours), beyond
	// the office hours (default 2): they are used when they are the only way, or
	// when they save more than they cost (a day earlier at the end of the
	// operation weighs 10).
	PilotExtraHours *float64 `json:"pilot_extra_hours,omitempty"`
	// SamePilot weights each visit with the pilot that a household has with
	// another pilot than its own (Household.Pilot, else the one the planner gives
	// it), so that a household deals with one interlocutor (default 50: five days
	// of the operation's end).
	SamePilot *float64 `json:"same_pilot,omitempty"`
	// HeatingSeason is when a household may not be left without heating beyond
	// MaxHeatingCutHours (default 15 October to 15 April, both days included).
	HeatingSeason *Season `json:"heating_season,omitempty"`
	// MaxHeatingCutHours bounds, in the heating season, the hours from the start of
	// a dwelling's first intervention of a trade that cuts heating to the end of
	// its last (default 48).
	MaxHeatingCutHours *int `json:"max_heating_cut_hours,omitempty"`
	// SurveyWeeks is how many weeks after a dwelling's acceptance visit its
	// satisfaction survey comes, at the earliest (default 6).
	SurveyWeeks *int `json:"survey_weeks,omitempty"`
	// SnagDeadlineDays is how many days after the date of the acceptance visit a
	// snag's return visit must be done by, at the latest (default 30).
	SnagDeadlineDays *int `json:"snag_deadline_days,omitempty"`
	// BurdenDays is the burden threshold: a household whose dwelling is
	// disturbed on more local dates than this is listed for the landlord
	// (default 21).
	BurdenDays *int `json:"burden_days,omitempty"`
	// Burden weights each disturbed date of a household beyond BurdenDays
	// (default 20, on top of DisturbedDays).
	Burden *float64 `json:"burden,omitempty"`
}

// Season is a stretch of every year, "MM-DD" to "MM-DD", both days included; it
// may run over the new year (15 October to 15 April).
type Season struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Recurrence is a recurring window: an RFC 5545 RRULE whose occurrences start at the
// local time of day Start and last Duration.
type Recurrence struct {
	// RRule is the rule without DTSTART, e.g. "FREQ=WEEKLY;BYDAY=TU,TH".
	RRule string `json:"rrule"`
	// Start is the local time of day of each occurrence, "HH:MM".
	Start string `json:"start"`
	// Duration of each occurrence, e.g. "4h".
	Duration string `json:"duration"`
	// From is the date of the first possible occurrence (the DTSTART date); default
	// the operation's start.
	From string `json:"from,omitempty"`
	// ExDates are dates on which the rule has no occurrence (RFC 5545 EXDATE).
	ExDates []string `json:"exdates,omitempty"`
}

// Period is a stretch of time, [From, To]; a date in To means the end of that day.
type Period struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Reason string `json:"reason,omitempty"`
}

// Access values say who must let a crew in.
const (
	// AccessTenant: the tenant (or carer) must be at home in person.
	AccessTenant = "tenant"
	// AccessKeys: the tenant must be at home, unless the keys are left with the pilot;
	// then the pilot's office hours replace the tenant's availability.
	AccessKeys = "keys"
	// AccessNone: nobody needs to be at home.
	AccessNone = "none"
)

// Trade is a corps d'état and what its work does to a household.
type Trade struct {
	ID        string `json:"id"`
	Name      string `json:"name,omitempty"`
	Noisy     bool   `json:"noisy,omitempty"`
	Dusty     bool   `json:"dusty,omitempty"`
	CutsWater bool   `json:"cuts_water,omitempty"`
	CutsPower bool   `json:"cuts_power,omitempty"`
	// CutsHeating: the household is without heating while the trade works (a
	// radiator or boiler replaced); see Policy.HeatingSeason.
	CutsHeating bool `json:"cuts_heating,omitempty"`
	// CutsBathroom: the work leaves the dwelling without a usable bathroom
	// (shower, toilet), as Profile.MaxBathroomOutDays counts it.
	CutsBathroom bool `json:"cuts_bathroom,omitempty"`
	// Access is the default access of this trade's interventions: "tenant", "keys"
	// (the default) or "none".
	Access string `json:"access,omitempty"`
	// NeedsPilot is the default for this trade's interventions.
	NeedsPilot bool `json:"needs_pilot,omitempty"`
	// PilotOnly trades (visits) are carried out by the pilot alone, with no crew.
	PilotOnly bool `json:"pilot_only,omitempty"`
	// Stage marks the pilot's visits before and after the works: "diagnostic"
	// (the social diagnostic meeting, before any works in the dwelling),
	// "acceptance" (the acceptance visit, réception) or "survey" (the satisfaction
	// survey, Policy.SurveyWeeks after the acceptance). Diagnostic and survey
	// trades are pilot_only.
	Stage string `json:"stage,omitempty"`
	// Preparation is what the household is asked to do before this trade's visit,
	// printed on its letter (e.g. "Merci de vider les placards de la cuisine.");
	// empty means the default of a standard trade id (PreparationOf).
	Preparation string `json:"preparation,omitempty"`
	// NoticeDays is this trade's notice period (délai de prévenance) in days: how
	// long before one of its appointments in an occupied dwelling the household
	// must be told. Default the operation's NoticeDays.
	NoticeDays *int `json:"notice_days,omitempty"`
}

// Profile is a constraint profile from the social diagnostic: the rules a household's
// health or age imposes, never the diagnosis itself. Zero fields impose nothing.
type Profile struct {
	ID string `json:"id"`
	// MaxInterventionsPerDay caps the interventions in the dwelling per local day.
	MaxInterventionsPerDay int `json:"max_interventions_per_day,omitempty"`
	// NoWorkBefore and NoWorkAfter bound the time of day of any work ("HH:MM").
	NoWorkBefore string `json:"no_work_before,omitempty"`
	NoWorkAfter  string `json:"no_work_after,omitempty"`
	// NoisyDusty limits noisy or dusty work: "relocated" (only while the household
	// stays in a relocation unit) or "hours" (only inside NoisyHours).
	NoisyDusty string       `json:"noisy_dusty,omitempty"`
	NoisyHours []Recurrence `json:"noisy_hours,omitempty"`
	// PowerCutWithPilot: an intervention that cuts the power needs the pilot present.
	PowerCutWithPilot bool `json:"power_cut_with_pilot,omitempty"`
	// MaxWaterOutDays: from the start of the first to the end of the last
	// intervention that cuts water, at most this many calendar days.
	MaxWaterOutDays int `json:"max_water_out_days,omitempty"`
	// MaxBathroomOutDays: likewise for the interventions that cut the bathroom
	// (Trade.CutsBathroom), in dates.
	MaxBathroomOutDays int `json:"max_bathroom_out_days,omitempty"`
	// MaxDisturbedDaysPerWeek caps the local days with work in any ISO week.
	MaxDisturbedDaysPerWeek int `json:"max_disturbed_days_per_week,omitempty"`
	// NeedsCarer: the carer's availability replaces the household's for
	// interventions that need someone at home.
	NeedsCarer bool `json:"needs_carer,omitempty"`
}

// Building and its stairwells.
type Building struct {
	ID         string      `json:"id"`
	Name       string      `json:"name,omitempty"`
	Stairwells []Stairwell `json:"stairwells"`
}

// Stairwell (cage d'escalier).
type Stairwell struct {
	ID string `json:"id"`
}

// Dwelling is a logement.
type Dwelling struct {
	ID        string `json:"id"`
	Building  string `json:"building"`
	Stairwell string `json:"stairwell"`
	Floor     int    `json:"floor"`
	Rooms     int    `json:"rooms,omitempty"`
	// Household is the pseudonymous id of the household; empty when vacant.
	Household string `json:"household,omitempty"`
	Vacant    bool   `json:"vacant,omitempty"`
	// MaxCrews is how many crews may work in the dwelling at once; default 1.
	MaxCrews int `json:"max_crews,omitempty"`
}

// Household is a ménage as the social diagnostic records it.
type Household struct {
	ID string `json:"id"`
	// Availability: when someone is at home to let a crew in.
	Availability []Recurrence `json:"availability"`
	// Preferred: windows the household prefers (a soft goal).
	Preferred []Recurrence `json:"preferred,omitempty"`
	Absences  []Period     `json:"absences,omitempty"`
	// KeysWithPilot: the keys are left with the pilot.
	KeysWithPilot bool `json:"keys_with_pilot,omitempty"`
	// Profiles are ids of constraint profiles.
	Profiles []string `json:"profiles,omitempty"`
	// CarerAvailability replaces Availability when a profile needs a carer.
	CarerAvailability []Recurrence `json:"carer_availability,omitempty"`
	// FurnitureM3 is the volume of the household's furniture in cubic metres, as
	// the pilot measured it (the cubage): a removal (move_out, move_back) of the
	// household whose duration is left empty takes its duration and crew size
	// from it (RemovalCrewSize, RemovalMinutes). 0: not measured.
	FurnitureM3 float64 `json:"furniture_m3,omitempty"`
	// Pilot is the household's own pilot, its one interlocutor for every visit
	// (a soft goal weighted by Policy.SamePilot); empty: the planner gives it
	// one, by stairwell, the fewest households to each pilot.
	Pilot string `json:"pilot,omitempty"`
}

// Crew is one équipe of a contractor.
type Crew struct {
	ID         string   `json:"id"`
	Contractor string   `json:"contractor,omitempty"`
	Trades     []string `json:"trades"`
	// Size is the number of workers; default 1.
	Size int `json:"size,omitempty"`
	// Calendar is when the crew works; default the operation's site hours.
	Calendar    []Recurrence `json:"calendar,omitempty"`
	Unavailable []Period     `json:"unavailable,omitempty"`
}

// Pilot is a pilote social.
type Pilot struct {
	ID string `json:"id"`
	// OfficeHours default to Monday to Friday 09:00-12:00 and 13:30-17:30.
	OfficeHours []Recurrence `json:"office_hours,omitempty"`
	// Saturday adds a Saturday morning permanence, 09:00-12:00, as part of the
	// office hours (no extra cost; Sessions give permanences their own hours).
	Saturday bool `json:"saturday,omitempty"`
	// Sessions are permanences beyond the office hours (Saturday mornings, a late
	// evening), each recurring (RRule) or on one Date, with its own hours. Any
	// visit with the pilot may use them; each hour used costs the policy's
	// PilotExtraHours.
	Sessions []Session `json:"sessions,omitempty"`
	// Favours are hours the pilot adds for one household (Tuesday 17:30-19:00 for
	// a tenant home only in the evening): only that household's visits with this
	// pilot may use them; each hour used costs the policy's PilotExtraHours. When
	// another pilot gives someone else favours at the same hours, the household's
	// visits go to the pilots that give it favours.
	Favours []Favour `json:"favours,omitempty"`
	// Contact is how households reach the pilot (the site office's phone, an
	// address), printed on the notices they receive.
	Contact  string   `json:"contact,omitempty"`
	Absences []Period `json:"absences,omitempty"`
}

// Session is a pilot's permanence with its own hours: recurring (RRule, from From)
// or on one Date, never both.
type Session struct {
	// RRule is the rule without DTSTART, e.g. "FREQ=MONTHLY;BYDAY=1SA".
	RRule string `json:"rrule,omitempty"`
	// Date is the one day of a dated session, "YYYY-MM-DD".
	Date string `json:"date,omitempty"`
	// Start is the local time of day the session opens, "HH:MM".
	Start string `json:"start"`
	// Duration of the session, e.g. "3h".
	Duration string `json:"duration"`
	// From is the date of a recurring session's first possible occurrence;
	// default the operation's start.
	From string `json:"from,omitempty"`
}

// Favour is a pilot's extension of hours for one household.
type Favour struct {
	Household string `json:"household"`
	// RRule, Start, Duration and From are those of a Recurrence.
	RRule    string `json:"rrule"`
	Start    string `json:"start"`
	Duration string `json:"duration"`
	From     string `json:"from,omitempty"`
}

// OneDay is the rule of a dated session: one occurrence, on its From date.
const OneDay = "FREQ=DAILY;COUNT=1"

// Recurrence is the session as a recurring window: a dated one occurs once, on
// its date.
func (s *Session) Recurrence() Recurrence {
	if s.Date != "" && s.RRule == "" {
		return Recurrence{RRule: OneDay, Start: s.Start, Duration: s.Duration, From: s.Date}
	}
	return Recurrence{RRule: s.RRule, Start: s.Start, Duration: s.Duration, From: s.From}
}

// Recurrence is the favour's window.
func (f *Favour) Recurrence() Recurrence {
	return Recurrence{RRule: f.RRule, Start: f.Start, Duration: f.Duration, From: f.From}
}

// Delivery is a livraison of materials.
type Delivery struct {
	ID        string `json:"id"`
	Materials string `json:"materials,omitempty"`
	// Expected is when the materials are on site (Moment).
	Expected string `json:"expected"`
}

// Sequence orders two trades inside each dwelling (Scope "dwelling", the default) or
// inside each stairwell (Scope "stairwell": every Before intervention of the
// stairwell precedes every After one, as for risers).
type Sequence struct {
	Before string `json:"before"`
	After  string `json:"after"`
	// MinLag is elapsed time after the predecessor ends ("24h", drying).
	MinLag string `json:"min_lag,omitempty"`
	// MinLagWorkingDays is a lag in working days of the site calendar.
	MinLagWorkingDays int `json:"min_lag_working_days,omitempty"`
	// MaxLag bounds the elapsed time from the predecessor's end to the successor's start.
	MaxLag string `json:"max_lag,omitempty"`
	Scope  string `json:"scope,omitempty"`
	// Dwellings restricts the sequence to some dwellings; empty means all.
	Dwellings []string `json:"dwellings,omitempty"`
}

// RelocationUnit is a logement tiroir.
type RelocationUnit struct {
	ID       string `json:"id"`
	Building string `json:"building,omitempty"`
	// AvailableFrom and AvailableTo (dates, optional) bound the days the unit
	// may host households: every stay in it lies inside.
	AvailableFrom string `json:"available_from,omitempty"`
	AvailableTo   string `json:"available_to,omitempty"`
}

// Relocation books a household into a relocation unit for a stay [From, To].
type Relocation struct {
	Household string `json:"household"`
	Unit      string `json:"unit"`
	From      string `json:"from"`
	To        string `json:"to"`
}

// Intervention statuses.
const (
	StatusPlanned   = "planned"
	StatusAnnounced = "announced"
	// StatusConfirmed: announced, and the household confirmed it will be home. It
	// is an announced appointment in every rule (Intervention.Announced).
	StatusConfirmed = "confirmed"
	StatusDone      = "done"
	StatusMissed    = "missed"
)

// Relocation roles of an intervention.
const (
	RoleMoveOut  = "move_out"
	RoleDuring   = "during"
	RoleMoveBack = "move_back"
)

// Intervention is one job in one dwelling.
type Intervention struct {
	ID       string `json:"id"`
	Dwelling string `json:"dwelling"`
	Trade    string `json:"trade"`
	// Duration is the intervention's working time. A removal (Relocation
	// move_out or move_back) may leave it empty when its household's
	// FurnitureM3 is set: RemovalMinutes of that volume.
	Duration string `json:"duration"`
	// CrewSize is the number of workers needed; the crew's size must reach it.
	// A removal sized by volume (Duration empty, the household's FurnitureM3
	// set) needs RemovalCrewSize workers when CrewSize is 0.
	CrewSize int `json:"crew_size,omitempty"`
	// NeedsPilot and Access override the trade's defaults.
	NeedsPilot *bool  `json:"needs_pilot,omitempty"`
	Access     string `json:"access,omitempty"`
	// Release and Deadline are Moments: no start before Release, end by Deadline.
	Release  string `json:"release,omitempty"`
	Deadline string `json:"deadline,omitempty"`
	// SoftDeadline is a wish: each day beyond it costs.
	SoftDeadline string   `json:"soft_deadline,omitempty"`
	Deliveries   []string `json:"deliveries,omitempty"`
	// After lists interventions (any dwelling) that must end before this one starts.
	After []string `json:"after,omitempty"`
	// Relocation is "move_out", "during" or "move_back" for interventions tied to the
	// household's stay in a relocation unit.
	Relocation string `json:"relocation,omitempty"`
	// SnagOf makes this intervention the return visit of its trade for a snag
	// found at that acceptance visit (an intervention of a trade of stage
	// acceptance in the same dwelling): it comes after it, within
	// Policy.SnagDeadlineDays.
	SnagOf string `json:"snag_of,omitempty"`
	// CheckOf makes this pilot_only intervention the pilot's check of that return
	// visit (an intervention with SnagOf in the same dwelling): it comes after it.
	// The snag is open until its check is done.
	CheckOf string `json:"check_of,omitempty"`
	// Status is planned (default), announced, confirmed, done or missed. Announced,
	// confirmed and done interventions carry Crew, Start and End and do not move.
	Status string `json:"status,omitempty"`
	Pinned bool   `json:"pinned,omitempty"`
	Crew   string `json:"crew,omitempty"`
	// Pilot attends a fixed intervention that needs the pilot.
	Pilot string `json:"pilot,omitempty"`
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// Plan is what the solver returns and what the verifier checks.
type Plan struct {
	Format      string       `json:"format"`
	Operation   string       `json:"operation"`
	Status      string       `json:"status"`
	Seed        int64        `json:"seed"`
	Assignments []Assignment `json:"assignments"`
	Unplaced    []Unplaced   `json:"unplaced"`
	Score       *Score       `json:"score,omitempty"`
	// Interlocutors lists the households that see another pilot than their own
	// for some visit, and why (the soft goal policy.same_pilot).
	Interlocutors []Interlocutor `json:"interlocutors,omitempty"`
	// Stays lists who moves when: every relocation stay, those the problem
	// books and those the planner chose (Planned), with its moves.
	Stays []Stay `json:"stays,omitempty"`
}

// Stay reasons: why the planner rehouses a household.
const (
	StayForWater    = "water"
	StayForBathroom = "bathroom"
)

// Stay is a household's stay in a relocation unit, as the plan gives it. A
// planned one is the planner's choice: the problem does not book it, and
// ApplyStays gives the problem it plans (the stay booked, the moves out and back
// added, the works that cut water or the bathroom done while the household is
// away). From and To are dates (the stay's first and last days).
type Stay struct {
	Household string `json:"household"`
	Dwelling  string `json:"dwelling"`
	Unit      string `json:"unit"`
	From      string `json:"from"`
	To        string `json:"to"`
	Planned   bool   `json:"planned,omitempty"`
	// Reason (a planned stay's): "water" or "bathroom", the limit the works
	// would break with the household at home.
	Reason string `json:"reason,omitempty"`
	// MoveOut and MoveBack are the ids of the removals (interventions).
	MoveOut  string `json:"move_out,omitempty"`
	MoveBack string `json:"move_back,omitempty"`
}

// Interlocutor is a household whose visits are not all with its own pilot.
type Interlocutor struct {
	Household string `json:"household"`
	// Pilot is the household's own pilot (Household.Pilot, or the planner's).
	Pilot  string       `json:"pilot"`
	Visits []OtherPilot `json:"visits"`
}

// OtherPilot is a visit another pilot attends, and why the household's own
// could not, in the plan's language.
type OtherPilot struct {
	Intervention string `json:"intervention"`
	Pilot        string `json:"pilot"`
	Reason       string `json:"reason"`
}

// Assignment places one intervention.
type Assignment struct {
	Intervention string `json:"intervention"`
	Crew         string `json:"crew,omitempty"`
	Pilot        string `json:"pilot,omitempty"`
	Start        string `json:"start"`
	End          string `json:"end"`
	// Segments lists the stretches actually worked when the intervention spans
	// several windows (a two-day job); empty means one stretch [Start, End).
	Segments []Segment `json:"segments,omitempty"`
}

// Segment is one worked stretch, RFC 3339.
type Segment struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Unplaced is an intervention the plan could not place, and why.
type Unplaced struct {
	Intervention string   `json:"intervention"`
	Reasons      []Reason `json:"reasons"`
}

// Reason names the rule that blocks and says why in words a pilot understands.
type Reason struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// Score is hierarchical: hard violations first, then unplaced interventions, then the
// weighted soft goals.
type Score struct {
	Hard     int         `json:"hard"`
	Unplaced int         `json:"unplaced"`
	Soft     float64     `json:"soft"`
	Terms    []ScoreTerm `json:"terms,omitempty"`
}

// ScoreTerm is one soft goal's share of the score.
type ScoreTerm struct {
	Goal   string  `json:"goal"`
	Value  float64 `json:"value"`
	Weight float64 `json:"weight"`
	Cost   float64 `json:"cost"`
}

// DiffFormat is the value of the "format" field of a diff document: what a replan
// changed, and who must be told.
const DiffFormat = "rehabplan-diff/v1"

// Change kinds.
const (
	ChangeMoved       = "moved"        // new times (and maybe a new crew)
	ChangeCrewChanged = "crew_changed" // same times, another crew or pilot
	ChangeAdded       = "added"        // newly placed: new, or unplaced before
	ChangeCancelled   = "cancelled"    // the intervention will not be done
	ChangeUnplaced    = "unplaced"     // was placed, now cannot be
)

// Diff is what changed between two plans of an operation.
type Diff struct {
	Format    string `json:"format"`
	Operation string `json:"operation"`
	// Now is when the replan was made (RFC 3339), when known.
	Now     string      `json:"now,omitempty"`
	Summary DiffSummary `json:"summary"`
	// Changes, sorted by old start (new start for added ones), then intervention id.
	Changes []Change `json:"changes"`
	// Recipients: who must be told, households first, then crews, then pilots.
	Recipients []Recipient `json:"recipients"`
}

// DiffSummary counts the changes.
type DiffSummary struct {
	Moved int `json:"moved"`
	// AnnouncedMoved counts moved or cancelled appointments the household had been
	// told of.
	AnnouncedMoved int `json:"announced_moved"`
	CrewChanged    int `json:"crew_changed"`
	Added          int `json:"added"`
	Cancelled      int `json:"cancelled"`
	Unplaced       int `json:"unplaced"`
	// ShiftHours sums |new start - old start| over moved appointments.
	ShiftHours float64 `json:"shift_hours"`
	// OldEnd and NewEnd are the ends of the last intervention of each plan.
	OldEnd string `json:"old_end,omitempty"`
	NewEnd string `json:"new_end,omitempty"`
}

// Change is one intervention whose appointment changed.
type Change struct {
	Intervention string `json:"intervention"`
	Kind         string `json:"kind"`
	Dwelling     string `json:"dwelling"`
	Household    string `json:"household,omitempty"`
	Trade        string `json:"trade"`
	// Announced: the household had been told of the old appointment.
	Announced bool  `json:"announced,omitempty"`
	Old       *Slot `json:"old,omitempty"`
	New       *Slot `json:"new,omitempty"`
	// ShiftMinutes is new start minus old start, for moved ones.
	ShiftMinutes int `json:"shift_minutes,omitempty"`
	// Cause is the id of the event that forced the change, when one did.
	Cause string `json:"cause,omitempty"`
}

// Slot is where an appointment stands.
type Slot struct {
	Start string `json:"start"`
	End   string `json:"end"`
	Crew  string `json:"crew,omitempty"`
	Pilot string `json:"pilot,omitempty"`
}

// Recipient kinds.
const (
	RecipientHousehold = "household"
	RecipientCrew      = "crew"
	RecipientPilot     = "pilot"
)

// Recipient is someone who must be told, and what.
type Recipient struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	// Interventions are the ids of the changes this recipient is told of.
	Interventions []string `json:"interventions"`
	// Notice is the text of the notice, in French for households (the tenants'
	// language), in plain lines for crews and pilots.
	Notice string `json:"notice"`
}
