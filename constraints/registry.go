package constraints

import "fmt"

// registry is the one list of rehabplan's rules, in the order of their numbers,
// the structural check last. Adding a hard rule is one line here and one file
// rule_<name>.go that defines its type (see Rule for what that file holds). The
// order matters: compilation, checks and explanations visit the rules in it.
var registry = mustRegistry(
	CrewCalendar{},       // 1
	TenantAvailability{}, // 2
	PilotOfficeHours{},   // 3
	TradeSequence{},      // 4
	ReleaseDeadline{},    // 5
	DwellingCapacity{},   // 6
	HouseholdProfile{},   // 7
	RelocationRule{},     // 8
	FrozenAppointments{}, // 9
	LocalTime{},          // 10
	Heating{},            // 11
	PilotVisits{},        // 12
	Snags{},              // 13
	RemovalVolume{},      // 14
	Rehousing{},          // 15
	PlanStructure{},      // 0: every intervention once, durations, known ids
)

// ruleRegistry holds the rules in order and by name.
type ruleRegistry struct {
	list   []Rule
	byName map[string]Rule
}

// newRegistry builds a registry from rules, refusing a rule without a name and two
// rules with the same name.
func newRegistry(rules ...Rule) (*ruleRegistry, error) {
	r := &ruleRegistry{list: rules, byName: make(map[string]Rule, len(rules))}
	for i, rule := range rules {
		name := rule.Name()
		if name == "" {
			return nil, fmt.Errorf("rule %d (%T) has no name", i+1, rule)
		}
		if prev, dup := r.byName[name]; dup {
			return nil, fmt.Errorf("rules %T and %T are both named %q", prev, rule, name)
		}
		r.byName[name] = rule
	}
	return r, nil
}

// mustRegistry is newRegistry for the package's own list: a duplicate there is a
// bug of the package, found by its first test.
func mustRegistry(rules ...Rule) *ruleRegistry {
	r, err := newRegistry(rules...)
	if err != nil {
		panic("constraints: " + err.Error())
	}
	return r
}

// All lists the rules of the registry, in order (by number, the structural
// check last).
func All() []Rule { return append([]Rule(nil), registry.list...) }

// Lookup finds a rule of the registry by name.
func Lookup(name string) (Rule, bool) {
	r, ok := registry.byName[name]
	return r, ok
}

// Checkers lists the rules of the registry that check a plan (every rule does;
// a test says so), in the order of All.
func Checkers() []Checker {
	out := make([]Checker, 0, len(registry.list))
	for _, r := range registry.list {
		if c, ok := r.(Checker); ok {
			out = append(out, c)
		}
	}
	return out
}

// ruleNumber is the number of the rule named name, 99 for a name the registry
// does not know (such as "search"): those sort last.
func ruleNumber(name string) int {
	if r, ok := registry.byName[name]; ok {
		return r.Number()
	}
	return 99
}
