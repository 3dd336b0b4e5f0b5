// Package constraints holds rehabplan's rules: each hard constraint of the domain is
// one named rule that says what it requires, turns itself into the solver's terms
// (tasks, resources, calendars, precedences) for the search, checks a finished plan
// from scratch for the verifier, and explains in a pilot's words why it is broken or
// why it keeps an intervention from being placed.
//
// The verifier (Verify) and the search compilation (Compile) share nothing but the
// model types: Verify expands RRULEs itself with rrule-go and works on time.Time.
package constraints

// Rule is a named hard constraint of the domain.
type Rule interface {
	// Name is the rule's stable identifier, e.g. "crew-calendar".
	Name() string
	// Number is the hard constraint's number (1-10); 0 for structural checks.
	Number() int
	// Requires says in one sentence, in lang (English unless lang is French),
	// what the rule requires.
	Requires(lang Lang) string
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
