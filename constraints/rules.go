// Package constraints holds rehabplan's rules: each hard constraint of the domain is
// one named rule that says what it requires, turns itself into the solver's terms
// (tasks, resources, calendars, precedences) for the search, checks a finished plan
// from scratch for the verifier, and explains in a pilot's words why it is broken or
// why it keeps an intervention from being placed.
//
// The verifier (Verify) and the search compilation (Compile) share nothing but the
// model types: Verify expands RRULEs itself with rrule-go and works on time.Time.
package constraints

// Rule is a named hard constraint of DOMAIN.md.
type Rule interface {
	// Name is the rule's stable identifier, e.g. "crew-calendar".
	Name() string
	// Number is the hard constraint's number in DOMAIN.md (1-10); 0 for structural checks.
	Number() int
	// Requires says in one sentence what the rule requires.
	Requires() string
}

// Violation is one breach of a rule by a plan.
type Violation struct {
	Rule         string `json:"rule"`
	Intervention string `json:"intervention,omitempty"`
	Message      string `json:"message"`
}

func (v Violation) String() string {
	if v.Intervention != "" {
		return v.Rule + ": " + v.Intervention + ": " + v.Message
	}
	return v.Rule + ": " + v.Message
}

// The rules, one type each. Their methods live in the files named after them
// (what they require here, Check in check_*.go, compilation in compile.go).
type (
	CrewCalendar       struct{} // 1
	TenantAvailability struct{} // 2
	PilotOfficeHours   struct{} // 3
	TradeSequence      struct{} // 4
	ReleaseDeadline    struct{} // 5
	DwellingCapacity   struct{} // 6
	HouseholdProfile   struct{} // 7
	RelocationRule     struct{} // 8
	FrozenAppointments struct{} // 9
	LocalTime          struct{} // 10
	PlanStructure      struct{} // 0: every intervention once, durations, known ids
)

// Rule names.
const (
	NameCrewCalendar       = "crew-calendar"
	NameTenantAvailability = "tenant-availability"
	NamePilotOfficeHours   = "pilot-office-hours"
	NameTradeSequence      = "trade-sequence"
	NameReleaseDeadline    = "release-delivery-deadline"
	NameDwellingCapacity   = "dwelling-capacity"
	NameHouseholdProfile   = "household-profile"
	NameRelocation         = "relocation"
	NameFrozen             = "frozen-appointments"
	NameLocalTime          = "local-time"
	NamePlanStructure      = "plan-structure"
)

func (CrewCalendar) Name() string       { return NameCrewCalendar }
func (TenantAvailability) Name() string { return NameTenantAvailability }
func (PilotOfficeHours) Name() string   { return NamePilotOfficeHours }
func (TradeSequence) Name() string      { return NameTradeSequence }
func (ReleaseDeadline) Name() string    { return NameReleaseDeadline }
func (DwellingCapacity) Name() string   { return NameDwellingCapacity }
func (HouseholdProfile) Name() string   { return NameHouseholdProfile }
func (RelocationRule) Name() string     { return NameRelocation }
func (FrozenAppointments) Name() string { return NameFrozen }
func (LocalTime) Name() string          { return NameLocalTime }
func (PlanStructure) Name() string      { return NamePlanStructure }

func (CrewCalendar) Number() int       { return 1 }
func (TenantAvailability) Number() int { return 2 }
func (PilotOfficeHours) Number() int   { return 3 }
func (TradeSequence) Number() int      { return 4 }
func (ReleaseDeadline) Number() int    { return 5 }
func (DwellingCapacity) Number() int   { return 6 }
func (HouseholdProfile) Number() int   { return 7 }
func (RelocationRule) Number() int     { return 8 }
func (FrozenAppointments) Number() int { return 9 }
func (LocalTime) Number() int          { return 10 }
func (PlanStructure) Number() int      { return 0 }

func (CrewCalendar) Requires() string {
	return "a crew works only inside its calendar, outside its unavailability and public holidays, on one intervention at a time, and only in its own trade with enough workers"
}
func (TenantAvailability) Requires() string {
	return "an intervention that needs someone at home lies inside the household's (or the carer's) availability and outside its absences; with the keys left with the pilot, inside the pilot's office hours"
}
func (PilotOfficeHours) Requires() string {
	return "an intervention that needs the pilot lies inside that pilot's office hours, outside absences and holidays, and the pilot is in one place at a time"
}
func (TradeSequence) Requires() string {
	return "in each dwelling (or stairwell) a trade starts only after the trades before it have ended plus the drying lag, and no later than the maximum lag"
}
func (ReleaseDeadline) Requires() string {
	return "no intervention starts before its release date or before its deliveries arrive, every deadline is met, and all work lies inside the operation's horizon"
}
func (DwellingCapacity) Requires() string {
	return "at most the dwelling's maximum number of crews work in it at once"
}
func (HouseholdProfile) Requires() string {
	return "the household's constraint profile holds: interventions per day, hours of work, noisy or dusty work, power cuts with the pilot, days without water, disturbed days per week"
}
func (RelocationRule) Requires() string {
	return "a relocation unit hosts one household at a time, a household stays in one unit at a time, and moving out, heavy works and moving back lie inside the stay in that order"
}
func (FrozenAppointments) Requires() string {
	return "announced, done and pinned interventions keep their crew and their times; when the plan is made at a given time (operation.now), no other intervention starts before it, and one in an occupied dwelling starts no earlier than the notice owed to the household"
}
func (LocalTime) Requires() string {
	return "every time in the plan is the operation's local time, with the offset in force at that instant (daylight saving included)"
}
func (PlanStructure) Requires() string {
	return "every intervention appears once, placed or unplaced with a reason, with exactly its duration of work"
}

// All lists the rules in DOMAIN.md's order, the structural check last.
func All() []Rule {
	return []Rule{CrewCalendar{}, TenantAvailability{}, PilotOfficeHours{}, TradeSequence{},
		ReleaseDeadline{}, DwellingCapacity{}, HouseholdProfile{}, RelocationRule{},
		FrozenAppointments{}, LocalTime{}, PlanStructure{}}
}
